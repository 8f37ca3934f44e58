package dev.vigil.importer.heartbeat;

import dev.vigil.importer.Token;
import dev.vigil.importer.Words;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** heartbeat's {@code ha.cf} read as directives: a pure function from text to words with their places. */
public final class HaCf {
    /** One line: the directive's name and its arguments. */
    public record Directive(Token name, List<Token> args) {
        public String text() {
            var b = new StringBuilder(name.text());
            args.forEach(a -> b.append(' ').append(a.text()));
            return b.toString();
        }
    }

    private HaCf() {}

    public static List<Directive> parse(String text, Path file) {
        var out = new ArrayList<Directive>();
        var lines = Words.lines(text);
        for (int i = 0; i < lines.size(); i++) {
            var words = Words.split(lines.get(i), file, i + 1);
            if (!words.isEmpty()) out.add(new Directive(words.get(0), List.copyOf(words.subList(1, words.size()))));
        }
        return out;
    }
}
