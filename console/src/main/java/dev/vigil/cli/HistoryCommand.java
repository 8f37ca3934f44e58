package dev.vigil.cli;

import dev.vigil.control.HistoryReport;
import dev.vigil.status.HistoryLines;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil history}: what the agent keeps of the cluster's past (issue 18, item 6), the
 * counterpart of {@code crm_mon --operations --fence-history} and {@code stonith_admin
 * --history}: operations per resource, fences, and the event log.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Show the cluster history the agent keeps: the latest operations per resource (rc, reason, "
                + "duration), every fence (who fenced whom, how, result) and the event log.",
                "Kept in the agent's state directory: it survives console reconnects and agent restarts."},
        exitCodeListHeading = AdminVerb.EXIT_HEADING,
        exitCodeList = {"0:shown", AdminVerb.EXIT_2, AdminVerb.EXIT_3})
final class HistoryCommand implements Callable<Integer> {
    /** Events shown in the text form unless asked for more; the JSON always has all the agent keeps. */
    static final int DEFAULT_EVENTS = 40;

    @Option(names = "--json", description = "print the documented JSON shape, for scripts")
    boolean json;

    @Option(names = "--resource", paramLabel = "ID", description = "only this resource's operations")
    String resource;

    @Option(names = "--events", paramLabel = "N", description = "the latest N events (default ${DEFAULT-VALUE})")
    int events = DEFAULT_EVENTS;

    @Mixin
    NodeOptions target;

    @Override
    public Integer call() throws Exception {
        return target.showOrExplain(AgentConnection::history, json, h -> render(h, resource, events));
    }

    static String render(HistoryReport h, String resource, int events) {
        var sb = new StringBuilder("Cluster history kept by ").append(h.node()).append(" (times UTC, oldest first)\n");
        var ops = HistoryLines.operations(h, resource);
        sb.append("\nOperations").append(resource == null ? "" : " of " + resource).append(":\n");
        if (ops.isEmpty()) sb.append("  none recorded\n");
        ops.forEach(o -> sb.append("  ").append(HistoryLines.operation(o)).append('\n'));
        sb.append("\nFencing:\n");
        if (h.fencing().isEmpty()) sb.append("  no node fenced\n");
        for (var f : h.fencing()) {
            sb.append("  ").append(HistoryLines.fence(f)).append('\n');
            HistoryLines.fenceDevices(f).forEach(d -> sb.append("      ").append(d).append('\n'));
        }
        List<HistoryReport.EventRecord> all = h.events();
        int from = Math.max(0, all.size() - Math.max(0, events));
        sb.append("\nEvents");
        if (from > 0) sb.append(" (the latest ").append(all.size() - from).append(" of ").append(all.size())
                .append("; --events N for more)");
        sb.append(":\n");
        if (all.isEmpty()) sb.append("  none recorded\n");
        all.subList(from, all.size()).forEach(e -> sb.append("  ").append(HistoryLines.event(e)).append('\n'));
        return sb.toString();
    }
}
