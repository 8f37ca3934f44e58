package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.control.HistoryReport;
import dev.vigil.status.HistoryLines;
import java.util.ArrayList;
import java.util.List;

/**
 * The history the agent keeps (issue 18, item 6), newest first as on the audit screen: fences,
 * then operations per resource, then the event log. The same lines as {@code vigil history}
 * ({@link HistoryLines}); fetched at login and refreshed while the cluster changes.
 */
final class HistoryPage implements Page {
    private final Keys.Scroll scroll = new Keys.Scroll();

    @Override
    public String title() {
        return "history";
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (ctx.history() == null) {
            return List.of(Line.of("no history from the agent yet (an agent older than this console keeps none)", Tone.DIM));
        }
        return scroll.window(lines(ctx.history()), height);
    }

    static List<Line> lines(HistoryReport h) {
        var out = new ArrayList<Line>();
        out.add(Line.of("FENCING  (kept by " + h.node() + ", times UTC, newest first)", Tone.TITLE));
        if (h.fencing().isEmpty()) out.add(Line.of("  no node fenced", Tone.DIM));
        for (int i = h.fencing().size() - 1; i >= 0; i--) {
            var f = h.fencing().get(i);
            out.add(Line.of((f.fenced() ? "  ! " : "  !! ") + HistoryLines.fence(f), f.fenced() ? Tone.WARN : Tone.BAD));
            HistoryLines.fenceDevices(f).forEach(d -> out.add(Line.of("        " + d, Tone.DIM)));
        }
        out.add(Line.of("OPERATIONS", Tone.TITLE));
        if (h.operations().isEmpty()) out.add(Line.of("  none recorded", Tone.DIM));
        for (int i = h.operations().size() - 1; i >= 0; i--) {
            var o = h.operations().get(i);
            out.add(Line.of((o.failed() ? "  ! " : "    ") + HistoryLines.operation(o), o.failed() ? Tone.BAD : Tone.NORMAL));
        }
        out.add(Line.of("EVENTS", Tone.TITLE));
        if (h.events().isEmpty()) out.add(Line.of("  none recorded", Tone.DIM));
        for (int i = h.events().size() - 1; i >= 0; i--) {
            var e = h.events().get(i);
            out.add(Line.of("    " + HistoryLines.event(e), HistoryLines.bad(e) ? Tone.BAD : Tone.NORMAL));
        }
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return List.of(new KeyHint("↑↓", "scroll"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        return scroll.onKey(k) ? Reaction.HANDLED : Reaction.IGNORED;
    }
}
