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

    /**
     * The "Failed resource actions" entry for one node: the operation that failed, with its
     * outcome, return code and reason, and when, e.g. "monitor failed: killed by SIGKILL (exit 137)
     * at 2026-12-05 18:40:01Z". From an agent too old to report it, the latest operation, as before.
     */
    public static String failedAction(ResourceRow row, String node) {
        String failed = row.failedOperations() == null ? null : row.failedOperations().get(node);
        if (failed == null || failed.isEmpty()) {
            return "last: " + (row.lastOperations() == null ? "?" : row.lastOperations().getOrDefault(node, "?"));
        }
        int colon = failed.indexOf(": ");
        String text = colon < 0 ? failed : failed.substring(0, colon) + " failed: " + failed.substring(colon + 2);
        Long at = row.failedAtMs() == null ? null : row.failedAtMs().get(node);
        if (at != null && at > 0) {
            text += " at " + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(at));
        }
        return text;
    }
}
