package dev.vigil.drillroom;

import dev.vigil.drill.Drill;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.ReportText;
import dev.vigil.tui.Line;
import dev.vigil.tui.Text;
import dev.vigil.tui.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The drill room's view models: drills, checks, probe strips, timelines and reports as screen lines. */
final class RoomLines {
    private RoomLines() {}

    /** Answered and failed probe samples in a strip; letters as well as colours, for monochrome terminals. */
    static final char OK = '|';
    static final char FAILED = 'X';

    /** What the drill does, in a few words: {@code switchover of www to ha2}. */
    static String fault(Drill d) {
        return d.kind().key() + " of " + d.target() + d.to().map(t -> " to " + t).orElse("");
    }

    /** What it expects, in a few words: {@code back within 30s; www on ha2; one holder of vip; not fenced}. */
    static String expects(Drill d) {
        var e = d.expect();
        var parts = new ArrayList<String>();
        e.serviceBackWithin().ifPresent(b -> parts.add("back within " + millisOrSeconds(b.toMillis())));
        e.resources().forEach((r, n) -> parts.add(r + " on " + n));
        e.singleHolder().forEach(r -> parts.add("one holder of " + r));
        e.fenced().ifPresent(f -> parts.add(f ? "fenced" : "not fenced"));
        if (!e.noOtherNodeLost()) parts.add("other nodes may be lost");
        return parts.isEmpty() ? "the cluster settles" : String.join("; ", parts);
    }

    private static String millisOrSeconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A line of text with the tone its marker says: ✓ good, ✗ bad, a verdict by its word. */
    static Tone tone(String text) {
        String t = text.strip();
        if (t.startsWith("✓")) return Tone.GOOD;
        if (t.startsWith("✗") || t.startsWith("!")) return Tone.BAD;
        if (t.startsWith("Verdict: PASS")) return Tone.GOOD;
        if (t.startsWith("Verdict:")) return Tone.BAD;
        return Tone.NORMAL;
    }

    /** Each text wrapped to the width, with its tone; continuation lines indented under their first. */
    static List<Line> text(List<String> texts, int width) {
        var out = new ArrayList<Line>();
        for (String s : texts) {
            Tone tone = tone(s);
            String body = s.stripLeading();
            String lead = s.substring(0, s.length() - body.length());
            if (lead.length() > width / 3) lead = "";
            var wrapped = Text.wrap(body, width - lead.length());
            out.add(Line.of(lead + wrapped.get(0), tone));
            if (wrapped.size() == 1) continue;
            String indent = lead + "  ";
            String rest = String.join(" ", wrapped.subList(1, wrapped.size())).strip();
            for (String r : Text.wrap(rest, width - indent.length())) out.add(Line.of(indent + r, tone));
        }
        return out;
    }

    static List<Line> checks(List<DrillReport.Check> checks, int width) {
        return text(checks.stream().map(c -> "  " + ReportText.check(c)).toList(), width);
    }

    /**
     * One probe's strip: its newest samples, oldest left, one column each ({@value #OK} answered,
     * {@value #FAILED} failed), then what its latest sample said.
     */
    static Line strip(String probe, List<ProbeSample> all, int width) {
        var mine = all.stream().filter(s -> s.probe().equals(probe)).toList();
        String name = Text.fit(probe, 10) + " ";
        var last = mine.isEmpty() ? null : mine.get(mine.size() - 1);
        String tail = last == null ? " no sample yet" : " " + (last.ok() ? "ok " : "FAILED ") + cut(last.detail(), 24);
        int room = Math.max(0, width - name.length() - tail.length());
        var b = Line.builder().add(name, Tone.TITLE);
        var shown = mine.subList(Math.max(0, mine.size() - room), mine.size());
        var run = new StringBuilder();
        Boolean runOk = null;
        for (var s : shown) {
            if (runOk != null && runOk != s.ok()) {
                b.add(run.toString(), runOk ? Tone.GOOD : Tone.BAD);
                run.setLength(0);
            }
            runOk = s.ok();
            run.append(s.ok() ? OK : FAILED);
        }
        if (runOk != null) b.add(run.toString(), runOk ? Tone.GOOD : Tone.BAD);
        b.add(" ".repeat(room - shown.size()));
        return b.add(tail, last == null || last.ok() ? Tone.DIM : Tone.BAD).build();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }

