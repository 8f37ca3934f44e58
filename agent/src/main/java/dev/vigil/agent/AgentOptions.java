package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How one agent process runs: which node it is and where its socket and state live.
 * Several agents of one cluster can share a machine when each gets its own node name
 * (the defaults already differ per node).
 *
 * @param realtime   whether the heartbeat threads get real-time scheduling (see {@link RealtimePriority})
 * @param scriptsDir Vigil's resource-scripts directory: {@code ocf/vigil/} holds its OCF agents and
 *                   {@code fence/} its fence agents
 */
public record AgentOptions(String node, Path socket, Path stateDir, boolean realtime, Path scriptsDir) {

    /**
     * {@code <vigil.home>/resource-scripts}: the launcher sets {@code vigil.home} to the
     * installation it runs from; a package install without it uses /usr/lib/vigil.
     */
    public static Path defaultScriptsDir() {
        return Path.of(System.getProperty("vigil.home", "/usr/lib/vigil")).resolve("resource-scripts");
    }

    public Path ocfScriptsDir() {
        return scriptsDir.resolve("ocf").resolve("vigil");
    }

    /** Vigil's crm_attribute and crm_master, which the agents it runs find first (not on the system's PATH). */
    public Path crmToolsDir() {
        return scriptsDir.resolve("sbin");
    }

    public Path fenceScriptsDir() {
        return scriptsDir.resolve("fence");
    }

    public static final Path DEFAULT_CONFIG = Path.of("/etc/vigil/cluster.yaml");

    /** {@code /run/vigil/<cluster>-<node>.sock}, where {@code vigil status} looks by default. */
    public static Path defaultSocket(String cluster, String node) {
        return Path.of("/run/vigil", cluster + "-" + node + ".sock");
    }

    /**
     * The socket an agent of this cluster file listens on unless told otherwise: in the file's
     * {@code control: {socket_dir: DIR}}, else in /run/vigil. The CLI derives it the same way.
     */
    public static Path defaultSocket(ClusterConfig config, String node) {
        var dir = config.control().socketDir();
        return dir == null ? defaultSocket(config.cluster(), node) : dir.resolve(config.cluster() + "-" + node + ".sock");
    }

    /** {@code /var/lib/vigil/<cluster>/<node>/}. */
    public static Path defaultStateDir(String cluster, String node) {
        return Path.of("/var/lib/vigil", cluster, node);
    }

    /**
     * Resolves the node name (given, else the host name as {@code uname -n} prints it, as
     * heartbeat did) and the default paths, and checks the node is in the cluster file.
     */
    public static AgentOptions resolve(ClusterConfig config, Optional<String> node, Optional<Path> socket,
                                       Optional<Path> stateDir) {
        return resolve(config, node, socket, stateDir, false);
    }

    /**
     * @param realtime give the heartbeat threads real-time scheduling (what the daemon does unless
     *                 told otherwise; off for agents embedded in tests)
     */
    public static AgentOptions resolve(ClusterConfig config, Optional<String> node, Optional<Path> socket,
                                       Optional<Path> stateDir, boolean realtime) {
        String name = node.orElseGet(NodeName::fromHost);
        if (config.node(name).isEmpty()) {
            throw new IllegalArgumentException("this node is '" + name + "' (" + (node.isPresent() ? "--node" : "uname -n")
                    + "), which is not among the nodes of " + config.source() + ": "
                    + config.nodes().stream().map(n -> n.name()).toList()
                    + (node.isPresent() ? "" : "; pass --node NAME"));
        }
        return new AgentOptions(name,
                socket.orElse(defaultSocket(config, name)),
                stateDir.orElse(defaultStateDir(config.cluster(), name)), realtime, defaultScriptsDir());
    }
}
