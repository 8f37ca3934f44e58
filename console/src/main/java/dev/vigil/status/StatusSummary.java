package dev.vigil.status;

import dev.vigil.control.StatusReport.ResourceRow;
import dev.vigil.control.StatusReport.ResourcesReport;
import java.util.ArrayList;
import java.util.List;

/**
 * What a status report says, decided once for both front ends. {@code vigil status}
 * ({@code cli.StatusText}, plain text in the spirit of {@code crm_mon -1}) and the text UI
 * ({@code tui.StatusViews}, lines with tones and text markers) show the same facts in their own
 * markup; the decisions behind them (is a resource started, failed or stopped; is a node unclean
 * after a failed stop; how failure counts, operator rules and pending actions read) live here, so
 * the two cannot drift apart.
 */
public final class StatusSummary {
    private StatusSummary() {}

    /** Where a resource stands, in the order the checks are made. */
    public enum Run {
        /** Started on at least one node. */
        STARTED,
        /** Started nowhere, and failed on some node. */
        FAILED,
        /** Started nowhere, failed nowhere. */
        STOPPED
    }

    /**
     * @param runningOn  the nodes it is started on (empty unless {@code run} is STARTED)
     * @param stopFailed a stop failed on some node: that node is unclean until fenced or cleaned up
     */
    public record ResourceState(Run run, List<String> runningOn, boolean stopFailed) {
        public ResourceState {
            runningOn = List.copyOf(runningOn);
        }

        /** {@code Started ha1, ha2}, {@code FAILED} or {@code Stopped}; front ends add their markers. */
        public String words() {
            return switch (run) {
                case STARTED -> "Started " + String.join(", ", runningOn);
                case FAILED -> "FAILED";
                case STOPPED -> "Stopped";
            };
        }
    }

    public static ResourceState resourceState(ResourceRow row) {
        Run run = !row.runningOn().isEmpty() ? Run.STARTED
                : row.states().containsValue("failed") ? Run.FAILED : Run.STOPPED;
        return new ResourceState(run, row.runningOn(), row.states().containsValue("stop_failed"));
    }

    /** Failed or stop-failed on some node, whether or not it also runs elsewhere. */
    public static boolean failedAnywhere(ResourceRow row) {
        return row.states().containsValue("failed") || row.states().containsValue("stop_failed");
    }

    /** {@code node=count} for each node with failures, in the report's order. */
    public static List<String> failureCounts(ResourceRow row) {
        var result = new ArrayList<String>();
        row.failures().forEach((node, count) -> result.add(node + "=" + count));
        return result;
    }

    /** The operator's temporary rules (bans, moves), one string. */
    public static String operatorRules(ResourcesReport r) {
        return String.join("; ", r.constraints());
    }

    /** The actions the coordinator has dispatched and not yet heard back about. */
    public static String pending(ResourcesReport r) {
        return String.join(", ", r.pending());
    }
}
