package dev.vigil.tui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small text helpers shared by the views, the text UI's and the wizards'. */
public final class Text {
    private Text() {}

    /** {@code s} padded or cut (with a {@code ~}) to exactly {@code width} columns. */
    public static String fit(String s, int width) {
        if (width <= 0) return "";
        if (s.length() > width) return width == 1 ? s.substring(0, 1) : s.substring(0, width - 1) + "~";
        return s + " ".repeat(width - s.length());
    }

    static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, Math.max(0, width));
    }

    /** 80ms, 1.2s, 42s, 3m05s: an age an operator reads at a glance. */
    static String age(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + "ms";
        if (ms < 10_000) return String.format("%d.%ds", ms / 1000, (ms % 1000) / 100);
        long s = ms / 1000;
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%dm%02ds", s / 60, s % 60);
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /**
     * Word-wraps to {@code width}; a word longer than the width is cut into pieces. A width below 1
     * counts as 1: a wizard's indent can take the whole width of a narrow terminal.
     */
    public static List<String> wrap(String text, int width) {
        int w = Math.max(1, width);
        var out = new ArrayList<String>();
        for (String para : text.split("\n", -1)) {
            var line = new StringBuilder();
            for (String word : para.split(" ")) {
                while (word.length() > w) {
                    if (line.length() > 0) {
                        out.add(line.toString());
                        line.setLength(0);
                    }
                    out.add(word.substring(0, w));
                    word = word.substring(w);
                }
                if (line.length() > 0 && line.length() + 1 + word.length() > w) {
                    out.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) line.append(' ');
                line.append(word);
            }
            out.add(line.toString());
        }
        return out;
    }
}
