package dev.vigil.drill.report;

import dev.vigil.drill.report.DrillReport.TimelineEntry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A drill report as one self-contained HTML page (no script, no external file): the verdict, the
 * cluster's configuration version and digest, an inline SVG timeline with a lane for the drill's
 * own steps and one per node (detection, fencing, stops, starts, failures), a strip of probe
 * results (one mark per probe, green answered, red failed) and the first good answer, the phases'
 * durations, the expectations, the preconditions and what restore did.
 */
public final class HtmlReport {
    static final int WIDTH = 1000;
    static final int LEFT = 110;
    static final int LANE = 28;
    private static final Map<String, String> COLOURS = Map.ofEntries(
            Map.entry("inject", "#d62728"), Map.entry("undo", "#9467bd"), Map.entry("abort", "#d62728"),
            Map.entry("detection", "#ff7f0e"), Map.entry("fencing", "#8c564b"), Map.entry("stop", "#7f7f7f"),
            Map.entry("start", "#2ca02c"), Map.entry("failure", "#d62728"), Map.entry("probe-ok", "#2ca02c"),
            Map.entry("probe-fail", "#d62728"), Map.entry("restore", "#1f77b4"));

    private HtmlReport() {}

    public static String render(DrillReport r) {
        var sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Drill ")
                .append(esc(r.drill())).append(": ").append(esc(r.verdict())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:14px}")
                .append(".pass{color:#2ca02c}.fail,.aborted{color:#d62728}.refused{color:#ff7f0e}")
                .append(".verdict{font-size:1.6em;font-weight:bold}svg text{font-size:11px}</style></head><body>\n");
        sb.append("<h1>Drill ").append(esc(r.drill())).append(" <small>(").append(esc(r.kind())).append(" of ")
                .append(esc(r.target())).append(")</small></h1>\n");
        sb.append("<p class=\"verdict ").append(esc(r.verdict())).append("\" id=\"verdict\">")
                .append(esc(r.verdict().toUpperCase(Locale.ROOT))).append("</p><p>").append(esc(r.reason())).append("</p>\n");
        sb.append("<table><tr><th>report</th><td>").append(esc(r.id())).append("</td></tr><tr><th>cluster</th><td>")
                .append(esc(r.cluster())).append("</td></tr><tr><th>configuration</th><td>version ").append(r.configVersion())
                .append(", sha256 ").append(esc(r.configDigest())).append("…</td></tr><tr><th>started</th><td>")
                .append(time(r.startedAtMs())).append("</td></tr>");
        if (r.gapMs() != null) sb.append("<tr><th>client gap</th><td id=\"gap\">").append(r.gapMs()).append(" ms</td></tr>");
        if (r.injected() != null) sb.append("<tr><th>injected</th><td>").append(esc(r.injected())).append(" at ")
                .append(time(r.injectedAtMs())).append("</td></tr>");
        if (r.heartbeatSlips() != null && !r.heartbeatSlips().isEmpty()) {
            sb.append("<tr><th>heartbeat slips</th><td>");
            r.heartbeatSlips().forEach((n, c) -> sb.append(esc(n)).append(": ").append(c).append(' '));
            sb.append("</td></tr>");
        }
        sb.append("</table>\n");
        if (!r.timeline().isEmpty() || !r.probes().isEmpty()) {
            sb.append("<h2>Timeline</h2>\n").append(svg(r)).append('\n');
        }
        if (!r.probes().isEmpty()) {
            sb.append("<h2>Probes</h2>\n<table><tr><th>probe</th><th>what</th><th>every</th><th>outage</th><th>from</th><th>clock</th></tr>");
            r.probes().forEach(p -> sb.append("<tr><td>").append(esc(p.name())).append("</td><td>").append(esc(p.kind())).append(' ')
                    .append(esc(p.address())).append("</td><td>").append(p.intervalMs()).append(" ms</td><td>").append(p.outageMs())
                    .append(" ms</td><td>").append(esc(p.vantage() == null ? "local" : p.vantage())).append("</td><td>")
                    .append(esc(p.clock() == null ? "this machine's" : p.clock())).append("</td></tr>"));
            sb.append("</table>\n");
        }
        sb.append("<h2>Phases</h2>\n<table><tr><th>phase</th><th>from</th><th>took</th></tr>");
        r.phases().forEach(p -> sb.append("<tr><td>").append(esc(p.phase())).append("</td><td>").append(p.startMs())
                .append(" ms</td><td>").append(p.durationMs()).append(" ms</td></tr>"));
        sb.append("</table>\n<h2>Expectations</h2>\n<table><tr><th></th><th>expectation</th><th>measured</th><th>detail</th></tr>");
        r.expectations().forEach(e -> sb.append("<tr><td class=\"").append(e.ok() ? "pass\">✓" : "fail\">✗").append("</td><td>")
                .append(esc(e.name())).append("</td><td>").append(esc(e.actual())).append("</td><td>").append(esc(e.detail())).append("</td></tr>"));
        sb.append("</table>\n<h2>Preconditions</h2>\n<table>");
        r.preconditions().forEach(c -> sb.append("<tr><td class=\"").append(c.ok() ? "pass\">✓" : "fail\">✗").append("</td><td>")
                .append(esc(c.name())).append("</td><td>").append(esc(c.detail())).append("</td></tr>"));
        sb.append("</table>\n<h2>Restore</h2>\n<table>");
        if (r.restore().isEmpty()) sb.append("<tr><td>nothing to restore</td></tr>");
        r.restore().forEach(s -> sb.append("<tr><td class=\"").append(s.ok() ? "pass\">✓" : "fail\">✗").append("</td><td>")
                .append(esc(s.what())).append("</td><td>").append(esc(s.detail())).append("</td></tr>"));
        sb.append("</table>\n<h2>Events</h2>\n<table><tr><th>ms</th><th>what</th><th>node</th><th>from</th><th></th></tr>");
        r.timeline().forEach(t -> sb.append("<tr><td>").append(signed(t.atMs())).append("</td><td>").append(esc(t.kind()))
                .append("</td><td>").append(esc(t.node())).append("</td><td>").append(esc(t.source())).append("</td><td>")
                .append(esc(t.text())).append("</td></tr>"));
        sb.append("</table>\n</body></html>\n");
        return sb.toString();
    }

