package dev.vigil.tui;

import dev.vigil.access.AuditLog;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ResourceSpec;
import dev.vigil.control.StatusReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** View models of the detail screens: resource or group, node, audit log. Pure. */
public final class DetailViews {
    private DetailViews() {}

    public static List<Line> resource(StatusReport s, Target target, ClusterConfig config, List<ClusterEvent> events) {
        var out = new ArrayList<Line>();
        if (s.resources() == null) {
            out.add(Line.of("no resources are configured", Tone.DIM));
            return out;
        }
        if (target instanceof Target.Group g) {
            out.add(Line.of("Group " + g.id() + ": members start in this order and stop in reverse", Tone.TITLE));
            var b = Line.builder().add("state: ");
            StatusViews.groupState(b, s, g.id());
            out.add(b.build());
            rulesAndEvents(s, g.id(), events, out);
            for (String m : g.members()) {
                out.add(Line.empty());
                Actions.row(s, m).ifPresent(row -> resourceBody(s, row, config, out));
            }
            return out;
        }
        var row = Actions.row(s, target.id());
        if (row.isEmpty()) {
            out.add(Line.of("resource " + target.id() + " is not in the status any more", Tone.WARN));
            return out;
        }
        resourceBody(s, row.get(), config, out);
        rulesAndEvents(s, target.id(), events, out);
        return out;
    }

    private static void resourceBody(StatusReport s, StatusReport.ResourceRow row, ClusterConfig config, List<Line> out) {
        out.add(Line.of("Resource " + row.id() + "  agent " + row.agent() + (row.cloned() ? "  clone" : "")
                + (row.group() != null ? "  in group " + row.group() : ""), Tone.TITLE));
        var b = Line.builder().add("state: ");
        StatusViews.resourceState(b, row);
        out.add(b.build());
        Optional<ResourceSpec> spec = config == null ? Optional.empty() : config.resources().resource(row.id());
        if (spec.isPresent()) {
            var p = spec.get();
            out.add(Line.of("parameters: " + (p.params().isEmpty() ? "none" : String.join(" ",
                    new TreeSet<>(p.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())))));
            out.add(Line.of("monitor: " + p.monitor().map(m -> "every " + Text.age(m.interval()) + ", timeout " + Text.age(m.timeout()))
                    .orElse("none") + "   start timeout " + Text.age(p.startTimeout()) + "   stop timeout "
                    + Text.age(p.stopTimeout()) + "   on failure: " + p.onFail().toString().toLowerCase(java.util.Locale.ROOT)));
        } else {
            out.add(Line.of("parameters: not known to this console (it was started without the cluster file)", Tone.DIM));
        }
        out.add(Line.builder().cell("  node", 14, Tone.TITLE).cell("state", 13, Tone.TITLE).cell("failures", 10, Tone.TITLE)
                .add("last operation", Tone.TITLE).build());
        var nodes = new ArrayList<String>();
        s.nodes().forEach(n -> nodes.add(n.name()));
        row.states().keySet().forEach(n -> { if (!nodes.contains(n)) nodes.add(n); });
        for (String n : nodes) {
            String st = row.states().get(n);
            if (st == null && !row.failures().containsKey(n) && !row.lastOperations().containsKey(n)) continue;
            int f = row.failures().getOrDefault(n, 0);
            String state = st == null ? "?" : st.equals("failed") ? "! failed" : st.equals("stop_failed") ? "[STOP FAILED]" : st;
            Tone tone = st == null ? Tone.DIM : st.equals("started") ? Tone.GOOD : st.contains("failed") ? Tone.BAD : Tone.NORMAL;
            out.add(Line.builder().cell("  " + n, 14, Tone.NORMAL).cell(state, 13, tone)
                    .cell(f == 0 ? "0" : "! " + f, 10, f == 0 ? Tone.NORMAL : Tone.WARN)
                    .add(row.lastOperations().getOrDefault(n, "-")).build());
        }
    }

    private static void rulesAndEvents(StatusReport s, String id, List<ClusterEvent> events, List<Line> out) {
        var rules = Actions.rulesOf(s, id);
        if (!rules.isEmpty()) out.add(Line.of("rules: " + String.join("; ", rules) + "   (x clears them)", Tone.WARN));
        var mine = events.stream().filter(e -> e.subject().equals(id)).toList();
        if (!mine.isEmpty()) {
            out.add(Line.of("operations seen by this session:", Tone.TITLE));
            mine.subList(Math.max(0, mine.size() - 8), mine.size()).forEach(e -> out.add(StatusViews.event(e)));
        }
    }

