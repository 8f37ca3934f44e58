package dev.vigil.cli;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.TransportFactory;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.coordination.ConfigDistribution;
import dev.vigil.time.MonotonicClock;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil agent}: the node daemon, in the foreground (systemd or the demo supervise it). */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Run this node's agent in the foreground until SIGTERM.")
final class AgentCommand implements Callable<Integer> {

    // Its own options rather than NodeOptions: the daemon listens, it connects to nothing, so --connect does not apply.
    @Option(names = "--config", paramLabel = "FILE", description = "cluster file (default: $VIGIL_CONFIG, else /etc/vigil/cluster.yaml)")
    Path config = NodeOptions.defaultConfig();

    @Option(names = "--node", paramLabel = "NAME", description = "this node's name (default: uname -n)")
    Optional<String> node = Optional.empty();

    @Option(names = "--socket", paramLabel = "PATH", description = "the control socket to serve (default: "
            + "<socket_dir>/<cluster>-<node>.sock from the file's control: {socket_dir: DIR}, default /run/vigil)")
    Optional<Path> socket = Optional.empty();

    @Option(names = "--state-dir", paramLabel = "DIR", description = "state directory (default: /var/lib/vigil/<cluster>/<node>/)")
    Optional<Path> stateDir;

    @Option(names = "--no-realtime",
            description = "keep the heartbeat threads at normal priority (by default they get SCHED_RR, like heartbeat's `realtime on`)")
    boolean noRealtime;

    @Override
    public Integer call() throws Exception {
        var cluster = loadOrExplain(config);
        if (cluster == null) {
            return 2;
        }
        var options = AgentOptions.resolve(cluster, node, socket, stateDir, !noRealtime);
        // A node that was down while the cluster moved to a newer file starts with that one.
        cluster = ConfigDistribution.newest(cluster, options.stateDir());
        var agent = new Agent(cluster, options, MonotonicClock.create(), TransportFactory.system());
        agent.start();
        // SIGTERM and SIGINT run shutdown hooks: leave politely so peers need not wait for deadtime.
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "vigil-shutdown"));
        agent.awaitStop();
        return 0;
    }

    static dev.vigil.config.ClusterConfig loadOrExplain(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.err.println("vigil: " + e.errors().size() + " error(s) in " + file + "; not starting");
            return null;
        }
    }
}
