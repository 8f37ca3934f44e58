package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.io.IOException;
import java.util.List;

/** The audit log, newest first (admin only, by its {@link Screens} entry). */
final class AuditPage implements Page {
    static final int MAX = 500;
    private final Keys.Scroll scroll = new Keys.Scroll();

    @Override
    public String title() {
        return "audit log";
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (ctx.audit() == null) return List.of(Line.of("this console keeps no audit log", Tone.WARN));
        try {
            return scroll.window(DetailViews.audit(ctx.audit().tail(MAX)), height);
        } catch (IOException e) {
            return List.of(Line.of("cannot read the audit log: " + e.getMessage(), Tone.BAD));
        }
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
