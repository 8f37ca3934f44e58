package dev.vigil.tui;

import dev.vigil.control.StatusReport;
import dev.vigil.status.StatusSummary;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The view models of the console: status in, lines out. Pure, so what an operator sees is
 * unit-tested without a terminal. Every state carries a text marker ([DEAD], ! LATE, * coordinator)
 * besides its tone, so a monochrome terminal loses nothing. What a resource's state is, and how
 * failures and operator rules read, is decided by {@link StatusSummary}, shared with
 * {@code vigil status}; this class adds the tones and markers.
 */
public final class StatusViews {
    private StatusViews() {}

    static final int BAR = 5;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    // ---- header -----------------------------------------------------------------------------

    public static Line header(StatusReport s, String problem) {
        var b = Line.builder().add("Vigil ", Tone.TITLE);
        if (s == null) {
            return b.add(problem == null ? "waiting for the agent..." : "[NO AGENT] " + problem, problem == null ? Tone.DIM : Tone.BAD).build();
        }
        b.add("cluster " + s.cluster(), Tone.TITLE).add("  seen from " + s.node());
        var r = s.resources();
        if (r != null) {
            b.add("  quorum ").add(r.quorate() ? "yes" : "[NO QUORUM]", r.quorate() ? Tone.GOOD : Tone.BAD)
                    .add(" (" + s.votes().present() + "/" + s.votes().total() + ")")
                    .add("  coordinator ").add("* " + (r.coordinator() == null ? "none" : r.coordinator()), Tone.TITLE);
            if (r.maintenance()) b.add("  [MAINTENANCE]", Tone.WARN);
        } else {
            b.add("  votes " + s.votes().present() + "/" + s.votes().total());
        }
        if (problem != null) b.add("  [STALE: " + problem + "]", Tone.BAD);
        return b.build();
    }

    /** HH:mm:ss UTC, as the event list stamps events. */
    static String clock(java.time.Instant at) {
        return CLOCK.format(at);
    }

    /**
     * The header while the console has no agent: first, before anything else could be cut off
     * at 80 columns, that nothing shown is current and since when.
     */
    public static Line lostHeader(dev.vigil.tui.ConsoleBackend.Outage o, boolean showingOld) {
        var b = Line.builder().add("Vigil ", Tone.TITLE).add("[NO AGENT since " + clock(o.since()) + "]", Tone.BAD);
        if (showingOld && o.lastGood() != null) {
            b.add("  NOT CURRENT: last good status " + clock(o.lastGood()), Tone.BAD);
        }
        return b.build();
    }

    /**
     * The body while the console has no agent: a banner (what was lost, why, what the console is
     * trying) over the old body, every span greyed so nothing old reads as current.
     */
    public static List<Line> stale(dev.vigil.tui.ConsoleBackend.Outage o, List<Line> body, int width, int rows) {
        var out = new ArrayList<Line>();
        String lost = o.agent() == null ? "no agent answers (since " + clock(o.since()) + ")"
                : "lost the agent at " + o.agent() + " at " + clock(o.since());
        for (String l : Text.wrap("!! " + lost + ": " + o.why() + "; " + o.trying() + ". Below: the cluster as it was at "
                + (o.lastGood() == null ? "?" : clock(o.lastGood())) + ", NOT as it is now.", Math.max(20, width - 2))) {
            out.add(Line.of(l, Tone.BAD));
        }
        for (var line : body) {
            if (out.size() >= rows) break;
            var grey = line.spans().stream().map(sp -> new Line.Span(sp.text(), Tone.DIM)).toList();
            out.add(new Line(grey, line.target()));
        }
        return out;
    }

    // ---- nodes ------------------------------------------------------------------------------

    public static List<Line> nodes(StatusReport s, int width) {
        var out = new ArrayList<Line>();
        out.add(Line.of(Text.fit("NODES", 14) + Text.fit("state", 10)
                + "links: age of the last heartbeat (bar full = deadtime " + Text.age(Duration.ofMillis(s.timing().deadtimeMs())) + ")",
                Tone.TITLE));
        for (var n : s.nodes()) {
            out.add(nodeRow(s, n));
        }
        return out;
    }

