package dev.vigil.playbook.steps;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Scalar;
import dev.vigil.config.LocatedYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code cluster} step's merge of a YAML fragment into a cluster file's text. Lists of
 * {@code resources}, {@code groups}, {@code constraints} and {@code fencing} are merged by
 * {@code id} (the same id replaced where it stands, new ids appended), {@code policy} by key,
 * {@code ping} replaced, {@code links} by medium ({@link #linkKey}: a serial cable by its two
 * nodes, a UDP link by mode, port and group): a link of the same medium replaced where it stands,
 * a new one appended, so the links already there keep their index.
 *
 * <p>The file is edited, not regenerated: only the top-level sections that change (and
 * {@code version}, bumped) are rewritten, each as one flow-style line per list item; the rest of
 * the file, comments included, stays byte for byte. Comments inside a rewritten section are lost.
 * A file whose top-level keys are not each on a line of their own (a flow-style root) is
 * regenerated whole, without comments. Scalars keep the text they were written with ({@code 1.10}
 * stays {@code 1.10}), and the result is read back and compared before it is offered.
 */
public final class ClusterFileMerge {
    static final List<String> BY_ID = List.of("resources", "groups", "constraints", "fencing");
    static final List<String> MERGED_KEYS = List.of("resources", "groups", "constraints", "fencing", "policy", "ping", "links");

    private ClusterFileMerge() {}

    /** A YAML value with scalars as written: a {@link Map}, a {@link List} or a {@link Text}. */
    record Text(JsonToken token, String text) {}

    /**
     * @param text        the merged file
     * @param changed     the top-level sections whose content changed (empty: nothing to write)
     * @param version     the version the merged file carries
     * @param regenerated whether the whole file was rewritten (its comments lost)
     */
    record Result(String text, List<String> changed, long version, boolean regenerated) {}

    /** A problem with a fragment's text, for {@code check} of a literal {@code content}; empty when fine. */
    public static Optional<String> fragmentProblem(String text) {
        try {
            fragment(text);
            return Optional.empty();
        } catch (Step.Failure e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The fragment as a map of merged keys, each checked for its shape. */
    static Map<String, Object> fragment(String text) throws Step.Failure {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(text);
        } catch (LocatedYaml.SyntaxError e) {
            throw new Step.Failure("the fragment is not YAML: line " + e.pos.line() + ", column " + e.pos.column() + ": " + e.getMessage());
        }
        if (!doc.problems().isEmpty()) {
            var p = doc.problems().get(0);
            throw new Step.Failure("the fragment, line " + p.pos().line() + ", column " + p.pos().column() + ": " + p.message());
        }
        if (doc.root().isEmpty() || !(doc.root().get() instanceof MapNode root) || root.entries().isEmpty()) {
            throw new Step.Failure("the fragment must be a map with any of " + String.join(", ", MERGED_KEYS));
        }
        var out = new LinkedHashMap<String, Object>();
        for (Entry e : root.entries()) {
            String where = "the fragment, line " + e.keyPos().line() + ", column " + e.keyPos().column() + ": ";
            if (!MERGED_KEYS.contains(e.key())) {
                throw new Step.Failure(where + "`" + e.key() + "` cannot be merged by a cluster step; it merges "
                        + String.join(", ", MERGED_KEYS) + " (write the rest of the cluster file with a file step)");
            }
            Object v = value(e.value());
            if (BY_ID.contains(e.key())) {
                if (!(v instanceof List<?> items)) throw new Step.Failure(where + "`" + e.key() + "` must be a list");
                var seen = new ArrayList<String>();
                for (Object item : items) {
                    var id = id(item).orElseThrow(() -> new Step.Failure(where + "every item of `" + e.key() + "` needs an `id`"));
                    if (seen.contains(id)) throw new Step.Failure(where + "`" + e.key() + "` names id `" + id + "` twice");
                    seen.add(id);
                }
            } else if (e.key().equals("links")) {
                if (!(v instanceof List<?> items)) throw new Step.Failure(where + "`links` must be a list");
                for (Object item : items) {
                    if (linkKey(item).isEmpty()) {
                        throw new Step.Failure(where + "every item of `links` needs a `type` (and a serial link its `between`)");
                    }
                }
            } else if (e.key().equals("policy") && !(v instanceof Map)) {
                throw new Step.Failure(where + "`policy` must be a map such as {auto_failback: false}");
            }
            out.put(e.key(), v);
        }
        return out;
    }

    /**
     * @param current        the cluster file's text now
     * @param runningVersion the version the cluster runs, when an agent told it; the bumped version is above both
     */
    static Result merge(String current, Map<String, Object> fragment, Optional<Long> runningVersion) throws Step.Failure {
        MapNode root = rootOf(current);
        var tree = new LinkedHashMap<String, Object>();
        for (Entry e : root.entries()) tree.put(e.key(), value(e.value()));
        var merged = new LinkedHashMap<>(tree);
        var changed = new ArrayList<String>();
        for (var f : fragment.entrySet()) {
            String key = f.getKey();
            Object now = tree.get(key);
            Object next;
            if (BY_ID.contains(key)) {
                if (now != null && !(now instanceof List)) throw new Step.Failure("`" + key + "` in the cluster file is not a list");
                next = byId(now == null ? List.of() : (List<?>) now, (List<?>) f.getValue(), key);
            } else if (key.equals("links")) {
                if (now != null && !(now instanceof List)) throw new Step.Failure("`links` in the cluster file is not a list");
                next = byLink(now == null ? List.of() : (List<?>) now, (List<?>) f.getValue());
            } else if (key.equals("policy")) {
                if (now != null && !(now instanceof Map)) throw new Step.Failure("`policy` in the cluster file is not a map");
                var m = new LinkedHashMap<String, Object>();
                if (now != null) ((Map<?, ?>) now).forEach((k, v) -> m.put((String) k, v));
                m.putAll(asMap(f.getValue()));
                next = m;
            } else {
                next = f.getValue();
            }
            if (!next.equals(now)) {
                merged.put(key, next);
                changed.add(key);
            }
        }
        long fileVersion = tree.get("version") instanceof Text t && t.token() == JsonToken.VALUE_NUMBER_INT
                ? Long.parseLong(t.text()) : 1;
        if (changed.isEmpty()) return new Result(current, List.of(), fileVersion, false);

        long version = Math.max(fileVersion, runningVersion.orElse(0L)) + 1;
        var versionText = new Text(JsonToken.VALUE_NUMBER_INT, Long.toString(version));
        if (!merged.containsKey("version")) {
            // Right after `cluster:`, where a reader looks for it.
            var withVersion = new LinkedHashMap<String, Object>();
            merged.forEach((k, v) -> {
                withVersion.put(k, v);
                if (k.equals("cluster")) withVersion.put("version", versionText);
            });
            withVersion.putIfAbsent("version", versionText);
            merged = withVersion;
        } else {
            merged.put("version", versionText);
        }
        var edits = new ArrayList<>(changed);
        edits.add("version");
        boolean lineWise = lineWise(root);
        String text = lineWise ? splice(current, root, merged, edits) : regenerate(merged);
        // The edit is checked, not trusted: the text must read back as exactly the merged tree.
        if (!treeOf(text).equals(merged)) {
            throw new Step.Failure("internal error: the merged cluster file does not read back as merged; nothing written");
        }
        return new Result(text, List.copyOf(changed), version, !lineWise);
    }

    private static MapNode rootOf(String text) throws Step.Failure {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(text);
        } catch (LocatedYaml.SyntaxError e) {
            throw new Step.Failure("the cluster file is not YAML (line " + e.pos.line() + ", column " + e.pos.column()
                    + "): " + e.getMessage());
        }
        if (doc.root().isEmpty() || !(doc.root().get() instanceof MapNode root)) {
            throw new Step.Failure("the cluster file is not a map of cluster, auth, nodes, links, ...");
        }
        return root;
    }

    static Map<String, Object> treeOf(String text) throws Step.Failure {
        var out = new LinkedHashMap<String, Object>();
        for (Entry e : rootOf(text).entries()) out.put(e.key(), value(e.value()));
        return out;
    }

    private static List<Object> byId(List<?> now, List<?> given, String key) throws Step.Failure {
        var out = new ArrayList<Object>(now);
        for (Object item : given) {
            String id = id(item).orElseThrow();
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (id(out.get(i)).filter(id::equals).isPresent()) at = i;
            }
            if (at >= 0) out.set(at, item);
            else out.add(item);
        }
        return out;
    }

    private static List<Object> byLink(List<?> now, List<?> given) {
        var out = new ArrayList<Object>(now);
        for (Object item : given) {
            var key = linkKey(item);
            int at = -1;
            for (int i = 0; i < out.size(); i++) {
                if (linkKey(out.get(i)).equals(key)) at = i;
            }
            if (at >= 0) out.set(at, item);
            else out.add(item);
        }
        return out;
    }

    /**
     * What makes two links the same medium: a serial cable's two nodes (in either order), or a UDP
     * link's mode, port and group. Empty for an item without a type (or a serial link without its nodes).
     */
    static Optional<String> linkKey(Object item) {
        if (!(item instanceof Map<?, ?> m) || !(m.get("type") instanceof Text type)) return Optional.empty();
        if (type.text().equals("serial")) {
            if (!(m.get("between") instanceof List<?> between)) return Optional.empty();
            var nodes = between.stream().map(n -> n instanceof Text t ? t.text() : String.valueOf(n)).sorted().toList();
            return Optional.of("serial " + nodes);
        }
        return Optional.of(type.text() + " " + text(m.get("mode")) + " " + text(m.get("port")) + " " + text(m.get("group")));
    }

    private static String text(Object o) {
        return o instanceof Text t ? t.text() : "";
    }

    private static Optional<String> id(Object item) {
        return item instanceof Map<?, ?> m && m.get("id") instanceof Text t && !t.text().isEmpty()
                ? Optional.of(t.text()) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static Object value(Node n) {
        if (n instanceof Scalar s) return new Text(s.token(), s.text());
        if (n instanceof ListNode l) {
            var out = new ArrayList<Object>();
            for (Node i : l.items()) out.add(value(i));
            return out;
        }
        var out = new LinkedHashMap<String, Object>();
        for (Entry e : ((MapNode) n).entries()) out.put(e.key(), value(e.value()));
        return out;
    }

    /** Whether each top-level key starts a line of its own, so sections can be cut by lines. */
    private static boolean lineWise(MapNode root) {
        int last = 0;
        for (Entry e : root.entries()) {
            if (e.keyPos().column() != 1 || e.keyPos().line() <= last) return false;
            last = e.keyPos().line();
        }
        return true;
    }

    /** Replaces the sections named in {@code edits} where they stand; appends those the file lacks. */
    private static String splice(String current, MapNode root, Map<String, Object> merged, List<String> edits) {
        List<String> lines = new ArrayList<>(List.of(current.split("(?<=\n)", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
        if (!lines.isEmpty() && !lines.get(lines.size() - 1).endsWith("\n")) {
            lines.set(lines.size() - 1, lines.get(lines.size() - 1) + "\n");
        }
        // Each section: from its key's line to before the next key, less the blank and comment lines
        // just before the next key (they belong to it).
        var entries = root.entries();
        var replacement = new LinkedHashMap<Integer, String>(); // start index → new text
        var ends = new LinkedHashMap<Integer, Integer>();
        for (int i = 0; i < entries.size(); i++) {
            String key = entries.get(i).key();
            int start = entries.get(i).keyPos().line() - 1;
            int end = i + 1 < entries.size() ? entries.get(i + 1).keyPos().line() - 1 : lines.size();
            while (end > start + 1 && (lines.get(end - 1).isBlank() || lines.get(end - 1).startsWith("#"))) end--;
            if (edits.contains(key)) {
                replacement.put(start, section(key, merged.get(key)));
                ends.put(start, end);
            }
        }
        boolean addVersion = root.entry("version").isEmpty();
        int anchor = versionAnchor(entries);
        var out = new StringBuilder();
        if (addVersion && anchor < 0) out.append(section("version", merged.get("version")));
        for (int i = 0; i < lines.size(); ) {
            if (replacement.containsKey(i)) {
                out.append(replacement.get(i));
                i = ends.get(i);
            } else {
                out.append(lines.get(i));
                if (addVersion && i == anchor) out.append(section("version", merged.get("version")));
                i++;
            }
        }
        for (String key : edits) {
            if (root.entry(key).isEmpty() && !key.equals("version")) out.append(section(key, merged.get(key)));
        }
        return out.toString();
    }

    /** The line index after which a missing {@code version:} goes: the {@code cluster:} line; -1 for the top. */
    private static int versionAnchor(List<Entry> entries) {
        return entries.stream().filter(e -> e.key().equals("cluster")).findFirst().map(e -> e.keyPos().line() - 1).orElse(-1);
    }

    private static String regenerate(Map<String, Object> merged) {
        var out = new StringBuilder();
        merged.forEach((k, v) -> out.append(section(k, v)));
        return out.toString();
    }

    /** One top-level section: a scalar or map on its line, a list with one flow-style item per line. */
    static String section(String key, Object value) {
        if (value instanceof List<?> l && !l.isEmpty() && l.stream().anyMatch(i -> !(i instanceof Text))) {
            var sb = new StringBuilder(plainKey(key)).append(":\n");
            for (Object i : l) sb.append("  - ").append(flow(i)).append('\n');
            return sb.toString();
        }
        return plainKey(key) + ": " + flow(value) + "\n";
    }

    private static String plainKey(String key) {
        return scalar(new Text(JsonToken.VALUE_STRING, key));
    }

    private static String flow(Object v) {
        if (v instanceof Text t) return scalar(t);
        if (v instanceof List<?> l) {
            var parts = new ArrayList<String>();
            for (Object i : l) parts.add(flow(i));
            return "[" + String.join(", ", parts) + "]";
        }
        var parts = new ArrayList<String>();
        ((Map<?, ?>) v).forEach((k, x) -> parts.add(plainKey((String) k) + ": " + flow(x)));
        return "{" + String.join(", ", parts) + "}";
    }

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9_/.][A-Za-z0-9_/.@+:=-]*");

    /**
     * A scalar as it was read: numbers, booleans and null as written; a string plain when it reads
     * back as the same string, double-quoted (JSON escapes are YAML's too) otherwise.
     */
    private static String scalar(Text t) {
        if (t.token() == JsonToken.VALUE_NULL) return "null";
        if (t.token() != JsonToken.VALUE_STRING) return t.text();
        String s = t.text();
        if (PLAIN.matcher(s).matches() && !s.endsWith(":") && readsBackAsString(s)) return s;
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a string always serializes", e);
        }
    }

    private static boolean readsBackAsString(String s) {
        try {
            var doc = LocatedYaml.read("[" + s + "]");
            return doc.root().orElse(null) instanceof ListNode l && l.items().size() == 1
                    && l.items().get(0) instanceof Scalar sc && sc.token() == JsonToken.VALUE_STRING && sc.text().equals(s);
        } catch (LocatedYaml.SyntaxError e) {
            return false;
        }
    }
}
