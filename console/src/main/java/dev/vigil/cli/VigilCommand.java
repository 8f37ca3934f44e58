package dev.vigil.cli;

import java.io.InputStream;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Command;

/** The {@code vigil} command line: one entry point for the daemon and every operator verb. */
@Command(name = "vigil",
        mixinStandardHelpOptions = true,
        versionProvider = VigilCommand.Version.class,
        description = "Vigil keeps services running when a machine dies.",
        subcommands = {
                AgentCommand.class,
                StatusCommand.class,
                HistoryCommand.class,
                ConfigCommand.class,
                SerialTestCommand.class,
                ResourceCommand.class,
                NodeCommand.class,
                MaintenanceCommand.class,
                KeyCommand.class,
                RunAgentCommand.class,
                ArbitratorCommand.class,
                ConsoleCommand.class,
                ImportCommand.class,
                PlaybookCommand.class,
                DrillCommand.class,
                InstallCommand.class,
                UninstallCommand.class,
                CommandLine.HelpCommand.class
        })
public final class VigilCommand {
    /** Set when the verbs run inside {@code vigil console} for an SSH user; null on a node's own command line. */
    private final AgentConnection consoleAgent;
    private final InputStream consoleInput;

    public VigilCommand() {
        this(null, null);
    }

    VigilCommand(AgentConnection consoleAgent, InputStream consoleInput) {
        this.consoleAgent = consoleAgent;
        this.consoleInput = consoleInput;
    }

    /** The console's agent when {@code spec}'s command runs under {@code vigil console}. */
    static Optional<AgentConnection> consoleAgent(CommandSpec spec) {
        return spec.root().userObject() instanceof VigilCommand v ? Optional.ofNullable(v.consoleAgent) : Optional.empty();
    }

    /** The SSH channel's stdin under {@code vigil console}. */
    static InputStream consoleInput(CommandSpec spec) {
        var v = (VigilCommand) spec.root().userObject();
        return v.consoleInput == null ? InputStream.nullInputStream() : v.consoleInput;
    }

    public static void main(String[] args) {
        // The resident agent skips picocli when its command line is plain; see AgentEntry.
        var agent = AgentEntry.parse(args);
        System.exit(agent.isPresent() ? AgentEntry.run(agent.get()) : run(args));
    }

    public static int run(String... args) {
        var cli = new CommandLine(new VigilCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("vigil: " + e.getMessage());
            return 2;
        });
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var v = VigilCommand.class.getPackage().getImplementationVersion();
            return new String[] {"vigil " + (v == null ? "development build" : v)};
        }
    }
}