    static Line nodeRow(StatusReport s, StatusReport.NodeReport n) {
        var r = s.resources();
        boolean coordinator = r != null && n.name().equals(r.coordinator());
        var b = Line.builder().target(new Target.Node(n.name()));
        b.cell(n.name() + (coordinator ? " *" : ""), 14, coordinator ? Tone.TITLE : Tone.NORMAL);
        b.cell(nodeState(n.state()), 10, nodeTone(n.state()));
        if (r != null) {
            if (r.standby().contains(n.name())) b.add("standby ", Tone.WARN);
            if (r.lost().contains(n.name())) b.add("[LOST] ", Tone.BAD);
            if (r.fenced().contains(n.name())) b.add("[FENCED] ", Tone.BAD);
        }
        if (n.self()) {
            b.add("(this node)", Tone.DIM);
        } else {
            for (var l : n.links()) {
                b.add(Text.cut(l.link(), 8) + " ");
                link(b, s, l);
                b.add("  ");
            }
        }
        return b.build();
    }

    /** {@code [##...] 120ms}: the bar fills as the age approaches deadtime; ! past warntime. */
    static void link(Line.Builder b, StatusReport s, StatusReport.LinkReport l) {
        if (l.lastHeardMs() == null) {
            b.add("[" + " ".repeat(BAR) + "] never", Tone.DIM);
            return;
        }
        long age = l.lastHeardMs();
        long dead = Math.max(1, s.timing().deadtimeMs());
        int filled = (int) Math.min(BAR, Math.max(1, (age * BAR + dead - 1) / dead));
        boolean down = "down".equals(l.state());
        boolean late = age > s.timing().warntimeMs();
        String bar = "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] ";
        Tone tone = down ? Tone.BAD : late ? Tone.WARN : Tone.GOOD;
        b.add(bar, tone).add(Text.age(Duration.ofMillis(age)) + (down ? " DOWN" : late ? " !" : ""), tone);
    }

    static String nodeState(String state) {
        return switch (state) {
            case "alive" -> "ALIVE";
            case "late" -> "! LATE";
            case "dead" -> "[DEAD]";
            case "left" -> "left";
            default -> "? " + state;
        };
    }

    static Tone nodeTone(String state) {
        return switch (state) {
            case "alive" -> Tone.GOOD;
            case "late" -> Tone.WARN;
            case "dead" -> Tone.BAD;
            default -> Tone.DIM;
        };
    }

    // ---- resources --------------------------------------------------------------------------

    public static List<Line> resources(StatusReport s) {
        var out = new ArrayList<Line>();
        var r = s.resources();
        if (r == null) {
            out.add(Line.of("RESOURCES  none configured in the cluster file", Tone.DIM));
            return out;
        }
        out.add(Line.builder().cell("RESOURCES", 30, Tone.TITLE).add("state", Tone.TITLE)
                .add(r.maintenance() ? "   [MAINTENANCE: left alone]" : "", Tone.WARN).build());
        for (var row : StatusSummary.multipleActive(r)) {
            out.add(Line.of("!! " + StatusSummary.multipleActiveWarning(row), Tone.BAD));
        }
        var groups = Actions.groups(s);
        String group = null;
        for (var row : r.resources()) {
            if (row.group() != null && !row.group().equals(group)) {
                var members = groups.get(row.group());
                var b = Line.builder().target(new Target.Group(row.group(), members));
                b.cell("group " + row.group(), 30, Tone.TITLE);
                groupState(b, s, row.group());
                out.add(b.build());
            }
            group = row.group();
            var b = Line.builder().target(new Target.Resource(row.id(), row.group()));
            b.cell((row.group() != null ? "  " : "") + row.id() + (row.cloned() ? " (clone)" : ""), 14, Tone.NORMAL);
            b.cell(shortAgent(row.agent()), 16, Tone.DIM);
            resourceState(b, row);
            out.add(b.build());
        }
        if (!r.constraints().isEmpty()) out.add(Line.of("rules: " + StatusSummary.operatorRules(r), Tone.WARN));
        if (!r.waitingFor().isEmpty()) out.add(Line.of("coordinator waiting for: " + r.waitingFor(), Tone.WARN));
        if (!r.pending().isEmpty()) out.add(Line.of("pending: " + StatusSummary.pending(r), Tone.WARN));
        for (var n : r.notes()) out.add(Line.of("! " + n, Tone.WARN));
        return out;
    }

