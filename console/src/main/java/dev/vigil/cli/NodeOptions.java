package dev.vigil.cli;

import dev.vigil.agent.AgentOptions;
import dev.vigil.control.ControlClient;
import dev.vigil.control.KeyFileSource;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Which node's agent a verb is about: the cluster file, the node name and the control socket, or
 * an agent's TCP control port. Shared by every verb that starts or talks to an agent, so they all
 * find it the same way. Under {@code vigil console} the console's own agent connection is used
 * instead and these options are refused (an SSH user must not pick sockets or files on the
 * console's host).
 */
final class NodeOptions {
    /**
     * The environment, read for {@code VIGIL_CONFIG} and {@code VIGIL_SOCKET}; a test swaps it
     * (the JVM cannot change its own environment).
     */
    static java.util.function.UnaryOperator<String> environment = System::getenv;

    @Option(names = "--config", paramLabel = "FILE", description = "cluster file (default: $VIGIL_CONFIG, else /etc/vigil/cluster.yaml)")
    Path config = defaultConfig();

    @Option(names = "--node", paramLabel = "NAME", description = "the node's name (default: uname -n)")
    Optional<String> node = Optional.empty();

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the agent's control socket (default: $VIGIL_SOCKET unless --node is given, else "
                    + "<socket_dir>/<cluster>-<node>.sock from --config's control: {socket_dir: DIR}, default /run/vigil)")
    Optional<Path> socket = Optional.empty();

    @Option(names = "--connect", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "talk to an agent's TCP control port instead of the local socket, authenticated with "
                    + "the key of --config's cluster file (e.g. 10.0.0.48:7695; IPv6 as [::1]:7695); "
                    + "with several, the first that answers")
    Optional<String> connect = Optional.empty();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    static Path defaultConfig() {
        String env = environment.apply("VIGIL_CONFIG");
        return env == null || env.isBlank() ? AgentOptions.DEFAULT_CONFIG : Path.of(env);
    }

    /**
     * The agent's control socket: --socket; else $VIGIL_SOCKET when no --node names another node;
     * else the one the agent of --config and --node listens on (the same derivation as {@code vigil
     * agent}'s, so the file alone finds it). Null after explaining why not.
     */
    Path socketOrExplain() {
        if (socket.isPresent()) {
            return socket.get();
        }
        String env = environment.apply("VIGIL_SOCKET");
        if (node.isEmpty() && env != null && !env.isBlank()) {
            return Path.of(env);
        }
        var cluster = loadForCliOrExplain();
        if (cluster == null) {
            return null;
        }
        try {
            return AgentOptions.resolve(cluster, node, Optional.empty(), Optional.empty()).socket();
        } catch (IllegalArgumentException e) {
            err().println("vigil: " + e.getMessage());
            return null;
        }
    }

    /** The cluster file, to find an agent (not to start one: the agent's "not starting" would mislead here). */
    dev.vigil.config.ClusterConfig loadForCliOrExplain() {
        if (!java.nio.file.Files.exists(config)) {
            err().println("vigil: no cluster file at " + config + ", so no agent to find: give --config FILE (or set "
                    + "VIGIL_CONFIG), --socket PATH (or set VIGIL_SOCKET), or --connect HOST:PORT");
            return null;
        }
        try {
            return dev.vigil.config.ConfigLoader.load(config);
        } catch (dev.vigil.config.ConfigException e) {
            err().println(e.getMessage());
            err().println("vigil: " + e.errors().size() + " error(s) in " + config + "; cannot tell where its agent listens "
                    + "(give --socket PATH or set VIGIL_SOCKET)");
            return null;
        }
    }

    /** A client for the agent these options name (TCP with --connect, else the Unix socket); null after explaining why not. */
    ControlClient clientOrExplain() {
        if (connect.isEmpty()) {
            Path path = socketOrExplain();
            return path == null ? null : ControlClient.unix(path);
        }
        if (socket.isPresent()) {
            err().println("vigil: --connect and --socket name two different agents; give one");
            return null;
        }
        var addresses = parseHostPorts(connect.get());
        if (addresses.isEmpty()) {
            err().println("vigil: --connect " + connect.get() + ": expected HOST:PORT[,HOST:PORT...], e.g. 10.0.0.48:7695");
            return null;
        }
        var cluster = loadForCliOrExplain();
        if (cluster == null) {
            return null;
        }
        // The console (--connect) lives long: the key file is read again after a `vigil key rotate`.
        return ControlClient.tcp(addresses.get(), new KeyFileSource(cluster.keyFile(), cluster.key()));
    }

    /** The verb runs inside {@code vigil console} for an SSH user: this process's terminal is not theirs. */
    boolean overConsole() {
        return VigilCommand.consoleAgent(mixee).isPresent();
    }

    /** One question to the agent, e.g. {@code AgentConnection::status}. */
    @FunctionalInterface
    interface Query<T> {
        T ask(AgentConnection agent) throws java.io.IOException;
    }

    /**
     * Asks the agent and prints its answer, as JSON or as {@code text} renders it: what the
     * read-only verbs ({@code status}, {@code history}) share. Exit code 0, 2 when there is no
     * agent to ask (after saying why), 3 when it did not answer.
     */
    <T> int showOrExplain(Query<T> query, boolean json, java.util.function.Function<T, String> text) throws Exception {
        AgentConnection agent = connectionOrExplain();
        if (agent == null) {
            return 2;
        }
        T answer;
        try {
            answer = query.ask(agent);
        } catch (java.io.IOException e) {
            err().println("vigil: " + e.getMessage());
            return 3;
        }
        if (json) {
            out().println(dev.vigil.control.ControlProtocol.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(answer));
        } else {
            out().print(text.apply(answer));
        }
        return 0;
    }

    /** The agent to talk to: the console's when running under it, else as the options say; null after explaining why not. */
    AgentConnection connectionOrExplain() {
        var fixed = VigilCommand.consoleAgent(mixee);
        if (fixed.isPresent()) {
            return fixed.get();
        }
        var client = clientOrExplain();
        return client == null ? null : AgentConnection.over(client);
    }

    /** A comma-separated list of HOST:PORT, in order; empty if any of them is not one. */
    static Optional<List<InetSocketAddress>> parseHostPorts(String text) {
        var out = new ArrayList<InetSocketAddress>();
        for (String one : text.split(",", -1)) {
            var address = parseHostPort(one.strip());
            if (address.isEmpty()) {
                return Optional.empty();
            }
            out.add(address.get());
        }
        return Optional.of(List.copyOf(out));
    }

    static Optional<InetSocketAddress> parseHostPort(String text) {
        return parseHostPort(text, 1);
    }

    /**
     * HOST:PORT or [IPv6]:PORT with a port from {@code minPort} to 65535 (0 lets a listener take
     * any free port).
     */
    static Optional<InetSocketAddress> parseHostPort(String text, int minPort) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return Optional.empty();
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            return Optional.empty(); // a bare IPv6 address is ambiguous
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < minPort || port > 65535 || host.isEmpty()) {
                return Optional.empty();
            }
            // Resolved now; an unknown host surfaces as "no agent answers on HOST:PORT".
            return Optional.of(new InetSocketAddress(host, port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    PrintWriter err() {
        return mixee.commandLine().getErr();
    }
}
