package dev.vigil.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.config.ConfigError;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ResourceStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One golden scheduler scenario file: a situation (config, nodes, statuses, failures, operator
 * state) and the plan expected for it. The format is described in
 * {@code src/test/resources/scheduler-scenarios/README.md}.
 *
 * @param expect the {@code expect:} section as its canonical text (see {@link #render})
 */
record Scenario(Path file, String description, SchedulerInput input, String expect) {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Instant DEFAULT_NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final List<String> TOP_KEYS =
            List.of("description", "config", "nodes", "quorate", "admin", "now", "status", "failures", "lost_since",
                    "exclusive_quorum", "attributes", "expect");

    /** A scenario file that cannot be read; the message starts with the file. */
    static final class Invalid extends RuntimeException {
        Invalid(Path file, String where, String message) {
            super(file + (where.isEmpty() ? "" : ": " + where) + ": " + message);
        }

        Invalid(String message) {
            super(message);
        }
    }

    static Scenario load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Invalid(file, "", "cannot read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new Invalid(file, "", "not YAML: " + e.getMessage());
        }
        var p = new Parser(file);
        if (root == null || !root.isObject()) {
            throw p.invalid("", "expected a map with the keys " + String.join(", ", TOP_KEYS));
        }
        p.keys(root, "", TOP_KEYS);
        String description = p.required(root, "description").asText();

        JsonNode nodesNode = p.required(root, "nodes");
        if (!nodesNode.isObject() || nodesNode.isEmpty()) {
            throw p.invalid("nodes", "expected a map of node name → condition, e.g. {ha1: online, ha2: lost}");
        }
        var nodes = new ArrayList<NodeInfo>();
        nodesNode.fields().forEachRemaining(e -> nodes.add(p.node(e.getKey(), e.getValue())));
        List<String> names = nodes.stream().map(NodeInfo::name).toList();

        ResourcesConfig config = config(file, text, names);
        boolean quorate = !root.has("quorate") || p.bool(root.get("quorate"), "quorate");
        Instant now = root.has("now") ? p.instant(root.get("now"), "now") : DEFAULT_NOW;
        AdminState admin = root.has("admin") ? p.admin(root.get("admin"), names) : AdminState.INITIAL;
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        var failures = new HashMap<ResourceOnNode, Failures>();
        var resources = config.resources().stream().map(r -> r.id()).collect(Collectors.toSet());
        p.perNode(root.get("status"), "status", names, resources, (key, value, where) ->
                statuses.put(key, p.status(value, where)));
        p.perNode(root.get("failures"), "failures", names, resources, (key, value, where) ->
                failures.put(key, p.failures(value, where)));
        // The watchdog rule's facts: when lost nodes were lost; exclusive quorum defaults to a majority of the nodes.
        var lostSince = new HashMap<String, Instant>();
        if (root.has("lost_since")) {
            root.get("lost_since").fields().forEachRemaining(e -> {
                if (!names.contains(e.getKey())) throw p.invalid("lost_since", "unknown node " + e.getKey());
                lostSince.put(e.getKey(), p.instant(e.getValue(), "lost_since." + e.getKey()));
            });
        }
        long online = nodes.stream().filter(n -> n.condition() == NodeCondition.ONLINE).count();
        boolean exclusive = root.has("exclusive_quorum") ? p.bool(root.get("exclusive_quorum"), "exclusive_quorum")
                : 2 * online > nodes.size();
        var attributes = p.attributes(root.get("attributes"), names);
        String expect = root.has("expect") ? p.expect(root.get("expect")) : "";
        return new Scenario(file, description, new SchedulerInput(config, nodes, quorate, statuses, failures, admin,
                now, Map.of(), new SelfFencingInput(lostSince, exclusive), attributes), expect);
    }

    /**
     * The {@code config:} block goes to the real cluster-file loader, so scenarios use exactly the
     * cluster file's syntax and its errors. The block is cut out in place (other lines blanked,
     * indentation removed) so that the loader's line numbers are the scenario file's, and columns
     * are shifted back by the indentation.
     */
    private static ResourcesConfig config(Path file, String text, List<String> nodeNames) {
        String[] lines = text.split("\n", -1);
        int start = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].matches("config:\\s*(#.*)?")) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            throw new Invalid(file, "config", "missing: a `config:` line at column 1, followed by the cluster file's"
                    + " policy half (resources, groups, constraints, policy, fencing, ping) indented below it");
        }
        int end = start + 1;
        while (end < lines.length && (lines[end].isBlank() || lines[end].startsWith(" ") || lines[end].startsWith("#"))) {
            end++;
        }
        int indent = -1;
        for (int i = start + 1; i < end; i++) {
            String line = lines[i];
            if (!line.isBlank() && !line.stripLeading().startsWith("#")) {
                int lead = line.length() - line.stripLeading().length();
                if (indent < 0) {
                    indent = lead;
                } else if (lead < indent) {
                    throw new Invalid(file, "line " + (i + 1), "the config block is indented less than its first line");
                }
            }
        }
        var out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean content = i > start && i < end && !line.isBlank() && !line.stripLeading().startsWith("#");
            out.append(content ? line.substring(indent) : "").append('\n');
        }
        try {
            return ConfigLoader.loadResources(out.toString(), file, nodeNames);
        } catch (ConfigException e) {
            int shift = Math.max(indent, 0);
            throw new Invalid(e.errors().stream()
                    .map(err -> new ConfigError(file, err.line(), err.column() + shift, err.message()).toString())
                    .collect(Collectors.joining("\n")));
        }
    }

    /** The canonical text of an {@code expect:} section: what files hold and what failures diff. */
    static String render(List<String> actions, Map<String, String> placement, List<String> notes) {
        return render(actions, placement, notes, List.of());
    }

    /** With the promoted instances, a line only a scenario with a promotable clone has. */
    static String render(List<String> actions, Map<String, String> placement, List<String> notes,
                         List<String> promoted) {
        var sb = new StringBuilder("expect:\n");
        sb.append("  actions:").append(actions.isEmpty() ? " []\n" : "\n");
        actions.forEach(a -> sb.append("    - ").append(scalar(a, false)).append('\n'));
        sb.append("  placement: {").append(new TreeMap<>(placement).entrySet().stream()
                .map(e -> scalar(e.getKey(), true) + ": " + scalar(e.getValue(), true)).collect(Collectors.joining(", ")))
                .append("}\n");
        if (!promoted.isEmpty()) {
            sb.append("  promoted: [").append(promoted.stream().map(x -> scalar(x, true))
                    .collect(Collectors.joining(", "))).append("]\n");
        }
        sb.append("  notes:").append(notes.isEmpty() ? " []\n" : "\n");
        notes.forEach(n -> sb.append("    - ").append(scalar(n, false)).append('\n'));
        return sb.toString();
    }

    static String render(Plan plan) {
        return render(plan.actions().stream().map(Scenario::oneLiner).toList(), plan.placement(), plan.notes(),
                plan.promoted());
    }

    /** {@code web:start@ha2 after vip:start@ha2 because failback to preferred ha2} */
    static String oneLiner(PlannedAction a) {
        return a.id() + (a.after().isEmpty() ? "" : " after " + String.join(", ", a.after())) + " because " + a.reason();
    }

    /** Plain when YAML reads it back unchanged inside a flow or block context, else double-quoted. */
    private static String scalar(String s, boolean flow) {
        boolean plain = !s.isEmpty() && "-?:,[]{}#&*!|>'\"%@`".indexOf(s.charAt(0)) < 0
                && !s.contains(": ") && !s.contains(" #") && !s.endsWith(":")
                && (!flow || s.chars().noneMatch(c -> ",[]{}".indexOf(c) >= 0));
        if (plain) {
            try {
                JsonNode back = YAML.readTree("- " + s);
                plain = back.isArray() && back.get(0).isTextual() && back.get(0).asText().equals(s);
            } catch (IOException e) {
                plain = false;
            }
        }
        return plain ? s : '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private interface PerNode {
        void accept(ResourceOnNode key, JsonNode value, String where);
    }

    private static final class Parser {
        private final Path file;

        Parser(Path file) {
            this.file = file;
        }

        Invalid invalid(String where, String message) {
            return new Invalid(file, where, message);
        }

        void keys(JsonNode map, String where, List<String> allowed) {
            for (Iterator<String> it = map.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw invalid(where.isEmpty() ? k : where + "." + k,
                            "unknown key; expected one of " + String.join(", ", allowed));
                }
            }
        }

        JsonNode required(JsonNode map, String key) {
            if (!map.hasNonNull(key)) {
                throw invalid(key, "missing");
            }
            return map.get(key);
        }

        boolean bool(JsonNode n, String where) {
            if (n.isBoolean()) {
                return n.asBoolean();
            }
            if (n.isTextual() && List.of("true", "false").contains(n.asText())) {
                return Boolean.parseBoolean(n.asText());
            }
            throw invalid(where, "expected true or false, got " + n);
        }

        Instant instant(JsonNode n, String where) {
            try {
                return Instant.parse(n.asText());
            } catch (DateTimeParseException e) {
                throw invalid(where, "expected a UTC time such as 2026-01-01T00:10:00Z, got " + n.asText());
            }
        }

        <E extends Enum<E>> E enumValue(Class<E> type, JsonNode n, String where) {
            String text = n.asText();
            for (E e : type.getEnumConstants()) {
                if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return e;
                }
            }
            throw invalid(where, "expected one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ", got " + text);
        }

        NodeInfo node(String name, JsonNode n) {
            String where = "nodes." + name;
            if (n.isTextual()) {
                return new NodeInfo(name, enumValue(NodeCondition.class, n, where), false, true);
            }
            if (!n.isObject()) {
                throw invalid(where, "expected a condition (online, offline, lost) or {condition: online, standby: true, ping: false}");
            }
            keys(n, where, List.of("condition", "standby", "ping"));
            NodeCondition condition = n.has("condition")
                    ? enumValue(NodeCondition.class, n.get("condition"), where + ".condition") : NodeCondition.ONLINE;
            boolean standby = n.has("standby") && bool(n.get("standby"), where + ".standby");
            boolean ping = !n.has("ping") || bool(n.get("ping"), where + ".ping");
            return new NodeInfo(name, condition, standby, ping);
        }

        AdminState admin(JsonNode n, List<String> nodes) {
            if (!n.isObject()) {
                throw invalid("admin", "expected {maintenance: false, standby: [ha2], temporary: [{move: web, to: ha2}]}");
            }
            keys(n, "admin", List.of("maintenance", "standby", "temporary"));
            boolean maintenance = n.has("maintenance") && bool(n.get("maintenance"), "admin.maintenance");
            Set<String> standby = new HashSet<>();
            for (JsonNode s : list(n.get("standby"), "admin.standby")) {
                standby.add(knownNode(s.asText(), nodes, "admin.standby"));
            }
            var temporary = new ArrayList<AdminState.TemporaryConstraint>();
            int i = 0;
            for (JsonNode t : list(n.get("temporary"), "admin.temporary")) {
                String where = "admin.temporary[" + i++ + "]";
                if (t.has("move")) {
                    keys(t, where, List.of("move", "to"));
                    temporary.add(new AdminState.TemporaryConstraint(t.get("move").asText(),
                            knownNode(required(t, "to").asText(), nodes, where + ".to"),
                            AdminState.TemporaryConstraint.Kind.MOVE));
                } else if (t.has("ban")) {
                    keys(t, where, List.of("ban", "from"));
                    temporary.add(new AdminState.TemporaryConstraint(t.get("ban").asText(),
                            knownNode(required(t, "from").asText(), nodes, where + ".from"),
                            AdminState.TemporaryConstraint.Kind.BAN));
                } else {
                    throw invalid(where, "expected {move: TARGET, to: NODE} or {ban: TARGET, from: NODE}");
                }
            }
            return new AdminState(1, standby, maintenance, temporary);
        }

        private List<JsonNode> list(JsonNode n, String where) {
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw invalid(where, "expected a list");
            }
            var result = new ArrayList<JsonNode>();
            n.forEach(result::add);
            return result;
        }

        private String knownNode(String name, List<String> nodes, String where) {
            if (!nodes.contains(name)) {
                throw invalid(where, "unknown node " + name + "; the scenario's nodes are " + String.join(", ", nodes));
            }
            return name;
        }

        void perNode(JsonNode n, String section, List<String> nodes, Set<String> resources, PerNode sink) {
            if (n == null || n.isNull()) {
                return;
            }
            if (!n.isObject()) {
                throw invalid(section, "expected node → {resource: ...}");
            }
            for (var e : iterable(n.fields())) {
                String node = knownNode(e.getKey(), nodes, section);
                if (!e.getValue().isObject()) {
                    throw invalid(section + "." + node, "expected a map resource → value");
                }
                for (var r : iterable(e.getValue().fields())) {
                    String where = section + "." + node + "." + r.getKey();
                    if (!resources.contains(r.getKey())) {
                        throw invalid(where, "unknown resource " + r.getKey());
                    }
                    sink.accept(new ResourceOnNode(r.getKey(), node), r.getValue(), where);
                }
            }
        }

        private static <T> Iterable<T> iterable(Iterator<T> it) {
            return () -> it;
        }

        ResourceStatus status(JsonNode n, String where) {
            return enumValue(ResourceStatus.class, n, where);
        }

        Failures failures(JsonNode n, String where) {
            if (!n.isObject()) {
                throw invalid(where, "expected {count: 1, last: 2026-01-01T00:05:00Z}");
            }
            keys(n, where, List.of("count", "last"));
            JsonNode count = n.get("count");
            if (count == null || !count.canConvertToInt() || !count.isIntegralNumber() || count.asInt() < 0) {
                throw invalid(where + ".count", "expected a whole number ≥ 0");
            }
            if (!n.has("last")) {
                throw invalid(where + ".last", "missing: when the latest failure happened");
            }
            return new Failures(count.asInt(), instant(n.get("last"), where + ".last"));
        }

        String expect(JsonNode n) {
            if (!n.isObject()) {
                throw invalid("expect", "expected {actions: [...], placement: {...}, notes: [...]}");
            }
            keys(n, "expect", List.of("actions", "placement", "promoted", "notes"));
            var actions = list(n.get("actions"), "expect.actions").stream().map(JsonNode::asText).toList();
            var placement = new TreeMap<String, String>();
            JsonNode pl = n.get("placement");
            if (pl != null && !pl.isNull()) {
                if (!pl.isObject()) {
                    throw invalid("expect.placement", "expected a map resource → node");
                }
                pl.fields().forEachRemaining(e -> placement.put(e.getKey(), e.getValue().asText()));
            }
            var notes = list(n.get("notes"), "expect.notes").stream().map(JsonNode::asText).toList();
            var promoted = list(n.get("promoted"), "expect.promoted").stream().map(JsonNode::asText).toList();
            return render(actions.stream().map(a -> a.strip().replaceAll("\\s+", " ")).toList(), placement, notes,
                    promoted);
        }

        /** {@code attributes:}: node → {name: value}, the node attributes agents set (promotion scores). */
        Map<String, Map<String, String>> attributes(JsonNode n, List<String> nodes) {
            var result = new HashMap<String, Map<String, String>>();
            if (n == null || n.isNull()) {
                return result;
            }
            if (!n.isObject()) {
                throw invalid("attributes", "expected node → {name: value}, e.g. {ha1: {master-db: 10}}");
            }
            for (var e : iterable(n.fields())) {
                String node = knownNode(e.getKey(), nodes, "attributes");
                if (!e.getValue().isObject()) {
                    throw invalid("attributes." + node, "expected a map name → value");
                }
                var values = new TreeMap<String, String>();
                e.getValue().fields().forEachRemaining(a -> values.put(a.getKey(), a.getValue().asText()));
                result.put(node, values);
            }
            return result;
        }
    }
}
