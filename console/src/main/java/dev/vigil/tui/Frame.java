package dev.vigil.tui;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything on the terminal at one moment: exactly {@code rows} lines, and a dialog drawn over
 * them. The session paints a frame only when it differs from the last one, so an unchanged
 * status costs no output at all, and a changed one only the cells that changed.
 */
record Frame(int columns, int rows, List<Line> lines, Dialog dialog, boolean colour) {

    /** A box over the page: a confirmation (y/N) or a choice among options. */
    record Dialog(String title, List<String> text, List<String> options, int chosen, String prompt) {}

    static Frame compose(int columns, int rows, Line header, Line crumbs, List<Line> body, Line message,
                         List<Line> footer, Dialog dialog, boolean colour) {
        var lines = new ArrayList<Line>();
        lines.add(header);
        lines.add(crumbs);
        int bodyRows = Math.max(0, rows - 3 - footer.size());
        for (int i = 0; i < bodyRows; i++) lines.add(i < body.size() ? body.get(i) : Line.empty());
        lines.add(message);
        lines.addAll(footer);
        while (lines.size() > rows) lines.remove(lines.size() - 1);
        return new Frame(columns, rows, lines, dialog, colour);
    }

    static int bodyRows(int rows, int footerLines) {
        return Math.max(0, rows - 3 - footerLines);
    }
}
