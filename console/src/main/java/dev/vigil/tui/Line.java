package dev.vigil.tui;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of a screen: styled spans and, when the line stands for something the operator can
 * select (a node, a group, a resource), that target.
 */
public record Line(List<Span> spans, Target target) {
    public record Span(String text, Tone tone) {}

    public Line {
        spans = List.copyOf(spans);
    }

    public static Line of(String text) {
        return new Line(List.of(new Span(text, Tone.NORMAL)), null);
    }

    public static Line of(String text, Tone tone) {
        return new Line(List.of(new Span(text, tone)), null);
    }

    public static Line empty() {
        return new Line(List.of(), null);
    }

    public String text() {
        var sb = new StringBuilder();
        spans.forEach(s -> sb.append(s.text()));
        return sb.toString();
    }

    public Line withTarget(Target t) {
        return new Line(spans, t);
    }

    /** Builds a line span by span. */
    public static final class Builder {
        private final List<Span> spans = new ArrayList<>();
        private Target target;

        public Builder add(String text) {
            return add(text, Tone.NORMAL);
        }

        public Builder add(String text, Tone tone) {
            if (!text.isEmpty()) spans.add(new Span(text, tone));
            return this;
        }

        /** Pads (or cuts) the text to {@code width} columns, for table columns. */
        public Builder cell(String text, int width, Tone tone) {
            return add(Text.fit(text, width), tone);
        }

        public Builder target(Target t) {
            this.target = t;
            return this;
        }

        public int length() {
            return spans.stream().mapToInt(s -> s.text().length()).sum();
        }

        public Line build() {
            return new Line(spans, target);
        }
    }

    public static Builder builder() {
        return new Builder();
    }
}