    static void groupState(Line.Builder b, StatusReport s, String group) {
        var rows = s.resources().resources().stream().filter(x -> group.equals(x.group())).toList();
        var where = new java.util.LinkedHashSet<String>();
        rows.forEach(x -> where.addAll(x.runningOn()));
        long running = rows.stream().filter(x -> !x.runningOn().isEmpty()).count();
        boolean failed = rows.stream().anyMatch(StatusSummary::failedAnywhere);
        if (running == rows.size() && where.size() == 1) {
            b.add("Started " + where.iterator().next(), Tone.GOOD);
        } else if (running == 0) {
            b.add("Stopped", failed ? Tone.BAD : Tone.DIM);
        } else {
            b.add("! Partly started (" + running + "/" + rows.size() + ") on " + String.join(", ", where), Tone.WARN);
        }
        if (failed) b.add("  ! FAILED", Tone.BAD);
        rows.stream().map(StatusSummary::resourceState).filter(StatusSummary.ResourceState::inTransition).findFirst()
                .ifPresent(t -> b.add("  ~ " + t.words(), Tone.WARN));
    }

    static void resourceState(Line.Builder b, StatusReport.ResourceRow row) {
        var state = StatusSummary.resourceState(row);
        if (state.stopFailed()) {
            b.add("[STOP FAILED] node unclean ", Tone.BAD);
        }
        if (state.multipleActive()) {
            b.add("[MULTIPLE ACTIVE] ", Tone.BAD);
        }
        if (state.inTransition()) {
            b.add("~ " + state.words(), Tone.WARN);
        } else switch (state.run()) {
            case STARTED -> b.add(state.words(), Tone.GOOD);
            case FAILED -> b.add("! " + state.words(), Tone.BAD);
            case STOPPED -> b.add(state.words(), Tone.DIM);
        }
        if (!row.failures().isEmpty()) {
            var sb = new StringBuilder("  ! failures");
            StatusSummary.failureCounts(row).forEach(f -> sb.append(' ').append(f));
            b.add(sb.toString(), Tone.WARN);
        }
    }

    static String shortAgent(String agent) {
        return agent == null ? "" : agent.startsWith("ocf:vigil:") ? agent.substring("ocf:vigil:".length()) : agent;
    }

    // ---- events -----------------------------------------------------------------------------

    public static Line event(ClusterEvent e) {
        return Line.builder().add(CLOCK.format(e.at()) + " ", Tone.DIM)
                .add(e.kind().marker + " " + e.text(), e.kind().tone).build();
    }

    /** Matches the kind, subject or text, case-insensitively; an empty filter matches all. */
    public static boolean matches(ClusterEvent e, String filter) {
        if (filter == null || filter.isBlank()) return true;
        String f = filter.trim().toLowerCase(Locale.ROOT);
        return e.text().toLowerCase(Locale.ROOT).contains(f) || e.subject().toLowerCase(Locale.ROOT).contains(f)
                || e.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ').contains(f);
    }

    // ---- dashboard --------------------------------------------------------------------------

    /**
     * Nodes, resources and as many of the latest events as fit below them (at least three).
     * Returned whole; {@link Selection} windows it around the selected row.
     */
    public static Dashboard dashboard(StatusReport s, List<ClusterEvent> events, int width, int height) {
        var top = new ArrayList<Line>();
        top.addAll(nodes(s, width));
        top.add(Line.empty());
        top.addAll(resources(s));
        int eventRows = Math.max(4, Math.min(height - top.size() - 1, 1 + Math.max(1, events.size())));
        var bottom = new ArrayList<Line>();
        bottom.add(Line.of("LATEST EVENTS" + (events.isEmpty() ? "  none yet in this session" : "  (e: all, with a filter)"), Tone.TITLE));
        for (int i = Math.max(0, events.size() - (eventRows - 1)); i < events.size(); i++) {
            bottom.add(event(events.get(i)));
        }
        return new Dashboard(top, bottom);
    }

    /** The dashboard's scrollable part and the events pinned below it. */
    public record Dashboard(List<Line> top, List<Line> events) {}
}
