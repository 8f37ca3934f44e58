package dev.vigil.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vigil maintenance on|off}: the cluster leaves every resource alone while on. */
@Command(name = "maintenance", mixinStandardHelpOptions = true,
        description = "on: leave every resource alone (no starts, stops or monitors); off: manage them again.",
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {AdminVerb.EXIT_0, AdminVerb.EXIT_1, AdminVerb.EXIT_2, AdminVerb.EXIT_3})
final class MaintenanceCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "on|off") String mode;
    @Mixin NodeOptions agent;

    @Override
    public Integer call() {
        if (!mode.equals("on") && !mode.equals("off")) {
            agent.err().println("vigil: maintenance takes on or off, not '" + mode + "'");
            return 2;
        }
        return AdminVerb.send(agent, "maintenance-" + mode, List.of());
    }
}
