package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.util.ArrayList;
import java.util.List;

/** A resource or group: parameters, state per node, failure counts, last operations, rules. */
final class ResourcePage implements Page {
    private final Target target;
    private final Keys.Scroll scroll = new Keys.Scroll();

    ResourcePage(Target target) {
        this.target = target;
    }

    @Override
    public String title() {
        return (target instanceof Target.Group ? "group " : "resource ") + target.id();
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (ctx.status() == null) return List.of(Line.of("no status yet", Tone.DIM));
        return scroll.window(DetailViews.resource(ctx.status(), target, ctx.config(), ctx.events()), height);
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        var h = new ArrayList<KeyHint>();
        h.addAll(Keys.actionHints(target, ctx));
        return h;
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (scroll.onKey(k)) return Reaction.HANDLED;
        return Keys.action(k, target, ctx);
    }
}
