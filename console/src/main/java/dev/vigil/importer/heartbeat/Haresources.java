package dev.vigil.importer.heartbeat;

import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportProblem;
import dev.vigil.importer.Token;
import dev.vigil.importer.Words;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * heartbeat's {@code haresources}: one logical line per group, {@code preferred-node res1 res2 …},
 * a trailing backslash continuing it on the next line.
 */
public final class Haresources {
    /** One group: the node it prefers and its resources, started left to right. */
    public record Line(Token node, List<Token> resources) {}

    private Haresources() {}

    public static List<Line> parse(String text, Path file) throws ImportException {
        var out = new ArrayList<Line>();
        var problems = new ArrayList<ImportProblem>();
        var current = new ArrayList<Token>();
        var lines = Words.lines(text);
        for (int i = 0; i < lines.size(); i++) {
            var words = new ArrayList<>(Words.split(lines.get(i), file, i + 1));
            boolean continues = false;
            if (!words.isEmpty() && words.get(words.size() - 1).text().endsWith("\\")) {
                var last = words.remove(words.size() - 1);
                String rest = last.text().substring(0, last.text().length() - 1);
                if (!rest.isEmpty()) words.add(new Token(rest, file, last.line(), last.column()));
                continues = true;
            }
            current.addAll(words);
            if (continues && i < lines.size() - 1) continue;
            if (current.size() == 1) {
                problems.add(current.get(0).problem("a haresources line names the preferred node, then its resources "
                        + "(e.g. `ha1 10.0.0.46 Filesystem::/dev/sdb1::/ha::ext3 apache`); `" + current.get(0).text()
                        + "` has no resources"));
            } else if (!current.isEmpty()) {
                out.add(new Line(current.get(0), List.copyOf(current.subList(1, current.size()))));
            }
            current.clear();
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
        return out;
    }
}
