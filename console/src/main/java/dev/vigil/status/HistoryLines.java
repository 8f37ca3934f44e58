package dev.vigil.status;

import dev.vigil.control.HistoryReport;
import dev.vigil.control.HistoryReport.EventRecord;
import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * How the cluster history reads, decided once for {@code vigil history} and the console's history
 * screen (as {@link StatusSummary} is for status): one line per operation, fence and event, times
 * in UTC as in "Failed resource actions".
 */
public final class HistoryLines {
    private HistoryLines() {}

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    public static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    /**
     * {@code 2026-12-05 18:40:01Z  web  monitor on ha1: FAILED NOT_RUNNING (rc 7) pid file gone, 30 ms}.
     * Another node's operation has no rc or duration (its report carries only the words).
     */
    public static String operation(OperationRecord o) {
        var sb = new StringBuilder(time(o.atMs())).append("  ").append(o.resource()).append(' ')
                .append(o.operation()).append(" on ").append(o.node()).append(": ");
        if (o.failed()) sb.append("FAILED ");
        sb.append(o.outcome());
        if (o.rc() != null && !(o.rc() == 0 && "SUCCESS".equals(o.outcome())) && !o.outcome().contains("rc " + o.rc()) && !o.outcome().contains("exit " + o.rc())) {
            sb.append(" (rc ").append(o.rc()).append(')');
        }
        if (o.reason() != null && !o.reason().isEmpty() && !o.outcome().contains(o.reason())) {
            sb.append(" ").append(o.reason());
        }
        if (o.durationMs() != null) sb.append(", ").append(o.durationMs()).append(" ms");
        return sb.toString();
    }

    /** {@code 2026-12-05 18:41:00Z  ha2 fenced ha1 (reboot): ha1 lost}, or {@code FENCING of ha1 by ha2 FAILED}. */
    public static String fence(FenceRecord f) {
        String what = f.fenced() ? f.by() + " fenced " + f.target() : "FENCING of " + f.target() + " by " + f.by() + " FAILED";
        return time(f.atMs()) + "  " + what + " (" + f.action() + ")"
                + (f.reason() == null || f.reason().isEmpty() ? "" : ": " + f.reason());
    }

    /** The device operations of one fence, one line each, for under {@link #fence}. */
    public static List<String> fenceDevices(FenceRecord f) {
        return f.devices().isEmpty() ? List.of("no device ran") : f.devices();
    }

    /** {@code 2026-12-05 18:41:00Z  fencing    node ha1 fenced}. */
    public static String event(EventRecord e) {
        return time(e.atMs()) + "  " + String.format("%-11s", e.kind()) + " " + e.message();
    }

    /** Whether an event reads as bad news (for a console's tone): a death, a fence, a failure, lost quorum. */
    public static boolean bad(EventRecord e) {
        String m = e.message() == null ? "" : e.message();
        return "fencing".equals(e.kind()) || m.contains("dead") || m.contains("failed") || m.contains("quorum lost");
    }

    /** The operations of one resource, or all of them for a null id. */
    public static List<OperationRecord> operations(HistoryReport h, String resource) {
        return h.operations().stream().filter(o -> resource == null || resource.equals(o.resource())).toList();
    }
}
