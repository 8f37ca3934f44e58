package dev.vigil.status;

import dev.vigil.control.StatusReport.ResourceRow;
import dev.vigil.control.StatusReport.ResourcesReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
     * @param runningOn      the nodes it is started on (empty unless {@code run} is STARTED)
     * @param stopFailed     a stop failed on some node: that node is unclean until fenced or cleaned up
     * @param transitions    node → starting | stopping | probing | cleaning, what is in flight there
     * @param unmanaged      maintenance mode: the cluster leaves it alone
     * @param multipleActive started on several nodes though it is no clone
     */
    public record ResourceState(Run run, List<String> runningOn, boolean stopFailed, Map<String, String> transitions,
                                boolean unmanaged, boolean multipleActive, Map<String, String> roles) {
        public ResourceState {
            runningOn = List.copyOf(runningOn);
            transitions = Collections.unmodifiableMap(new LinkedHashMap<>(transitions));
            roles = roles == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        }

        /** Not promotable. */
        public ResourceState(Run run, List<String> runningOn, boolean stopFailed, Map<String, String> transitions,
                             boolean unmanaged, boolean multipleActive) {
            this(run, runningOn, stopFailed, transitions, unmanaged, multipleActive, null);
        }

        public ResourceState(Run run, List<String> runningOn, boolean stopFailed) {
            this(run, runningOn, stopFailed, Map.of(), false, false);
        }

        /** An operation is in flight for it somewhere: front ends show it as neither good nor bad. */
        public boolean inTransition() {
            return !transitions.isEmpty();
        }

        /**
         * As crm_mon words it: {@code Started ha1, ha2}, {@code FAILED}, {@code Stopped}, or while
         * the coordinator waits for an operation {@code Stopping ha1} / {@code Starting ha2}
         * (with {@code Started} for the other nodes it still runs on); {@code (unmanaged)} in
         * maintenance. Front ends add their markers.
         */
        public String words() {
            String base;
            if (transitions.isEmpty()) {
                base = switch (run) {
                    case STARTED -> roles != null ? roleWords(roles, runningOn) : "Started " + String.join(", ", runningOn);
                    case FAILED -> "FAILED";
                    case STOPPED -> "Stopped";
                };
            } else {
                var parts = new ArrayList<String>();
                var steady = runningOn.stream().filter(n -> !transitions.containsKey(n)).toList();
                if (!steady.isEmpty()) {
                    parts.add(roles != null ? roleWords(roles, steady) : "Started " + String.join(", ", steady));
                }
                transitions.forEach((node, what) -> parts.add(transitionWord(what) + " " + node));
                base = String.join("; ", parts);
            }
            return unmanaged ? base + " (unmanaged)" : base;
        }

        /** A promotable clone as crm_mon shows it: {@code Promoted ha1; Unpromoted ha2, ha3}. */
        private static String roleWords(Map<String, String> roles, List<String> runningOn) {
            var parts = new ArrayList<String>();
            for (String role : List.of("Promoted", "Unpromoted")) {
                var nodes = runningOn.stream().filter(n -> role.equals(roles.get(n))).toList();
                if (!nodes.isEmpty()) parts.add(role + " " + String.join(", ", nodes));
            }
            return parts.isEmpty() ? "Started " + String.join(", ", runningOn) : String.join("; ", parts);
        }
    }

    /** A promotable clone's promotion scores, {@code ha1=10 ha2=5}; empty for everything else. */
    public static String promotionScores(ResourceRow row) {
        if (row.promotionScores() == null) return "";
        var parts = new ArrayList<String>();
        row.promotionScores().forEach((node, score) -> parts.add(node + "=" + score));
        return String.join(" ", parts);
    }

    /** {@code starting} → {@code Starting}, {@code cleaning} → {@code Cleaning up}; unknown words as they came. */
    public static String transitionWord(String what) {
        return switch (what) {
            case "starting" -> "Starting";
            case "stopping" -> "Stopping";
            case "probing" -> "Probing";
            case "cleaning" -> "Cleaning up";
            case "promoting" -> "Promoting";
            case "demoting" -> "Demoting";
            case "notifying" -> "Notifying";
            default -> what.isEmpty() ? what : Character.toUpperCase(what.charAt(0)) + what.substring(1);
        };
    }

    public static ResourceState resourceState(ResourceRow row) {
        Run run = !row.runningOn().isEmpty() ? Run.STARTED
                : row.states().containsValue("failed") || row.states().containsValue("failed_promoted") ? Run.FAILED
                : Run.STOPPED;
        // An older agent sends no transitions (null) and no multipleActive: worked out here then.
        var transitions = row.transitions() == null ? Map.<String, String>of() : row.transitions();
        boolean multiple = row.multipleActive() || (!row.cloned() && row.runningOn().size() > 1);
        return new ResourceState(run, row.runningOn(), row.states().containsValue("stop_failed"), transitions,
                row.unmanaged(), multiple, row.roles());
    }

    /**
     * The loud warning for a resource that is no clone and runs on several nodes (crm_mon's
     * "multiple active"): its data may be corrupted by two writers; the coordinator stops all but one.
     */
    public static String multipleActiveWarning(ResourceRow row) {
        return row.id() + " is ACTIVE ON " + row.runningOn().size() + " NODES (" + String.join(", ", row.runningOn())
                + ") but is no clone: the coordinator stops all but one; check its data";
    }

    /** Resources in the report that run on several nodes though they are no clones. */
    public static List<ResourceRow> multipleActive(ResourcesReport r) {
        return r.resources().stream().filter(row -> resourceState(row).multipleActive()).toList();
    }

    /** Failed or stop-failed on some node, whether or not it also runs elsewhere. */
    public static boolean failedAnywhere(ResourceRow row) {
        return row.states().containsValue("failed") || row.states().containsValue("failed_promoted")
                || row.states().containsValue("stop_failed");
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
