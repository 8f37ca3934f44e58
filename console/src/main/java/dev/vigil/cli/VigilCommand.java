package dev.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vigil} command line: one entry point for the daemon and every operator verb. */
@Command(name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VigilCommand.Version.class,
        description = "Vigil keeps services running when a machine dies.",
        subcommands = {
                AgentCommand.class,
                StatusCommand.class,
                ConfigCommand.class,
                SerialTestCommand.class,
                ResourceCommand.class,
                NodeCommand.class,
                MaintenanceCommand.class,
                RunAgentCommand.class,
                CommandLine.HelpCommand.class
        })
public final class VigilCommand {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        var cli = new CommandLine(new VigilCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("vigil: " + e.getMessage());
            return 2;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var v = VigilCommand.class.getPackage().getImplementationVersion();
            return new String[] {"vigil " + (v == null ? "development build" : v)};
        }
    }
}
