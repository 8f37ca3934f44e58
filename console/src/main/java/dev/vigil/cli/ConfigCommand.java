package dev.vigil.cli;

import dev.vigil.config.BoundedFile;
import dev.vigil.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vigil config}: work with the cluster file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check or apply the cluster file.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Apply.class})
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true, description = "Validate a cluster file; print every error as file:line:column.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the cluster file")
        Path file;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var errors = ConfigLoader.check(file);
            if (errors.isEmpty()) {
                out.println(file + ": OK");
                return 0;
            }
            errors.forEach(e -> err.println(e));
            err.println(errors.size() + " error(s)");
            return 1;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Validate FILE, then make it the cluster's configuration: the local agent adopts it and "
                    + "distributes it to every member; returns once all run it.",
                    "FILE must carry a higher `version:` than the running one. Resources, groups, constraints, "
                    + "policy, fencing and ping take effect at once; nodes, links, timing and key at each agent's restart."})
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the new cluster file; under `vigil console`, `-` (the file on stdin)")
        Path file;

        @picocli.CommandLine.Mixin
        NodeOptions agent;

        @Override
        public Integer call() throws java.io.IOException {
            var out = agent.out();
            var err = agent.err();
            String text;
            if (VigilCommand.consoleAgent(agent.mixee).isPresent()) {
                // Over SSH the file is the operator's, not one on the console's host: it comes on stdin,
                // and the agent that adopts it checks it and names every error.
                if (!file.toString().equals("-")) {
                    err.println("vigil: over the console the file comes on stdin: "
                            + "ssh ... vigil config apply - < " + file.getFileName());
                    return 2;
                }
                try {
                    text = BoundedFile.readText(VigilCommand.consoleInput(agent.mixee), BoundedFile.CLUSTER_FILE_LIMIT,
                            "the file on stdin", "cluster file");
                } catch (BoundedFile.Refused e) {
                    err.println("vigil: " + e.getMessage() + "; nothing applied");
                    return 1;
                }
            } else {
                var errors = ConfigLoader.check(file);
                if (!errors.isEmpty()) {
                    errors.forEach(e -> err.println(e));
                    err.println("vigil: " + errors.size() + " error(s); nothing applied");
                    return 1;
                }
                if (agent.socket.isEmpty() && agent.config.equals(dev.vigil.agent.AgentOptions.DEFAULT_CONFIG)) {
                    agent.config = file; // find the local agent, or the key for --connect, through the new file itself
                }
                try {
                    // The same bounded read as the check above: the file may have changed in between.
                    text = BoundedFile.readText(file, BoundedFile.CLUSTER_FILE_LIMIT, "cluster file");
                } catch (java.io.IOException e) {
                    err.println("vigil: cannot read " + file + ": " + e.getMessage() + "; nothing applied");
                    return 1;
                }
            }
            var connection = agent.connectionOrExplain();
            if (connection == null) {
                return 2;
            }
            try {
                var outcome = connection.applyConfig(text);
                (outcome.ok() ? out : err).println((outcome.ok() ? "" : "vigil: ") + outcome.message());
                return outcome.ok() ? 0 : 1;
            } catch (java.io.IOException e) {
                err.println("vigil: " + e.getMessage());
                return 3;
            }
        }
    }
}
