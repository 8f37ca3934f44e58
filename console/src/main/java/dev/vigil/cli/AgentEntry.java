package dev.vigil.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code vigil agent ...} without picocli. The daemon is the one verb that stays resident, and
 * building the whole command model of every verb costs it ~175 picocli classes (~0.7 MB of class
 * files, more as metadata) and the model's heap for the life of the agent. A plain command line
 * (the options of {@link AgentCommand} as {@code --opt VALUE} or {@code --opt=VALUE}, each at
 * most once) is parsed here; anything else (help, version, unknown or repeated options, values
 * that look like options, {@code @file} arguments, {@code --connect}) goes to picocli exactly as
 * before, so its messages and exit codes do not change. AgentEntryTest holds this parser to
 * picocli's results and to the agent verb's list of options.
 */
final class AgentEntry {
    private AgentEntry() {}

    /** The agent verb's options this parser understands; the test compares them with picocli's model. */
    static final java.util.Set<String> OPTIONS = java.util.Set.of("--config", "--node", "--socket", "--state-dir",
            "--no-realtime");

    /** The parsed command, or empty when picocli must handle these arguments. */
    static Optional<AgentCommand> parse(String... args) {
        if (args.length == 0 || !args[0].equals("agent")) {
            return Optional.empty();
        }
        var command = new AgentCommand();
        command.stateDir = Optional.empty();
        var seen = new java.util.HashSet<String>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!OPTIONS.contains(name) || !seen.add(name)) {
                return Optional.empty();
            }
            if (name.equals("--no-realtime")) {
                if (value != null) {
                    return Optional.empty();
                }
                command.noRealtime = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    return Optional.empty();
                }
                value = args[++i];
            }
            if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
                return Optional.empty();
            }
            try {
                switch (name) {
                    case "--config" -> command.config = Path.of(value);
                    case "--node" -> command.node = Optional.of(value);
                    case "--socket" -> command.socket = Optional.of(Path.of(value));
                    case "--state-dir" -> command.stateDir = Optional.of(Path.of(value));
                    default -> throw new AssertionError(name);
                }
            } catch (InvalidPathException e) {
                return Optional.empty();
            }
        }
        return Optional.of(command);
    }

    /** Runs the agent as {@code VigilCommand.run} would have: a failure is "vigil: message" and exit code 2. */
    static int run(AgentCommand command) {
        try {
            return command.call();
        } catch (Exception e) {
            System.err.println("vigil: " + e.getMessage());
            return 2;
        } finally {
            System.out.flush();
            System.err.flush();
        }
    }
}
