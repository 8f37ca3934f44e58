package dev.vigil.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vigil resource move|ban|clear|restart|cleanup}: Pacemaker's crm_resource verbs. */
@Command(name = "resource", mixinStandardHelpOptions = true,
        description = "Move, ban, clear, restart or clean up a resource or group (through the coordinator).",
        subcommands = {ResourceCommand.Move.class, ResourceCommand.Ban.class, ResourceCommand.Clear.class,
                ResourceCommand.Restart.class, ResourceCommand.Cleanup.class})
final class ResourceCommand {

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Run TARGET on NODE until `vigil resource clear TARGET` (a temporary +INFINITY rule).",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Move implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TARGET", description = "a resource or group") String target;
        @Parameters(index = "1", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "move", List.of(target, node));
        }
    }

    @Command(name = "ban", mixinStandardHelpOptions = true,
            description = "Never run TARGET on NODE until `vigil resource clear TARGET` (a temporary -INFINITY rule).",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Ban implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TARGET", description = "a resource or group") String target;
        @Parameters(index = "1", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "ban", List.of(target, node));
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Remove the move and ban rules of TARGET; it may stay where it is (stickiness) or go back.",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Clear implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "TARGET") String target;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "clear", List.of(target));
        }
    }

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = "Stop RESOURCE where it runs (or on NODE) and let the cluster start it again.",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Restart implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RESOURCE") String resource;
        @Parameters(index = "1", arity = "0..1", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "restart", args(resource, node));
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Forget RESOURCE's failures (on NODE, or where it failed) and probe it again.",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Cleanup implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RESOURCE") String resource;
        @Parameters(index = "1", arity = "0..1", paramLabel = "NODE") String node;
        @Mixin NodeOptions agent;

        @Override
        public Integer call() {
            return AdminVerb.send(agent, "cleanup", args(resource, node));
        }
    }

    private static List<String> args(String first, String optional) {
        var out = new ArrayList<String>();
        out.add(first);
        if (optional != null) out.add(optional);
        return out;
    }
}