    public static List<Line> node(StatusReport s, String name, List<ClusterEvent> events) {
        var out = new ArrayList<Line>();
        var node = s.nodes().stream().filter(n -> n.name().equals(name)).findFirst();
        if (node.isEmpty()) {
            out.add(Line.of("node " + name + " is not in the cluster file any more", Tone.WARN));
            return out;
        }
        var n = node.get();
        var r = s.resources();
        out.add(Line.builder().add("Node " + n.name(), Tone.TITLE).add(n.self() ? "  (the node this console asks)" : "", Tone.DIM)
                .add(r != null && n.name().equals(r.coordinator()) ? "  * coordinator" : "", Tone.TITLE).build());
        out.add(Line.builder().add("state: ").add(StatusViews.nodeState(n.state()), StatusViews.nodeTone(n.state()))
                .add("   incarnation " + n.incarnation())
                .add(n.self() ? "" : "   last heard " + (n.lastHeardMs() == null ? "never" : Text.age(Duration.ofMillis(n.lastHeardMs())) + " ago"))
                .build());
        if (r != null) {
            boolean standby = r.standby().contains(n.name());
            out.add(Line.builder().add("standby: ").add(standby ? "yes (runs no resources; o brings it online)" : "no",
                    standby ? Tone.WARN : Tone.NORMAL).build());
            if (r.lost().contains(n.name())) out.add(Line.of("[LOST] declared dead; it may still run resources", Tone.BAD));
            if (r.fenced().contains(n.name())) out.add(Line.of("[FENCED] since it was lost", Tone.BAD));
        }
        out.add(Line.empty());
        var t = s.timing();
        out.add(Line.of("links (warntime " + Text.age(Duration.ofMillis(t.warntimeMs())) + ", deadtime "
                + Text.age(Duration.ofMillis(t.deadtimeMs())) + ")", Tone.TITLE));
        if (n.self()) {
            out.add(Line.of("  this node: its links are seen from its peers' side", Tone.DIM));
        }
        for (var l : n.links()) {
            var b = Line.builder().cell("  " + l.index() + " " + l.link(), 22, Tone.NORMAL)
                    .cell(l.state().equals("up") ? "up" : "[DOWN]", 8, l.state().equals("up") ? Tone.GOOD : Tone.BAD);
            StatusViews.link(b, s, l);
            out.add(b.build());
        }
        if (r != null) {
            out.add(Line.empty());
            var running = r.resources().stream().filter(x -> x.runningOn().contains(n.name())).map(StatusReport.ResourceRow::id).toList();
            out.add(Line.of("runs: " + (running.isEmpty() ? "nothing" : String.join(", ", running))));
        }
        var mine = events.stream().filter(e -> e.subject().equals(n.name())).toList();
        if (!mine.isEmpty()) {
            out.add(Line.empty());
            out.add(Line.of("events seen by this session:", Tone.TITLE));
            mine.subList(Math.max(0, mine.size() - 8), mine.size()).forEach(e -> out.add(StatusViews.event(e)));
        }
        return out;
    }

    public static List<Line> audit(List<AuditLog.Entry> entries) {
        var out = new ArrayList<Line>();
        out.add(Line.builder().cell("time", 21, Tone.TITLE).cell("user", 14, Tone.TITLE).cell("role", 9, Tone.TITLE)
                .cell("action", 24, Tone.TITLE).add("outcome", Tone.TITLE).build());
        if (entries.isEmpty()) out.add(Line.of("nothing recorded yet", Tone.DIM));
        for (int i = entries.size() - 1; i >= 0; i--) { // newest first, as an operator reads a log on screen
            var e = entries.get(i);
            String time = e.time() == null ? "?" : e.time().length() > 19 ? e.time().substring(0, 19).replace('T', ' ') : e.time();
            boolean refused = e.outcome() != null && e.outcome().startsWith("refused");
            boolean failed = e.outcome() != null && (e.outcome().startsWith("failed") || e.outcome().startsWith("error"));
            out.add(Line.builder().cell(time, 21, Tone.DIM).cell(String.valueOf(e.user()), 14, Tone.NORMAL)
                    .cell(String.valueOf(e.role()), 9, Tone.NORMAL)
                    .cell(e.action() + (e.target() == null || e.target().isEmpty() ? "" : " " + e.target()), 24, Tone.NORMAL)
                    .add((refused ? "! " : "") + e.outcome(), refused || failed ? Tone.BAD : Tone.GOOD).build());
        }
        return out;
    }
}