    /** The timeline: x is time from the injection; lanes: drill, each node, then each probe's strip. */
    static String svg(DrillReport r) {
        long from = -1000;
        long to = 1000;
        for (var t : r.timeline()) {
            from = Math.min(from, t.atMs());
            to = Math.max(to, t.atMs());
        }
        for (var p : r.probes()) {
            for (var s : p.samples()) to = Math.max(to, s.atMs() + s.tookMs());
        }
        from = Math.max(from, -5000); // the baseline before the injection is context, not the story
        to += Math.max(200, (to - from) / 20);
        var lanes = new LinkedHashSet<String>();
        lanes.add("drill");
        r.timeline().stream().filter(t -> !"drill".equals(t.source()) || t.node() != null)
                .map(HtmlReport::lane).forEach(lanes::add);
        var laneList = new ArrayList<>(lanes);
        int height = 30 + (laneList.size() + r.probes().size()) * LANE + 20 + LANE;
        double scale = (WIDTH - LEFT - 10) / (double) (to - from);
        var sb = new StringBuilder();
        sb.append("<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\">");
        // Axis: a tick per second (or per 10 s on long runs), the injection at 0.
        long step = (to - from) > 60_000 ? 10_000 : (to - from) > 10_000 ? 2_000 : 1_000;
        for (long t = (from / step) * step; t <= to; t += step) {
            double x = LEFT + (t - from) * scale;
            if (x < LEFT) continue;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, x, height - 10 - LANE));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"14\" text-anchor=\"middle\">%s</text>", x, t == 0 ? "0" : signed(t / 1000) + "s"));
        }
        double zero = LEFT + (0 - from) * scale;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-dasharray=\"4 2\"/>", zero, zero, height - 10 - LANE));
        for (int i = 0; i < laneList.size(); i++) {
            int y = 30 + i * LANE;
            sb.append("<text x=\"4\" y=\"").append(y + 16).append("\">").append(esc(laneList.get(i))).append("</text>");
            sb.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y + 12).append("\" x2=\"").append(WIDTH - 10)
                    .append("\" y2=\"").append(y + 12).append("\" stroke=\"#ddd\"/>");
        }
        for (var t : r.timeline()) {
            if (t.atMs() < from) continue;
            int laneIndex = laneList.indexOf(lane(t));
            if (laneIndex < 0) laneIndex = 0;
            int y = 30 + laneIndex * LANE + 12;
            double x = LEFT + (t.atMs() - from) * scale;
            String colour = COLOURS.getOrDefault(t.kind(), "#555");
            sb.append(String.format(Locale.ROOT, "<g class=\"event %s\"><circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"/>"
                    + "<title>%s ms %s: %s</title></g>", esc(t.kind()), x, y, colour, signed(t.atMs()), esc(t.kind()), esc(t.text())));
        }
        for (int i = 0; i < r.probes().size(); i++) {
            var p = r.probes().get(i);
            int y = 30 + (laneList.size() + i) * LANE;
            sb.append("<text x=\"4\" y=\"").append(y + 16).append("\">probe ").append(esc(p.name())).append("</text>");
            for (var s : p.samples()) {
                if (s.atMs() < from) continue;
                double x = LEFT + (s.atMs() - from) * scale;
                // As wide as the probe waited: a connect that timed out shows as a long red bar.
                double w = Math.max(1.0, Math.max(1, s.tookMs()) * scale);
                sb.append(String.format(Locale.ROOT, "<rect class=\"probe %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s ms: %s</title></rect>",
                        s.ok() ? "ok" : "failed", x, y + 4, w, s.ok() ? "#2ca02c" : "#d62728", signed(s.atMs()), esc(s.detail())));
            }
            if (p.firstOkAfterMs() != null) {
                double x = LEFT + (p.firstOkAfterMs() - from) * scale;
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#2ca02c\">▲ first answer +%d ms</text>", x, y + 2, p.firstOkAfterMs()));
            }
        }
        // A legend of the colours, on the last line.
        int ly = height - 18;
        int lx = LEFT;
        for (var kind : List.of("inject", "detection", "fencing", "stop", "start", "failure", "restore", "probe-ok", "probe-fail")) {
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                    lx, ly, COLOURS.get(kind), lx + 8, ly + 4, kind));
            lx += 95;
        }
        sb.append("</svg>");
        return sb.toString();
    }

    /** What a node saw or decided (a death, a fence, a new coordinator) goes in its own lane. */
    private static final java.util.Set<String> OBSERVER_KINDS = java.util.Set.of("detection", "membership", "fencing",
            "coordinator", "quorum");

    /**
     * The lane an entry goes in: what a node saw or decided in that node's lane (so each node's
     * detection shows on its own line); a start, stop or failure in the lane of the node it
     * happened on; the drill's own steps in the drill's lane, or the target's.
     */
    private static String lane(TimelineEntry t) {
        if (OBSERVER_KINDS.contains(t.kind()) && t.source() != null && !"drill".equals(t.source())) return t.source();
        if (t.node() != null && !t.node().isEmpty()) return t.node();
        return t.source() == null ? "drill" : t.source();
    }

    private static String signed(long ms) {
        return ms > 0 ? "+" + ms : Long.toString(ms);
    }

    private static String time(long epochMs) {
        return epochMs <= 0 ? "" : DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC));
    }

    static String esc(String s) {
        if (s == null) return "";
        var sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
