package dev.vigil.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.screen.Screen;
import java.util.List;

/** Draws a {@link Frame} into a Lanterna screen's back buffer; the screen then sends only the difference. */
final class Painter {
    private Painter() {}

    static void paint(Screen screen, Frame f) {
        TextGraphics g = screen.newTextGraphics();
        int cols = f.columns();
        for (int y = 0; y < f.lines().size(); y++) {
            int x = 0;
            plain(g);
            for (var span : f.lines().get(y).spans()) {
                if (x >= cols) break;
                String t = Text.cut(span.text(), cols - x);
                style(g, span.tone(), f.colour());
                g.putString(x, y, t);
                x += t.length();
            }
            plain(g);
            if (x < cols) g.putString(x, y, " ".repeat(cols - x));
        }
        if (f.dialog() != null) dialog(g, f);
    }

    private static void dialog(TextGraphics g, Frame f) {
        var d = f.dialog();
        int inner = Math.min(f.columns() - 6, 72);
        if (inner < 10) return;
        var body = new java.util.ArrayList<Line>();
        for (String para : d.text()) {
            for (String l : Text.wrap(para, inner)) body.add(Line.of(l));
        }
        if (!d.options().isEmpty()) {
            body.add(Line.empty());
            for (int i = 0; i < d.options().size(); i++) {
                String o = (i < 9 ? (i + 1) + " " : "  ") + d.options().get(i);
                body.add(i == d.chosen() ? Line.of("> " + o, Tone.SELECTED) : Line.of("  " + o));
            }
        }
        body.add(Line.empty());
        body.add(Line.of(d.prompt(), Tone.TITLE));
        int height = Math.min(body.size() + 2, f.rows());
        int top = Math.max(0, (f.rows() - height) / 2);
        int left = Math.max(0, (f.columns() - inner - 4) / 2);
        plain(g);
        String edge = "+" + "-".repeat(inner + 2) + "+";
        String title = " " + d.title() + " ";
        g.putString(left, top, edge);
        style(g, Tone.TITLE, f.colour());
        g.putString(left + 2, top, Text.cut(title, inner));
        for (int i = 0; i < height - 2; i++) {
            plain(g);
            g.putString(left, top + 1 + i, "| " + " ".repeat(inner) + " |");
            var line = body.get(i);
            int x = left + 2;
            for (var span : line.spans()) {
                String t = Text.cut(span.text(), left + 2 + inner - x);
                style(g, span.tone(), f.colour());
                g.putString(x, top + 1 + i, t);
                x += t.length();
            }
        }
        plain(g);
        g.putString(left, top + height - 1, edge);
    }

    private static void plain(TextGraphics g) {
        g.setForegroundColor(TextColor.ANSI.DEFAULT);
        g.setBackgroundColor(TextColor.ANSI.DEFAULT);
        g.clearModifiers();
    }

    /** Colour when on; without it, bold and reverse carry what colour would (the text has markers anyway). */
    private static void style(TextGraphics g, Tone tone, boolean colour) {
        plain(g);
        switch (tone) {
            case GOOD -> { if (colour) g.setForegroundColor(TextColor.ANSI.GREEN); }
            case WARN -> {
                if (colour) g.setForegroundColor(TextColor.ANSI.YELLOW);
                else g.enableModifiers(SGR.BOLD);
            }
            case BAD -> {
                if (colour) g.setForegroundColor(TextColor.ANSI.RED);
                g.enableModifiers(SGR.BOLD);
            }
            case DIM -> { if (colour) g.setForegroundColor(TextColor.ANSI.BLACK_BRIGHT); }
            case TITLE -> {
                if (colour) g.setForegroundColor(TextColor.ANSI.CYAN);
                g.enableModifiers(SGR.BOLD);
            }
            case SELECTED -> g.enableModifiers(SGR.REVERSE);
            case NORMAL -> { }
        }
    }

    static final int FOOTER_LINES = 2;

    /** The page's keys on one line, the global ones on the next. */
    static List<Line> footer(List<Page.KeyHint> pageKeys, List<Page.KeyHint> globalKeys, int width) {
        return List.of(hints(pageKeys, width), hints(globalKeys, width));
    }

    private static Line hints(List<Page.KeyHint> keys, int width) {
        var b = Line.builder();
        for (var k : keys) {
            int need = k.key().length() + 1 + k.label().length() + 2;
            if (b.length() + need > width) break; // the help screen (?) lists everything that does not fit
            b.add(k.key(), Tone.TITLE).add(" " + k.label() + "  ");
        }
        return b.build();
    }
}