    /** An entry wrapped to the width (a report has room to scroll), continuation under its text. */
    static List<Line> entry(DrillReport.TimelineEntry e, int width) {
        Tone tone = entry(e).spans().get(0).tone();
        return text(List.of("  " + ReportText.entry(e)), width).stream().map(l -> Line.of(l.text(), tone)).toList();
    }

    static Line entry(DrillReport.TimelineEntry e) {
        Tone t = switch (e.kind()) {
            case "inject", "abort", "probe-fail", "failure", "fencing", "detection" -> Tone.WARN;
            case "probe-ok", "start", "restore", "undo" -> Tone.GOOD;
            default -> Tone.NORMAL;
        };
        if (e.text().startsWith("FAILED")) t = Tone.BAD;
        return Line.of("  " + ReportText.entry(e), t);
    }

    /**
     * The phases as a text timeline: each one's start and duration, and a bar placed and sized in
     * proportion to the whole run, so where the time went shows at a glance.
     */
    static List<Line> phases(DrillReport r, int width) {
        var out = new ArrayList<Line>();
        long total = r.phases().stream().mapToLong(p -> p.startMs() + p.durationMs()).max().orElse(0);
        int label = 16 + 10 + 11;
        int bar = Math.max(1, width - label - 2);
        out.add(Line.of("Phases (ms from the start of the run, " + total + " ms in all):", Tone.TITLE));
        for (var p : r.phases()) {
            int from = total == 0 ? 0 : (int) (p.startMs() * bar / total);
            int len = total == 0 ? 1 : Math.max(1, (int) Math.round((double) p.durationMs() * bar / total));
            len = Math.min(len, bar - Math.min(from, bar - 1));
            out.add(Line.builder().add("  " + Text.fit(p.phase(), 14)).add(Text.fit("+" + p.startMs(), 10), Tone.DIM)
                    .add(Text.fit(p.durationMs() + " ms", 11)).add(" ".repeat(Math.min(from, bar - 1)))
                    .add("#".repeat(len), Tone.TITLE).build());
        }
        return out;
    }

    /** A report in full: what ran, the verdict and its numbers, the phases' timeline, the probes, every event. */
    static List<Line> report(DrillReport r, int width) {
        var out = new ArrayList<Line>();
        RoomLines.text(List.of("Drill " + r.drill() + " (" + r.kind() + " of " + r.target() + "), report " + r.id()), width)
                .forEach(l -> out.add(Line.of(l.text(), Tone.TITLE)));
        // the verdict and the gap, then where the time went, then the rest of the summary
        var summary = ReportText.summary(r).stream().filter(l -> !l.startsWith("Phases:")).toList();
        int head = r.gapMs() == null ? 1 : 2;
        out.addAll(text(summary.subList(0, head), width));
        out.addAll(phases(r, width));
        out.addAll(text(summary.subList(head, summary.size()), width));
        if (!r.probes().isEmpty()) {
            out.add(Line.empty());
            out.add(Line.of("Probes:", Tone.TITLE));
            for (var p : r.probes()) {
                out.add(Line.of("  " + p.name() + " (" + p.kind() + " " + p.address() + "): outage " + p.outageMs() + " ms"
                        + (p.firstOkAfterMs() == null ? "" : ", first answer after it at +" + p.firstOkAfterMs() + " ms")
                        + (p.back() ? "" : ", NOT back before the end"), p.back() ? Tone.NORMAL : Tone.BAD));
            }
        }
        if (!r.preconditions().isEmpty()) {
            out.add(Line.empty());
            out.add(Line.of("Preconditions:", Tone.TITLE));
            out.addAll(checks(r.preconditions(), width));
        }
        out.add(Line.empty());
        out.add(Line.of("Timeline (ms from the injection):", Tone.TITLE));
        r.timeline().stream().filter(e -> !ReportText.chatter(e)).forEach(e -> out.addAll(entry(e, width)));
        return out;
    }

    /** A history row: id, verdict, reason and gap. */
    static Line historyRow(DrillReport r, boolean selected, int width) {
        var b = Line.builder().add(selected ? "> " : "  ", Tone.TITLE).add(Text.fit(r.id(), Math.min(42, r.id().length() + 2)),
                selected ? Tone.SELECTED : Tone.NORMAL);
        String v = r.verdict().toUpperCase(Locale.ROOT);
        b.add(Text.fit(v, 9), v.equals("PASS") ? Tone.GOOD : Tone.BAD);
        b.add(r.reason() + (r.gapMs() == null ? "" : " (gap " + r.gapMs() + " ms)"), Tone.DIM);
        return b.build();
    }
}
