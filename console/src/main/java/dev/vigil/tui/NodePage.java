package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.util.ArrayList;
import java.util.List;

/** A node: state, incarnation, standby, each link with the age of its last heartbeat, what runs there. */
final class NodePage implements Page {
    private final String node;
    private final Keys.Scroll scroll = new Keys.Scroll();

    NodePage(String node) {
        this.node = node;
    }

    @Override
    public String title() {
        return "node " + node;
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (ctx.status() == null) return List.of(Line.of("no status yet", Tone.DIM));
        return scroll.window(DetailViews.node(ctx.status(), node, ctx.events()), height);
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        var h = new ArrayList<KeyHint>();
        h.addAll(Keys.actionHints(new Target.Node(node), ctx));
        return h;
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (scroll.onKey(k)) return Reaction.HANDLED;
        return Keys.action(k, new Target.Node(node), ctx);
    }
}
