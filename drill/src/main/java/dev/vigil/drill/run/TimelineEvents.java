package dev.vigil.drill.run;

import dev.vigil.drill.ClusterAccess.AgentEvent;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The agents' pushed events turned into timeline entries: each node's detection of a death (one
 * entry per agent that saw it), fences, stops, starts and failures (once each, though every agent
 * reports them), operator and coordinator changes. Status snapshots are left out.
 */
final class TimelineEvents {
    private TimelineEvents() {}

    static String classify(String kind, String message) {
        String m = message == null ? "" : message;
        return switch (kind) {
            case "membership" -> m.contains(" is dead") ? "detection" : "membership";
            case "fencing" -> m.contains(" fenced") ? "fencing" : m.contains(" lost") ? "detection" : "fencing";
            // A probe that finds a resource stopped or running is news about it, not a stop or a start.
            case "resource" -> m.contains("(probe:") ? "resource" : m.matches("\\S+ stopped on .*") ? "stop"
                    : m.matches("\\S+ started on .*") ? "start" : m.contains(" failed") ? "failure" : "resource";
            default -> kind;
        };
    }

    /** Each probe's first failure after the injection and its first answer after the outage. */
    static List<TimelineEntry> probeEntries(List<DrillReport.ProbeSeries> series) {
        var out = new ArrayList<TimelineEntry>();
        for (var s : series) {
            if (s.firstOkAfterMs() != null) {
                out.add(new TimelineEntry(s.firstOkAfterMs(), "probe-ok", null, "drill",
                        "probe " + s.name() + " answered" + (s.outageMs() > 0 ? " after an outage of " + s.outageMs() + " ms" : "")));
            }
            s.samples().stream().filter(x -> !x.ok() && x.atMs() >= 0).findFirst().ifPresent(x -> out.add(
                    new TimelineEntry(x.atMs(), "probe-fail", null, "drill", "probe " + s.name() + " failed: " + x.detail())));
        }
        return out;
    }

    /** @param injectEpochMs the injection's wall-clock time, entries are relative to it */
    static List<TimelineEntry> entries(List<AgentEvent> events, long injectEpochMs) {
        var out = new ArrayList<TimelineEntry>();
        Set<String> seen = new HashSet<>();
        for (var e : events) {
            var ev = e.event();
            if ("status".equals(ev.kind()) || "keepalive".equals(ev.kind())) continue;
            String kind = classify(ev.kind(), ev.message());
            // Each agent's own detection is the point; the rest every agent repeats.
            String key = kind.equals("detection") && "membership".equals(ev.kind()) || kind.equals("stream")
                    ? e.agent() + "|" + ev.message() : kind + "|" + ev.message();
            if (!seen.add(key)) continue;
            out.add(new TimelineEntry(ev.atMs() - injectEpochMs, kind, ev.node(), e.agent(), ev.message()));
        }
        return out;
    }
}
