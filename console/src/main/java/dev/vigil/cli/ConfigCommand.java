package dev.vigil.cli;

import dev.vigil.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vigil config}: work with the cluster file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check the cluster file.", subcommands = ConfigCommand.Check.class)
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
}
