package dev.vigil.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Vigil's {@code crm_mon -1 --output-as=xml} prints (resource-scripts/sbin/crm_mon): this
 * node's status in the shape Pacemaker 2.1's crm_mon gives it, for the resource agents that read
 * it. ClusterLabs' redis, pgsql and galera agents grep one line per resource for
 * {@code resource id="db" ... role="Promoted" active="true" orphaned="false" ... failed="false"},
 * so every element is on a line of its own and its attributes come in Pacemaker's order.
 *
 * <p>Only what Vigil knows is there: nodes, resources, groups and clones (a clone's instances
 * carry the resource's own id, as Pacemaker prints an anonymous clone's, and the clone is
 * {@code <id>-clone}). Stopped clone instances are left out.
 *
 * <p>The text travels as a JSON string to a bash script that undoes only {@code \"} and
 * {@code \n}: so a backslash or another control character in a name is written as a character
 * reference here, never as a JSON escape.
 */
public final class CrmMonXml {
    /** The control op: {@code {"op":"crm_mon","verb":"xml"|"legacy-xml"}}. */
    public static final String OP = "crm_mon";
    /** What Pacemaker 2.1.5 (Debian 12) prints as its API version. */
    static final String API_VERSION = "2.25";

    private CrmMonXml() {}

    /** {@code legacy}: crm_mon --as-xml's root element ({@code <crm_mon>}) instead of {@code <pacemaker-result>}. */
    public static String render(StatusReport status, boolean legacy) {
        var out = new StringBuilder("<?xml version=\"1.0\"?>\n");
        out.append(legacy ? "<crm_mon version=\"2.1.5\">\n"
                : "<pacemaker-result api-version=\"" + API_VERSION + "\" request=\"crm_mon -1 --output-as=xml\">\n");
        var resources = status.resources();
        var rows = resources == null ? List.<StatusReport.ResourceRow>of() : resources.resources();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (var n : status.nodes()) ids.put(n.name(), ids.size() + 1);

        out.append("  <summary>\n");
        String dc = resources == null ? null : resources.coordinator();
        if (dc != null && ids.containsKey(dc)) {
            line(out, 4, "current_dc", true, "present", "true", "name", dc, "id", ids.get(dc).toString(),
                    "with_quorum", Boolean.toString(resources.quorate()));
        } else {
            line(out, 4, "current_dc", true, "present", "false");
        }
        line(out, 4, "nodes_configured", true, "number", Integer.toString(ids.size()));
        line(out, 4, "resources_configured", true, "number", Integer.toString(rows.size()), "disabled", "0",
                "blocked", "0");
        out.append("  </summary>\n  <nodes>\n");
        for (var n : status.nodes()) {
            boolean online = "alive".equals(n.state());
            boolean standby = resources != null && resources.standby().contains(n.name());
            long running = rows.stream().filter(r -> r.runningOn().contains(n.name())).count();
            line(out, 4, "node", true, "name", n.name(), "id", ids.get(n.name()).toString(),
                    "online", Boolean.toString(online), "standby", Boolean.toString(standby),
                    "maintenance", Boolean.toString(resources != null && resources.maintenance()),
                    "pending", "false", "unclean", "false", "shutdown", "false", "expected_up", "true",
                    "is_dc", Boolean.toString(n.name().equals(dc)), "resources_running", Long.toString(running),
                    "type", "member");
        }
        out.append("  </nodes>\n  <resources>\n");
        String openGroup = null;
        for (var r : rows) {
            if (openGroup != null && !openGroup.equals(r.group())) {
                out.append("    </group>\n");
                openGroup = null;
            }
            if (r.group() != null && !r.group().equals(openGroup)) {
                openGroup = r.group();
                String group = r.group();
                long members = rows.stream().filter(x -> group.equals(x.group())).count();
                line(out, 4, "group", false, "id", group, "number_resources", Long.toString(members),
                        "maintenance", "false", "managed", "true", "disabled", "false");
            }
            int indent = openGroup == null ? 4 : 6;
            if (r.cloned()) {
                clone(out, indent, r, ids);
            } else {
                instance(out, indent, r, r.runningOn().isEmpty() ? "Stopped" : "Started", r.runningOn(),
                        failed(r, r.runningOn()), ids);
            }
        }
        if (openGroup != null) out.append("    </group>\n");
        out.append("  </resources>\n");
        out.append(legacy ? "</crm_mon>\n" : "  <status code=\"0\" message=\"OK\"/>\n</pacemaker-result>\n");
        return out.toString();
    }

    private static void clone(StringBuilder out, int indent, StatusReport.ResourceRow r, Map<String, Integer> ids) {
        boolean promotable = r.roles() != null;
        line(out, indent, "clone", false, "id", r.id() + "-clone", "multi_state", Boolean.toString(promotable),
                "unique", "false", "maintenance", "false", "managed", Boolean.toString(!r.unmanaged()),
                "disabled", "false", "failed", Boolean.toString(failed(r, List.copyOf(r.states().keySet()))),
                "failure_ignored", "false");
        for (var node : ids.keySet()) {
            String state = r.states().getOrDefault(node, "unknown");
            boolean failed = state.startsWith("failed") || state.equals("stop_failed");
            String role;
            if (promotable && r.roles().containsKey(node)) {
                role = r.roles().get(node);
            } else if (state.equals("failed_promoted")) {
                role = "Promoted";
            } else if (r.runningOn().contains(node) || state.equals("stop_failed")) {
                role = promotable ? "Unpromoted" : "Started";
            } else if (failed) {
                role = "Stopped";
            } else {
                continue;
            }
            instance(out, indent + 2, r, role, role.equals("Stopped") ? List.of() : List.of(node), failed, ids);
        }
        out.append(" ".repeat(indent)).append("</clone>\n");
    }

    private static boolean failed(StatusReport.ResourceRow r, List<String> nodes) {
        return nodes.stream().map(n -> r.states().getOrDefault(n, ""))
                .anyMatch(s -> s.startsWith("failed") || s.equals("stop_failed"));
    }

    private static void instance(StringBuilder out, int indent, StatusReport.ResourceRow r, String role,
                                 List<String> nodes, boolean failed, Map<String, Integer> ids) {
        boolean active = !nodes.isEmpty();
        line(out, indent, "resource", !active, "id", r.id(), "resource_agent", r.agent(), "role", role,
                "active", Boolean.toString(active), "orphaned", "false", "blocked", "false",
                "maintenance", "false", "managed", Boolean.toString(!r.unmanaged()),
                "failed", Boolean.toString(failed), "failure_ignored", "false",
                "nodes_running_on", Integer.toString(nodes.size()));
        if (active) {
            for (var n : nodes) {
                line(out, indent + 2, "node", true, "name", n, "id", String.valueOf(ids.getOrDefault(n, 0)),
                        "cached", "true");
            }
            out.append(" ".repeat(indent)).append("</resource>\n");
        }
    }

    /** One element on one line: {@code <name a="v" .../>} when {@code empty}, else {@code <name ...>}. */
    private static void line(StringBuilder out, int indent, String name, boolean empty, String... attributes) {
        out.append(" ".repeat(indent)).append('<').append(name);
        var pairs = new ArrayList<String>(List.of(attributes));
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            out.append(' ').append(pairs.get(i)).append("=\"").append(escape(pairs.get(i + 1))).append('"');
        }
        out.append(empty ? "/>\n" : ">\n");
    }

    static String escape(String s) {
        var out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\\' -> out.append("&#92;");
                default -> {
                    if (c < 0x20) out.append("&#").append((int) c).append(';');
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }
}
