package dev.vigil.cli;

import dev.vigil.agent.AgentOptions;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which node's agent a verb is about: the cluster file, the node name and the control socket.
 * Shared by every verb that starts or talks to an agent, so they all find it the same way.
 */
final class NodeOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "cluster file (default: ${DEFAULT-VALUE})")
    Path config = AgentOptions.DEFAULT_CONFIG;

    @Option(names = "--node", paramLabel = "NAME", description = "the node's name (default: uname -n)")
    Optional<String> node = Optional.empty();

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the agent's control socket (default: /run/vigil/<cluster>-<node>.sock)")
    Optional<Path> socket = Optional.empty();

    /** The agent's control socket: --socket, else the default for --config and --node; null after explaining why not. */
    Path socketOrExplain() {
        if (socket.isPresent()) {
            return socket.get();
        }
        var cluster = AgentCommand.loadOrExplain(config);
        if (cluster == null) {
            return null;
        }
        return AgentOptions.resolve(cluster, node, Optional.empty(), Optional.empty()).socket();
    }
}
