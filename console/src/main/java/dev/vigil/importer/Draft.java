package dev.vigil.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster file an import is building: each entry with the comment that points back at its
 * source lines, then rendered as YAML in the order of docs/cluster-file.md. Importers fill it;
 * it knows nothing of heartbeat or keepalived.
 */
public final class Draft {
    /** One list entry or map key, with its comment (may be empty). */
    public record Entry(Object value, String comment) {}

    private final List<String> header = new ArrayList<>();
    private String cluster = "ha";
    private String clusterComment = "";
    private Entry keyfile;
    private final Map<String, Entry> timing = new LinkedHashMap<>();
    private final List<Entry> nodes = new ArrayList<>();
    private final List<Entry> links = new ArrayList<>();
    private final List<Entry> resources = new ArrayList<>();
    private final List<Entry> groups = new ArrayList<>();
    private final List<Entry> constraints = new ArrayList<>();
    private final Map<String, Entry> policy = new LinkedHashMap<>();
    private final List<Entry> fencing = new ArrayList<>();
    private final List<Entry> ping = new ArrayList<>();
    private final List<Entry> alerts = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Unmapped> unmapped = new ArrayList<>();

    public void header(String line) { header.add(line); }
    public void cluster(String name, String comment) { cluster = name; clusterComment = comment; }
    public void keyfile(String path, String comment) { keyfile = new Entry(path, comment); }
    public void timing(String key, String duration, String comment) { timing.put(key, new Entry(duration, comment)); }
    public void node(String name, String address, String comment) {
        nodes.add(new Entry(ordered("name", name, "address", address), comment));
    }
    public void link(Map<String, Object> link, String comment) { links.add(new Entry(link, comment)); }
    public void resource(Map<String, Object> resource, String comment) { resources.add(new Entry(resource, comment)); }
    public void group(Map<String, Object> group, String comment) { groups.add(new Entry(group, comment)); }
    public void constraint(Map<String, Object> c, String comment) { constraints.add(new Entry(c, comment)); }
    public void policy(String key, Object value, String comment) { policy.put(key, new Entry(value, comment)); }
    public void fence(Map<String, Object> device, String comment) { fencing.add(new Entry(device, comment)); }
    public void ping(String target, String comment) { ping.add(new Entry(target, comment)); }
    public void alert(Map<String, Object> alert, String comment) { alerts.add(new Entry(alert, comment)); }
    /** A remark for the reader of the output and of stderr (a generated key, a changed value). */
    public void note(String note) { notes.add(note); }
    public void unmapped(Unmapped u) { unmapped.add(u); }

    public List<String> notes() { return List.copyOf(notes); }
    public List<Unmapped> unmappedList() { return List.copyOf(unmapped); }
    public List<String> nodeNames() {
        return nodes.stream().map(e -> String.valueOf(((Map<?, ?>) e.value()).get("name"))).toList();
    }
    public boolean hasResources() { return !resources.isEmpty(); }
    public boolean hasLinks() { return !links.isEmpty(); }
    public boolean hasPing() { return !ping.isEmpty(); }
    public boolean hasFencing() { return !fencing.isEmpty(); }
    public boolean hasPolicy(String key) { return policy.containsKey(key); }

    /**
     * The group holding the resource of this agent whose parameter {@code key} is {@code value}
     * (the group of a floating IP, for a service that joins its address).
     */
    public java.util.Optional<String> groupOfResource(String agent, String key, String value) {
        var ids = resources.stream().map(e -> (Map<?, ?>) e.value())
                .filter(r -> agent.equals(r.get("agent")) && r.get("params") instanceof Map<?, ?> p && value.equals(p.get(key)))
                .map(r -> r.get("id")).toList();
        return groups.stream().map(e -> (Map<?, ?>) e.value())
                .filter(g -> g.get("members") instanceof List<?> m && m.stream().anyMatch(ids::contains))
                .map(g -> (String) g.get("id")).findFirst();
    }

    /** One more member at the end of a group already drafted. */
    public void addMember(String group, String member) {
        for (int i = 0; i < groups.size(); i++) {
            var g = new LinkedHashMap<String, Object>();
            ((Map<?, ?>) groups.get(i).value()).forEach((k, v) -> g.put((String) k, v));
            if (group.equals(g.get("id"))) {
                var members = new ArrayList<Object>((List<?>) g.get("members"));
                members.add(member);
                g.put("members", members);
                groups.set(i, new Entry(g, groups.get(i).comment()));
            }
        }
    }

    /** A map that keeps the order its keys are given in: key, value, key, value… */
    public static Map<String, Object> ordered(Object... keysAndValues) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** The cluster file. */
    public String render() {
        var out = new StringBuilder();
        header.forEach(h -> out.append("# ").append(h).append('\n'));
        line(out, "cluster: " + Flow.scalar(cluster), clusterComment);
        if (keyfile != null) line(out, "auth: {keyfile: " + Flow.scalar((String) keyfile.value()) + "}", keyfile.comment());
        block(out, "timing", timing);
        list(out, "nodes", nodes);
        list(out, "links", links);
        list(out, "resources", resources);
        list(out, "groups", groups);
        list(out, "constraints", constraints);
        block(out, "policy", policy);
        list(out, "fencing", fencing);
        list(out, "ping", ping);
        list(out, "alerts", alerts);
        if (!notes.isEmpty()) {
            out.append("\n# Notes:\n");
            notes.forEach(n -> out.append("#   ").append(n.replace("\n", "\n#   ")).append('\n'));
        }
        if (!unmapped.isEmpty()) {
            out.append("\n# Not carried over (").append(unmapped.size()).append("):\n");
            unmapped.forEach(u -> out.append("#   ").append(u.toString().replace("\n", " ")).append('\n'));
        }
        return out.toString();
    }

    private static void block(StringBuilder out, String key, Map<String, Entry> entries) {
        if (entries.isEmpty()) return;
        out.append(key).append(":\n");
        entries.forEach((k, e) -> line(out, "  " + k + ": " + Flow.render(e.value()), e.comment()));
    }

    private static void list(StringBuilder out, String key, List<Entry> entries) {
        if (entries.isEmpty()) return;
        out.append(key).append(":\n");
        entries.forEach(e -> line(out, "  - " + Flow.render(e.value()), e.comment()));
    }

    private static void line(StringBuilder out, String yaml, String comment) {
        out.append(yaml);
        if (comment != null && !comment.isEmpty()) {
            out.append(" ".repeat(Math.max(1, 48 - yaml.length()))).append("# ").append(comment.replace("\n", " "));
        }
        out.append('\n');
    }
}
