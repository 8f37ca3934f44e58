package dev.vigil.cli;

import dev.vigil.agent.AgentOptions;
import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil status}: what the local agent sees, like heartbeat's cl_status or {@code crm_mon -1}. */
@Command(name = "status", description = "Show the cluster as the local agent sees it.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print the documented JSON shape, for scripts")
    boolean json;

    @Option(names = "--config", paramLabel = "FILE", description = "cluster file, to find the agent's socket (default: ${DEFAULT-VALUE})")
    Path config = AgentOptions.DEFAULT_CONFIG;

    @Option(names = "--node", paramLabel = "NAME", description = "which node's agent to ask (default: uname -n)")
    Optional<String> node;

    @Option(names = "--socket", paramLabel = "PATH", description = "ask the agent on this socket directly")
    Optional<Path> socket;

    @Override
    public Integer call() throws Exception {
        Path path;
        if (socket.isPresent()) {
            path = socket.get();
        } else {
            var cluster = AgentCommand.loadOrExplain(config);
            if (cluster == null) {
                return 2;
            }
            path = AgentOptions.resolve(cluster, node, Optional.empty(), Optional.empty()).socket();
        }
        StatusReport report;
        try {
            report = new ControlClient(path).status();
        } catch (java.io.IOException e) {
            System.err.println("vigil: " + e.getMessage());
            return 3;
        }
        if (json) {
            System.out.println(ControlProtocol.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        } else {
            System.out.print(StatusText.render(report));
        }
        return 0;
    }
}
