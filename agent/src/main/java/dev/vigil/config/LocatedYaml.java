package dev.vigil.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A YAML document as a tree in which every key and value remembers where it was written.
 * Jackson's own tree model drops locations, and error messages without line:column are
 * useless in a 200-line cluster file, hence this small tree. Public for the playbook reader
 * ({@code dev.vigil.playbook}), which reports its errors the same way. Its messages speak of
 * "a cluster file"; callers reading other files reword them.
 */
public final class LocatedYaml {

    /** 1-based, as editors count. */
    public record Pos(int line, int column) implements Comparable<Pos> {
        public static final Pos START = new Pos(1, 1);

        @Override
        public int compareTo(Pos o) {
            return line != o.line ? Integer.compare(line, o.line) : Integer.compare(column, o.column);
        }

        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    public sealed interface Node {
        Pos pos();
    }

    public record Entry(String key, Pos keyPos, Node value) {}

    /** Entries in file order; a duplicated key appears twice here, lookups see the first. */
    public record MapNode(Pos pos, List<Entry> entries) implements Node {
        public Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }
    }

    public record ListNode(Pos pos, List<Node> items) implements Node {}

    /**
     * @param token    Jackson's idea of the scalar's type (string, int, float, boolean, null)
     * @param text     the scalar as written (YAML keeps it, so "1.10" stays "1.10")
     * @param integer  the value when token is VALUE_NUMBER_INT
     * @param reported true when the value is unusable and an error was already recorded for it
     *                 (an alias), so binders must not add a second, confusing one
     */
    public record Scalar(Pos pos, JsonToken token, String text, BigInteger integer, boolean reported) implements Node {}

    /** A problem found while reading, before any binding. */
    public record Problem(Pos pos, String message) {}

    /** @param root empty for an empty document */
    public record Document(Optional<Node> root, List<Problem> problems) {}

    /** The whole text is not YAML; nothing after this point can be trusted. */
    public static final class SyntaxError extends Exception {
        public final Pos pos;

        SyntaxError(Pos pos, String message) {
            super(message);
            this.pos = pos;
        }
    }

    /**
     * How deep maps and lists may nest. A cluster file needs 5 levels; the limit keeps a hostile
     * file from overflowing the stack of this reader or of the YAML parser under it.
     */
    public static final int MAX_DEPTH = 64;

    private final JsonParser parser;
    private final List<Problem> problems = new ArrayList<>();

    private LocatedYaml(JsonParser parser) {
        this.parser = parser;
    }

    /** Jackson's own nesting check is a backstop: {@link #node} stops at {@link #MAX_DEPTH} first. */
    private static final YAMLFactory FACTORY = new YAMLFactory();

    static {
        FACTORY.setStreamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH + 2).build());
    }

    public static Document read(String text) throws SyntaxError {
        try (JsonParser p = FACTORY.createParser(text)) {
            var reader = new LocatedYaml(p);
            JsonToken first = p.nextToken();
            if (first == null) {
                return new Document(Optional.empty(), List.of());
            }
            Node root = reader.node(first, 1);
            if (p.nextToken() != null) {
                reader.problems.add(new Problem(pos(p.currentTokenLocation()),
                        "only one YAML document is allowed in a cluster file; remove this second one"));
            }
            return new Document(Optional.of(root), List.copyOf(reader.problems));
        } catch (TooDeep e) {
            throw new SyntaxError(e.pos, "maps and lists are nested more than " + MAX_DEPTH
                    + " deep here; a cluster file needs only a few levels");
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            // Reading from a String cannot fail for I/O reasons; treat anything else as syntax.
            throw new SyntaxError(Pos.START, "cannot parse YAML: " + e.getMessage());
        }
    }

    private static final class TooDeep extends IOException {
        final Pos pos;

        TooDeep(Pos pos) {
            super("too deep");
            this.pos = pos;
        }
    }

    private Node node(JsonToken token, int depth) throws IOException {
        if (token == null) {
            throw new IOException("unexpected end of input");
        }
        Pos pos = pos(parser.currentTokenLocation());
        if (depth > MAX_DEPTH && (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)) {
            throw new TooDeep(pos);
        }
        switch (token) {
            case START_OBJECT -> {
                var entries = new ArrayList<Entry>();
                JsonToken t;
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Pos keyPos = pos(parser.currentTokenLocation());
                    for (var earlier : entries) {
                        if (earlier.key().equals(key)) {
                            problems.add(new Problem(keyPos, "duplicate key `" + key + "` (first given at line "
                                    + earlier.keyPos().line() + ", column " + earlier.keyPos().column()
                                    + "); keep only one"));
                            break;
                        }
                    }
                    entries.add(new Entry(key, keyPos, node(parser.nextToken(), depth + 1)));
                }
                expect(t, JsonToken.END_OBJECT);
                return new MapNode(pos, List.copyOf(entries));
            }
            case START_ARRAY -> {
                var items = new ArrayList<Node>();
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new IOException("unexpected end of input inside a list");
                    }
                    items.add(node(t, depth + 1));
                }
                return new ListNode(pos, List.copyOf(items));
            }
            default -> {
                if (!token.isScalarValue()) {
                    throw new IOException("unexpected " + token);
                }
                if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
                    problems.add(new Problem(pos, "YAML aliases (*" + parser.getText()
                            + ") are not supported in a cluster file; write the value out"));
                    return new Scalar(pos, token, parser.getText(), null, true);
                }
                BigInteger integer = token == JsonToken.VALUE_NUMBER_INT ? parser.getBigIntegerValue() : null;
                String text = token == JsonToken.VALUE_NULL ? "" : parser.getText();
                return new Scalar(pos, token, text, integer, false);
            }
        }
    }

    private static void expect(JsonToken got, JsonToken wanted) throws IOException {
        if (got != wanted) {
            throw new IOException("expected " + wanted + ", got " + got);
        }
    }

    private static Pos pos(JsonLocation l) {
        return new Pos(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /**
     * Jackson's own location for a YAML error is often the last good token; SnakeYAML's problem
     * mark is where the error really is, so prefer it.
     */
    private static SyntaxError syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException m && m.getProblemMark() != null) {
            var mark = m.getProblemMark();
            String message = "YAML syntax error: " + m.getProblem();
            if (m.getContext() != null && m.getContextMark() != null) {
                message += " (" + m.getContext() + " started at line " + (m.getContextMark().getLine() + 1)
                        + ", column " + (m.getContextMark().getColumn() + 1) + ")";
            }
            return new SyntaxError(new Pos(mark.getLine() + 1, mark.getColumn() + 1), message);
        }
        JsonLocation l = e.getLocation();
        return new SyntaxError(l == null ? Pos.START : pos(l), "YAML syntax error: " + e.getOriginalMessage());
    }
}
