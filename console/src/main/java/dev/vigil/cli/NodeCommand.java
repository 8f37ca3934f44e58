package dev.vigil.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vigil node standby|online|fence NODE}. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Put a node in standby or back online, or fence it.",
        subcommands = {NodeCommand.Standby.class, NodeCommand.Online.class, NodeCommand.Fence.class})
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

    @Command(name = "fence", mixinStandardHelpOptions = true,
            description = {"Fence NODE now: the coordinator runs the cluster file's fence devices for it (as for a lost "
                    + "node), records it in the cluster's history and moves its resources elsewhere. Refused without "
                    + "fencing configured, without quorum, or for the coordinator's own node."},
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Fence implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "fence", List.of(node));
        }
    }
}
