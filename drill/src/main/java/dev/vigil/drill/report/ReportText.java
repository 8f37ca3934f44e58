package dev.vigil.drill.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A report as lines of text: what {@code vigil drill run} prints at the end and {@code vigil drill
 * report} shows, and what the console's drill pages draw, so both say the same thing the same way.
 */
public final class ReportText {
    private ReportText() {}

    public static String check(DrillReport.Check c) {
        return (c.ok() ? "✓ " : "✗ ") + c.name() + ": " + c.detail();
    }

    /** One timeline entry: its time from the injection, its kind, who said it and what. */
    public static String entry(DrillReport.TimelineEntry e) {
        return String.format("%+7d ms  %-10s %s%s", e.atMs(), e.kind(), "drill".equals(e.source()) ? "" : e.source() + ": ", e.text());
    }

    /** Entries a reader of the live timeline does not need (every status change of the cluster's view). */
    public static boolean chatter(DrillReport.TimelineEntry e) {
        return e.kind().equals("membership") || e.kind().equals("operator") || e.kind().equals("config");
    }

    /** The verdict, the client gap, slips, the phases, the expectations, what was restored, the cluster's version. */
    public static List<String> summary(DrillReport r) {
        var out = new ArrayList<String>();
        out.add("Verdict: " + r.verdict().toUpperCase(Locale.ROOT) + " — " + r.reason());
        if (r.gapMs() != null) out.add("Client gap: " + r.gapMs() + " ms");
        if (r.heartbeatSlips() != null && !r.heartbeatSlips().isEmpty()) {
            out.add("Heartbeat slips during the drill: " + r.heartbeatSlips());
        }
        if (!r.phases().isEmpty()) {
            var sb = new StringBuilder("Phases:");
            r.phases().forEach(p -> sb.append(' ').append(p.phase()).append(' ').append(p.durationMs()).append(" ms"));
            out.add(sb.toString());
        }
        r.expectations().forEach(e -> out.add("  " + (e.ok() ? "✓ " : "✗ ") + e.name() + ": " + e.detail()));
        if (!r.restore().isEmpty()) out.add("Restored:");
        r.restore().forEach(s -> out.add("  " + (s.ok() ? "✓ " : "✗ ") + s.what() + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")")));
        out.add("Cluster " + r.cluster() + ", configuration version " + r.configVersion() + " (sha256 " + r.configDigest() + "…)");
        return out;
    }
}
