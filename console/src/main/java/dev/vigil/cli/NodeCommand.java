package dev.vigil.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vigil node standby|online NODE}. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Put a node in standby or back online.",
        subcommands = {NodeCommand.Standby.class, NodeCommand.Online.class})
final class NodeCommand {

    @Command(name = "standby", mixinStandardHelpOptions = true,
            description = "Move every resource off NODE and keep it empty until `vigil node online NODE`.",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Standby implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "standby", List.of(node));
        }
    }

    @Command(name = "online", mixinStandardHelpOptions = true, description = "Let NODE run resources again.",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Online implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "online", List.of(node));
        }
    }
}
