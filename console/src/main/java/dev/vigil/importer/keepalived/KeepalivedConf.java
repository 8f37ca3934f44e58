package dev.vigil.importer.keepalived;

import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportProblem;
import dev.vigil.importer.Loader;
import dev.vigil.importer.Token;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * keepalived.conf read as a tree of items ({@code keyword args… [{ children }]}), every word with
 * its file, line and column. Comments start at a word beginning with {@code #} or {@code !};
 * {@code "…"} quotes a word; {@code include PATTERN} pulls in files (a glob, relative to the
 * including file's directory; a cycle is refused); {@code @ID} / {@code @^ID} lines are kept only
 * for (or except for) the configuration id; {@code $NAME=value} defines what {@code $NAME} and
 * {@code ${NAME}} stand for. The files come through a {@link Loader}, so the reading is pure.
 */
public final class KeepalivedConf {
    /** One item: its keyword, its arguments and, for a block, its children (else empty). */
    public record Item(Token key, List<Token> args, Optional<List<Item>> block) {
        public String text() {
            var b = new StringBuilder(key.text());
            args.forEach(a -> b.append(' ').append(a.text()));
            return b.toString();
        }

        public List<Item> children() {
            return block.orElse(List.of());
        }

        public Optional<Item> child(String keyword) {
            return children().stream().filter(c -> c.key().text().equals(keyword)).findFirst();
        }

        public Optional<String> arg(String keyword) {
            return child(keyword).filter(c -> !c.args().isEmpty()).map(c -> c.args().get(0).text());
        }
    }

    /** A parsed file: its items and the conditional lines left out (for the notes). */
    public record Parsed(List<Item> items, List<Token> skipped) {}

    private static final int MAX_DEPTH = 64;
    private static final Token EOL = new Token("\n", Path.of(""), 0, 0);

    private final Loader loader;
    private final Optional<String> configId;
    private final List<ImportProblem> problems = new ArrayList<>();
    private final List<Token> skipped = new ArrayList<>();
    private final Map<String, String> defines = new HashMap<>();
    private final Deque<Path> including = new ArrayDeque<>();

    private KeepalivedConf(Loader loader, Optional<String> configId) {
        this.loader = loader;
        this.configId = configId;
    }

    /**
     * @param configId keepalived's {@code -i} (by default the host name): which {@code @ID} lines apply;
     *                 empty when not known, so that every conditional line is left out
     */
    public static Parsed parse(Path file, Loader loader, Optional<String> configId) throws ImportException {
        var conf = new KeepalivedConf(loader, configId);
        var tokens = new ArrayList<Token>();
        String text;
        try {
            text = loader.read(file);
        } catch (IOException e) {
            throw new ImportException(new ImportProblem(file, 1, 1, "cannot read: " + e.getMessage()));
        }
        conf.tokenize(file, text, tokens);
        var items = new ArrayList<Item>();
        int end = conf.items(tokens, 0, items, 0);
        if (end < tokens.size()) {
            conf.problems.add(tokens.get(end).problem("`}` closes no block"));
        }
        if (!conf.problems.isEmpty()) throw new ImportException(conf.problems);
        return new Parsed(items, conf.skipped);
    }

    // ---- words ----

    private void tokenize(Path file, String text, List<Token> out) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            var words = words(lines[i], file, i + 1);
            if (words.isEmpty()) continue;
            var first = words.get(0);
            if (first.text().startsWith("@")) {
                String id = first.text().substring(1);
                boolean not = id.startsWith("^");
                if (not) id = id.substring(1);
                boolean keep = configId.isPresent() && (configId.get().equals(id) != not);
                if (!keep) {
                    skipped.add(first);
                    continue;
                }
                words = words.subList(1, words.size());
                if (words.isEmpty()) continue;
                first = words.get(0);
            }
            if (first.text().startsWith("$") && first.text().contains("=")) {
                String def = lines[i].substring(first.column() - 1).strip();
                int eq = def.indexOf('=');
                defines.put(def.substring(1, eq).strip(), def.substring(eq + 1).strip());
                continue;
            }
            if (first.text().equals("include")) {
                include(first, words.subList(1, words.size()), out);
                continue;
            }
            out.addAll(words);
            out.add(EOL);
        }
    }

    private List<Token> words(String line, Path file, int lineNo) {
        var out = new ArrayList<Token>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || c == '!') {
                break;
            } else if (c == '{' || c == '}') {
                out.add(new Token(String.valueOf(c), file, lineNo, i + 1));
                i++;
            } else if (c == '"') {
                int close = line.indexOf('"', i + 1);
                if (close < 0) {
                    problems.add(new ImportProblem(file, lineNo, i + 1, "a quoted word is not closed on its line"));
                    break;
                }
                out.add(new Token(expand(line.substring(i + 1, close)), file, lineNo, i + 1));
                i = close + 1;
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i)) && line.charAt(i) != '{' && line.charAt(i) != '}') i++;
                out.add(new Token(expand(line.substring(start, i)), file, lineNo, start + 1));
            }
        }
        return out;
    }

    private String expand(String word) {
        if (!word.contains("$")) return word;
        String s = word;
        for (var d : defines.entrySet()) {
            s = s.replace("${" + d.getKey() + "}", d.getValue()).replace("$" + d.getKey(), d.getValue());
        }
        return s;
    }

    private void include(Token at, List<Token> args, List<Token> out) {
        if (args.size() != 1) {
            problems.add(at.problem("`include` takes one file name or glob pattern"));
            return;
        }
        var pattern = args.get(0);
        Path dir = at.file().toAbsolutePath().getParent();
        Path resolved = dir.resolve(pattern.text()).normalize();
        List<Path> files;
        if (pattern.text().matches(".*[*?\\[].*")) {
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + resolved);
            try (Stream<Path> s = Files.list(resolved.getParent())) {
                files = s.filter(matcher::matches).sorted().toList();
            } catch (IOException e) {
                files = List.of();
            }
        } else {
            files = List.of(resolved);
        }
        if (files.isEmpty()) {
            problems.add(pattern.problem("`include " + pattern.text() + "` matches no file (relative to " + dir + ")"));
            return;
        }
        if (including.isEmpty()) including.push(canonical(at.file()));
        for (var f : files) {
            Path real = canonical(f);
            if (including.contains(real)) {
                problems.add(pattern.problem("`include " + pattern.text() + "` includes " + f + ", which is already being "
                        + "read (an include cycle)"));
                continue;
            }
            if (including.size() > MAX_DEPTH) {
                problems.add(pattern.problem("includes nest more than " + MAX_DEPTH + " deep"));
                return;
            }
            String text;
            try {
                text = loader.read(f);
            } catch (IOException e) {
                problems.add(pattern.problem("cannot include " + f + ": " + e.getMessage()));
                continue;
            }
            including.push(real);
            tokenize(f, text, out);
            including.pop();
        }
    }

    private static Path canonical(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    // ---- items ----

    /** Reads items from {@code i} up to a {@code }} (left for the caller) or the end; returns where it stopped. */
    private int items(List<Token> t, int i, List<Item> out, int depth) {
        while (i < t.size()) {
            var tok = t.get(i);
            if (tok == EOL) {
                i++;
                continue;
            }
            if (tok.text().equals("}")) return i;
            if (tok.text().equals("{")) {
                // A bare block ("{ … }" with no keyword): keepalived's lists put one per line; read and drop it.
                problems.add(tok.problem("a block must follow a keyword (e.g. `virtual_ipaddress {`)"));
                i = skipBlock(t, i + 1);
                continue;
            }
            var args = new ArrayList<Token>();
            int j = i + 1;
            while (j < t.size() && t.get(j) != EOL && !t.get(j).text().equals("{") && !t.get(j).text().equals("}")) {
                args.add(t.get(j++));
            }
            if (j < t.size() && t.get(j).text().equals("{")) {
                var open = t.get(j);
                if (depth >= MAX_DEPTH) {
                    problems.add(open.problem("blocks nest more than " + MAX_DEPTH + " deep"));
                    return t.size();
                }
                var children = new ArrayList<Item>();
                int close = items(t, j + 1, children, depth + 1);
                if (close >= t.size()) {
                    problems.add(open.problem("this `{` of `" + tok.text() + "` is never closed"));
                    out.add(new Item(tok, List.copyOf(args), Optional.of(List.copyOf(children))));
                    return t.size();
                }
                out.add(new Item(tok, List.copyOf(args), Optional.of(List.copyOf(children))));
                i = close + 1;
            } else {
                out.add(new Item(tok, List.copyOf(args), Optional.empty()));
                i = j;
            }
        }
        return i;
    }

    private static int skipBlock(List<Token> t, int i) {
        int depth = 1;
        for (; i < t.size() && depth > 0; i++) {
            if (t.get(i).text().equals("{")) depth++;
            if (t.get(i).text().equals("}")) depth--;
        }
        return i;
    }
}
