package dev.vigil.cli;

import dev.vigil.agent.AgentOptions;
import dev.vigil.control.ControlClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which node's agent a verb is about: the cluster file, the node name and the control socket.
 * Shared by every verb that starts or talks to an agent, so they all find it the same way.
 * Under {@code vigil console} the console's own agent connection is used instead and these
 * options are refused (an SSH user must not pick sockets or files on the console's host).
 */
final class NodeOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "cluster file (default: ${DEFAULT-VALUE})")
    Path config = AgentOptions.DEFAULT_CONFIG;

    @Option(names = "--node", paramLabel = "NAME", description = "the node's name (default: uname -n)")
    Optional<String> node = Optional.empty();

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the agent's control socket (default: /run/vigil/<cluster>-<node>.sock)")
    Optional<Path> socket = Optional.empty();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

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

    /** The agent to talk to: the console's when running under it, else the local socket; null after explaining why not. */
    AgentConnection connectionOrExplain() {
        var fixed = VigilCommand.consoleAgent(mixee);
        if (fixed.isPresent()) {
            return fixed.get();
        }
        Path path = socketOrExplain();
        return path == null ? null : AgentConnection.over(new ControlClient(path));
    }

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    PrintWriter err() {
        return mixee.commandLine().getErr();
    }
}
