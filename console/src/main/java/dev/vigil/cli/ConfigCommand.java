package dev.vigil.cli;

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

        @Override
        public Integer call() {
            var errors = ConfigLoader.check(file);
            if (errors.isEmpty()) {
                System.out.println(file + ": OK");
                return 0;
            }
            errors.forEach(e -> System.err.println(e));
            System.err.println(errors.size() + " error(s)");
            return 1;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Validate FILE, then make it the cluster's configuration: the local agent adopts it and "
                    + "distributes it to every member; returns once all run it.",
                    "FILE must carry a higher `version:` than the running one. Resources, groups, constraints, "
                    + "policy, fencing and ping take effect at once; nodes, links, timing and key at each agent's restart."})
    static final class Apply implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "the new cluster file")
        Path file;

        @picocli.CommandLine.Mixin
        NodeOptions agent;

        @Override
        public Integer call() throws java.io.IOException {
            var errors = ConfigLoader.check(file);
            if (!errors.isEmpty()) {
                errors.forEach(e -> System.err.println(e));
                System.err.println("vigil: " + errors.size() + " error(s); nothing applied");
                return 1;
            }
            if (agent.socket.isEmpty() && agent.config.equals(dev.vigil.agent.AgentOptions.DEFAULT_CONFIG)) {
                // Find the local agent, or the key for --connect, through the new file itself.
                agent.config = file;
            }
            var client = agent.clientOrExplain();
            if (client == null) {
                return 2;
            }
            try {
                var outcome = client.applyConfig(java.nio.file.Files.readString(file));
                (outcome.ok() ? System.out : System.err).println((outcome.ok() ? "" : "vigil: ") + outcome.message());
                return outcome.ok() ? 0 : 1;
            } catch (java.io.IOException e) {
                System.err.println("vigil: " + e.getMessage());
                return 3;
            }
        }
    }
}
