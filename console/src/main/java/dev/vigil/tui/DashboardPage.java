package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.util.ArrayList;
import java.util.List;

/** The home screen: nodes with their links, groups and resources, the latest events. */
final class DashboardPage implements Page {
    private final Selection selection = new Selection();
    private List<Line> lastTop = List.of();

    @Override
    public String title() {
        return "dashboard";
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (ctx.status() == null) {
            lastTop = List.of();
            return List.of(Line.of(ctx.problem() == null ? "waiting for the first status from the agent..."
                    : "the agent does not answer: " + ctx.problem(), ctx.problem() == null ? Tone.DIM : Tone.BAD));
        }
        var d = StatusViews.dashboard(ctx.status(), ctx.events(), width, height);
        lastTop = d.top();
        int eventRows = Math.min(d.events().size(), Math.max(0, height - 4));
        int topRows = Math.max(0, height - eventRows);
        var out = new ArrayList<>(selection.window(d.top(), topRows));
        while (out.size() < topRows) out.add(Line.empty());
        for (var l : d.events().subList(0, Math.min(eventRows, d.events().size()))) {
            out.add(Selection.indent(l, "  ", null));
        }
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        // actions first: on a narrow terminal the footer cuts from the end, and Tab is in the help
        var h = new ArrayList<>(Keys.actionHints(selection.settle(lastTop), ctx));
        h.add(new KeyHint("Enter", "details"));
        h.add(new KeyHint("Tab", "nodes/resources"));
        return h;
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        switch (k.getKeyType()) {
            case ArrowUp -> { selection.move(lastTop, -1); return Reaction.HANDLED; }
            case ArrowDown -> { selection.move(lastTop, 1); return Reaction.HANDLED; }
            case PageUp -> { selection.move(lastTop, -10); return Reaction.HANDLED; }
            case PageDown -> { selection.move(lastTop, 10); return Reaction.HANDLED; }
            case Tab, ReverseTab -> { selection.nextSection(lastTop); return Reaction.HANDLED; }
            case Enter -> {
                var t = selection.settle(lastTop);
                if (t == null) return Reaction.HANDLED;
                return new Reaction.Open(t instanceof Target.Node n ? new NodePage(n.id()) : new ResourcePage(t));
            }
            default -> { }
        }
        return Keys.action(k, selection.settle(lastTop), ctx);
    }

    /** For tests: what is selected now. */
    Target selected() {
        return selection.selected();
    }
}
