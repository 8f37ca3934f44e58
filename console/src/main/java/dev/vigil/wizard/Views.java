package dev.vigil.wizard;

import dev.vigil.playbook.Report;
import dev.vigil.tui.Line;
import dev.vigil.tui.Text;
import dev.vigil.tui.Tone;
import java.util.ArrayList;
import java.util.List;

/** Text helpers of the wizard pages: wrapping into lines, masking secrets, and a report as lines (fitting and wrapping are {@link Text}'s). */
final class Views {
    private Views() {}

    static final String STARS = "********";

    static List<Line> wrapped(String text, int width, String indent, Tone tone) {
        var out = new ArrayList<Line>();
        for (String l : Text.wrap(text, width - indent.length())) out.add(Line.of(indent + l, tone));
        return out;
    }

    /** Every secret answer replaced by stars: a template may put a password into a file whose diff is shown. */
    static String mask(String text, List<String> secrets) {
        String t = text;
        for (String s : secrets) {
            if (!s.isEmpty()) t = t.replace(s, STARS);
        }
        return t;
    }

    static Tone tone(String status) {
        return switch (status) {
            case "ok" -> Tone.GOOD;
            case "changed", "change" -> Tone.WARN;
            case "failed", "fail", "unreachable" -> Tone.BAD;
            default -> Tone.DIM;
        };
    }

    /** A step as one line (its status first, a marker for monochrome), then its message and diff. */
    static List<Line> step(Report.StepResult s, int width, List<String> secrets, boolean diffs) {
        var out = new ArrayList<Line>();
        String marker = switch (s.status()) {
            case "ok" -> "  ";
            case "changed", "change" -> "~ ";
            case "failed", "fail", "unreachable" -> "! ";
            default -> "- ";
        };
        String msg = mask(s.message(), secrets);
        String first = msg.lines().findFirst().orElse("");
        boolean failure = isFailure(s.status());
        // A failure's reason goes on lines of its own, wrapped: after a long step name at 80 columns
        // it would be cut off the screen, and it is what the operator must read.
        out.add(Line.builder().add("  " + marker).add(Text.fit(s.status(), s.status().length() > 8 ? s.status().length() : 8), tone(s.status()))
                .add(" " + mask(s.name(), secrets)).add(first.isEmpty() || failure ? "" : ": " + first, Tone.DIM).build());
        if (failure) {
            msg.lines().limit(21).forEach(l -> out.addAll(wrapped(l, width, "      ", Tone.BAD)));
        }
        if (diffs && !s.diff().isEmpty()) {
            for (String l : mask(s.diff(), secrets).split("\n")) {
                Tone t = l.startsWith("+++") || l.startsWith("---") ? Tone.TITLE : l.startsWith("+") ? Tone.GOOD
                        : l.startsWith("-") ? Tone.BAD : l.startsWith("@@") ? Tone.DIM : Tone.NORMAL;
                out.add(Line.of("      " + l, t));
            }
        }
        return out;
    }

    static boolean isFailure(String status) {
        return status.equals("failed") || status.equals("fail") || status.equals("unreachable");
    }

    /** Shows lines {@code top..top+height} of {@code lines}; {@code top} is clamped so the last page is full. */
    static List<Line> window(List<Line> lines, int top, int height) {
        int t = Math.max(0, Math.min(top, Math.max(0, lines.size() - height)));
        return lines.subList(t, Math.min(lines.size(), t + height));
    }
}
