package dev.vigil.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil status}: what the local agent sees, like heartbeat's cl_status or {@code crm_mon -1}. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the cluster as the local agent sees it.",
        exitCodeListHeading = AdminVerb.EXIT_HEADING,
        exitCodeList = {"0:shown", AdminVerb.EXIT_2, AdminVerb.EXIT_3})
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "print the documented JSON shape, for scripts")
    boolean json;

    @Mixin
    NodeOptions target;

    @Override
    public Integer call() throws Exception {
        return target.showOrExplain(AgentConnection::status, json, StatusText::render);
    }
}
