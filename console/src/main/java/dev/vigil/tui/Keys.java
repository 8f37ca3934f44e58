package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;

/** Key handling shared by the pages (the wizards' too): scrolling, and the action keys on a target. */
public final class Keys {
    private Keys() {}

    /** {@code k} is the plain character {@code c}: no Ctrl, no Alt. */
    public static boolean is(KeyStroke k, char c) {
        return k.getKeyType() == KeyType.Character && k.getCharacter() == c && !k.isCtrlDown() && !k.isAltDown();
    }

    static Reaction action(KeyStroke k, Target target, Context ctx) {
        if (k.getKeyType() != KeyType.Character || k.isCtrlDown() || k.isAltDown()) return Reaction.IGNORED;
        return Actions.forKey(k.getCharacter(), target, ctx.status());
    }

    static List<Page.KeyHint> actionHints(Target target, Context ctx) {
        var out = new ArrayList<Page.KeyHint>();
        for (var o : Actions.offered(target, ctx.status(), ctx.operator())) {
            out.add(new Page.KeyHint(String.valueOf(o.key()), o.label()));
        }
        return out;
    }

    /** A page of lines that scrolls: arrows, PgUp/PgDn, Home/End. */
    public static final class Scroll {
        private int top;

        /** Back to the first line, for a page whose lines are now others. */
        public void toTop() {
            top = 0;
        }

        /** Lines {@code top..top+height}; {@code top} is clamped so the last page is full. */
        public List<Line> window(List<Line> lines, int height) {
            top = Math.max(0, Math.min(top, Math.max(0, lines.size() - height)));
            return lines.subList(top, Math.min(lines.size(), top + height));
        }

        /** Moves on a scroll key and says so; any other key is left to the page. */
        public boolean onKey(KeyStroke k) {
            switch (k.getKeyType()) {
                case ArrowUp -> top--;
                case ArrowDown -> top++;
                case PageUp -> top -= 10;
                case PageDown -> top += 10;
                case Home -> top = 0;
                case End -> top = Integer.MAX_VALUE / 2;
                default -> {
                    return false;
                }
            }
            top = Math.max(0, top);
            return true;
        }
    }
}
