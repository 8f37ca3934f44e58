package dev.vigil.tui;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The selected row of a page, kept by what it stands for (a node, a resource) rather than by
 * index, so it stays on the same thing when a new status reorders or adds rows.
 */
final class Selection {
    private Target selected;
    private int scroll;

    Target selected() {
        return selected;
    }

    void select(Target t) {
        selected = t;
    }

    /** Keeps the selection valid: the first selectable row when nothing or something gone was selected. */
    Target settle(List<Line> lines) {
        if (selected == null || lines.stream().noneMatch(l -> Objects.equals(l.target(), selected))) {
            // same id, new shape (a group whose members changed): keep it
            var same = selected == null ? null : lines.stream().map(Line::target)
                    .filter(t -> t != null && t.getClass() == selected.getClass() && t.id().equals(selected.id())).findFirst().orElse(null);
            selected = same != null ? same : lines.stream().map(Line::target).filter(Objects::nonNull).findFirst().orElse(null);
        }
        return selected;
    }

    /** Moves by {@code delta} selectable rows. */
    void move(List<Line> lines, int delta) {
        settle(lines);
        var targets = lines.stream().map(Line::target).filter(Objects::nonNull).toList();
        if (targets.isEmpty()) return;
        int i = Math.max(0, targets.indexOf(selected));
        selected = targets.get(Math.max(0, Math.min(targets.size() - 1, i + delta)));
    }

    /** Jumps to the first row of the next kind (nodes → groups/resources → nodes): the Tab key. */
    void nextSection(List<Line> lines) {
        settle(lines);
        var targets = lines.stream().map(Line::target).filter(Objects::nonNull).toList();
        if (targets.isEmpty()) return;
        boolean onNode = selected instanceof Target.Node;
        selected = targets.stream().filter(t -> (t instanceof Target.Node) != onNode).findFirst().orElse(selected);
    }

    /** The rows to show in {@code height}, scrolled so the selected one is visible and marked with '>'. */
    List<Line> window(List<Line> lines, int height) {
        settle(lines);
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (Objects.equals(lines.get(i).target(), selected)) at = i;
        }
        if (at >= 0) {
            if (at < scroll) scroll = at;
            if (at >= scroll + height) scroll = at - height + 1;
        }
        scroll = Math.max(0, Math.min(scroll, Math.max(0, lines.size() - height)));
        var out = new ArrayList<Line>();
        for (int i = scroll; i < Math.min(lines.size(), scroll + height); i++) {
            var l = lines.get(i);
            if (l.target() == null) {
                out.add(indent(l, "  ", null));
            } else {
                out.add(i == at ? highlight(l) : indent(l, "  ", null));
            }
        }
        return out;
    }

    static Line highlight(Line l) {
        var spans = new ArrayList<Line.Span>();
        spans.add(new Line.Span("> ", Tone.SELECTED));
        l.spans().forEach(s -> spans.add(new Line.Span(s.text(), Tone.SELECTED)));
        return new Line(spans, l.target());
    }

    static Line indent(Line l, String prefix, Tone tone) {
        var spans = new ArrayList<Line.Span>();
        spans.add(new Line.Span(prefix, tone == null ? Tone.NORMAL : tone));
        spans.addAll(l.spans());
        return new Line(spans, l.target());
    }
}
