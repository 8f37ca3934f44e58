package dev.vigil.cli;

import dev.vigil.arbitrator.ArbitratorServer;
import dev.vigil.config.ArbitratorServiceConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.time.MonotonicClock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil arbitrator}: the quorum arbitrator (corosync-qnetd's job) on a third machine, in the
 * foreground: no resources, no membership, one vote per cluster it serves (docs/arbitrator.md).
 */
@Command(name = "arbitrator", mixinStandardHelpOptions = true,
        description = {"Run the quorum arbitrator in the foreground until SIGTERM: it gives its vote to one partition "
                + "of each cluster of its file (docs/arbitrator.md).",
                "Exit code: 2 when the file has errors (each printed as file:line:column)."},
        footer = {"", "Example: vigil arbitrator --config /etc/vigil/arbitrator.yaml"})
final class ArbitratorCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "the arbitrator's file (default: ${DEFAULT-VALUE})")
    Path config = ArbitratorServiceConfig.DEFAULT_PATH;

    @Option(names = "--check", description = "check the file, print every error, and exit (0 when it is valid)")
    boolean check;

    @Override
    public Integer call() throws Exception {
        ArbitratorServiceConfig c;
        try {
            c = ArbitratorServiceConfig.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println("vigil arbitrator: " + e.errors().size() + " error(s) in " + config
                    + (check ? "" : "; not starting"));
            return 2;
        }
        if (check) {
            System.out.println(config + ": ok (" + c + ")");
            return 0;
        }
        var server = new ArbitratorServer(c, MonotonicClock.create());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "vigil-arbitrator-shutdown"));
        server.run();
        return 0;
    }
}
