package dev.vigil.tui;

import dev.vigil.control.StatusReport;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Derives events from successive statuses (node died or joined, resource started, stopped or
 * failed, coordinator changed, ...) and keeps the latest {@code capacity} of them. A session
 * starts with the agent's own event log ({@link #seed}), so what happened before the login, or
 * before a reconnect, is there with the agent's times.
 */
public final class EventFeed {
    private final int capacity;
    private final Deque<ClusterEvent> events = new ArrayDeque<>();
    private StatusReport previous;

    public EventFeed(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
        this.capacity = capacity;
    }

    /** Takes the next status; returns the events it brought (none for the first one). */
    public List<ClusterEvent> accept(StatusReport status, Instant at) {
        var fresh = previous == null ? List.<ClusterEvent>of() : diff(previous, status, at);
        previous = status;
        for (var e : fresh) {
            events.addLast(e);
            if (events.size() > capacity) events.removeFirst();
        }
        return fresh;
    }

    /**
     * Puts the agent's recorded events before those this feed derived itself, once: the log of a
     * new session starts with what the cluster kept, not empty. Recorded events newer than the
     * first derived one are left out (the feed saw those itself); the capacity still holds.
     */
    public void seed(List<dev.vigil.control.HistoryReport.EventRecord> recorded) {
        if (seeded) return;
        seeded = true;
        Instant firstOwn = events.isEmpty() ? Instant.MAX : events.peekFirst().at();
        var merged = new ArrayDeque<ClusterEvent>();
        for (var r : recorded) {
            var at = Instant.ofEpochMilli(r.atMs());
            if (!at.isBefore(firstOwn)) continue;
            var kind = dev.vigil.status.HistoryLines.bad(r) ? ClusterEvent.Kind.RECORDED_BAD : ClusterEvent.Kind.RECORDED;
            merged.addLast(new ClusterEvent(at, kind, r.node() == null ? "" : r.node(), r.message()));
        }
        merged.addAll(events);
        while (merged.size() > capacity) merged.removeFirst();
        events.clear();
        events.addAll(merged);
    }

    private boolean seeded;

    /**
     * Fills a gap in what this feed saw (the console had no agent from {@code from} to {@code to})
     * with the agent's recorded events of that time, in time order: after a reconnect the log
     * shows the death and the fence with their own times, not only the differences between the
     * last status before and the first after, stamped with the reconnect time. Events already in
     * the feed (same time and text) are not added twice; the capacity still holds.
     */
    public void fill(List<dev.vigil.control.HistoryReport.EventRecord> recorded, Instant from, Instant to) {
        var all = new ArrayList<>(events);
        var present = new java.util.HashSet<String>();
        all.forEach(e -> present.add(e.at().toEpochMilli() + " " + e.text()));
        for (var r : recorded) {
            var at = Instant.ofEpochMilli(r.atMs());
            if (at.isBefore(from) || at.isAfter(to) || !present.add(r.atMs() + " " + r.message())) continue;
            var kind = dev.vigil.status.HistoryLines.bad(r) ? ClusterEvent.Kind.RECORDED_BAD : ClusterEvent.Kind.RECORDED;
            all.add(new ClusterEvent(at, kind, r.node() == null ? "" : r.node(), r.message()));
        }
        all.sort(java.util.Comparator.comparing(ClusterEvent::at)); // stable: the feed's own order kept
        while (all.size() > capacity) all.remove(0);
        events.clear();
        events.addAll(all);
    }

    /** Oldest first. */
    public List<ClusterEvent> events() {
        return List.copyOf(events);
    }

    /** What changed from {@code before} to {@code after}: pure, in a stable order (nodes, then cluster, then resources). */
    public static List<ClusterEvent> diff(StatusReport before, StatusReport after, Instant at) {
        var out = new ArrayList<ClusterEvent>();
        Map<String, StatusReport.NodeReport> was = before.nodes().stream()
                .collect(Collectors.toMap(StatusReport.NodeReport::name, Function.identity(), (a, b) -> a));
        for (var n : after.nodes()) {
            var old = was.get(n.name());
            String from = old == null ? "unknown" : old.state();
            String to = n.state();
            if (from.equals(to)) {
                if (old != null && !n.self() && n.incarnation() != old.incarnation() && "alive".equals(to)) {
                    out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_JOINED, n.name(),
                            "node " + n.name() + " restarted (incarnation " + n.incarnation() + ")"));
                }
                continue;
            }
            switch (to) {
                case "dead" -> out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_DIED, n.name(),
                        "node " + n.name() + " died: no heartbeat on any link"));
                case "late" -> out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_LATE, n.name(),
                        "node " + n.name() + " is late (past warntime)"));
                case "left" -> out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_LEFT, n.name(),
                        "node " + n.name() + " left the cluster"));
                case "alive" -> {
                    if (!from.equals("late")) {
                        out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_JOINED, n.name(), "node " + n.name() + " joined"));
                    }
                }
                default -> { }
            }
        }
        var rb = before.resources();
        var ra = after.resources();
        if (rb != null && ra != null) {
            if (!Objects.equals(rb.coordinator(), ra.coordinator())) {
                out.add(new ClusterEvent(at, ClusterEvent.Kind.COORDINATOR_CHANGED, String.valueOf(ra.coordinator()),
                        "coordinator " + rb.coordinator() + " -> " + ra.coordinator()));
            }
            if (rb.quorate() != ra.quorate()) {
                out.add(ra.quorate()
                        ? new ClusterEvent(at, ClusterEvent.Kind.QUORUM_GAINED, after.node(), "quorum regained (" + ra.quorum() + ")")
                        : new ClusterEvent(at, ClusterEvent.Kind.QUORUM_LOST, after.node(), "quorum lost (" + ra.quorum() + ")"));
            }
            if (rb.maintenance() != ra.maintenance()) {
                out.add(ra.maintenance()
                        ? new ClusterEvent(at, ClusterEvent.Kind.MAINTENANCE_ON, after.cluster(), "maintenance mode on: resources are left alone")
                        : new ClusterEvent(at, ClusterEvent.Kind.MAINTENANCE_OFF, after.cluster(), "maintenance mode off"));
            }
            for (String n : added(rb.standby(), ra.standby())) {
                out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_STANDBY, n, "node " + n + " in standby"));
            }
            for (String n : added(ra.standby(), rb.standby())) {
                out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_ONLINE, n, "node " + n + " online"));
            }
            for (String n : added(rb.fenced(), ra.fenced())) {
                out.add(new ClusterEvent(at, ClusterEvent.Kind.NODE_FENCED, n, "node " + n + " fenced"));
            }
            Map<String, StatusReport.ResourceRow> rows = rb.resources().stream()
                    .collect(Collectors.toMap(StatusReport.ResourceRow::id, Function.identity(), (a, b) -> a));
            for (var row : ra.resources()) {
                resourceEvents(rows.get(row.id()), row, at, out);
            }
        }
        return out;
    }

    private static void resourceEvents(StatusReport.ResourceRow old, StatusReport.ResourceRow row, Instant at,
                                       List<ClusterEvent> out) {
        List<String> wasOn = old == null ? List.of() : old.runningOn();
        Map<String, String> wasState = old == null ? Map.of() : old.states();
        Map<String, Integer> wasFailures = old == null ? Map.of() : old.failures();
        var failedOn = new LinkedHashSet<String>();
        var nodes = new LinkedHashSet<String>(row.states().keySet());
        nodes.addAll(row.failures().keySet());
        for (String node : nodes) {
            String st = row.states().getOrDefault(node, "unknown");
            boolean nowFailed = st.equals("failed") || st.equals("stop_failed");
            boolean newlyFailed = nowFailed && !st.equals(wasState.get(node));
            boolean moreFailures = row.failures().getOrDefault(node, 0) > wasFailures.getOrDefault(node, 0);
            if (newlyFailed || moreFailures) {
                failedOn.add(node);
                String last = row.lastOperations().get(node);
                String what = st.equals("stop_failed") ? " to stop (node unclean)" : "";
                out.add(new ClusterEvent(at, ClusterEvent.Kind.RESOURCE_FAILED, row.id(), row.id() + " failed" + what
                        + " on " + node + " (failures " + row.failures().getOrDefault(node, 0) + ")"
                        + (last == null ? "" : ": " + last)));
            }
        }
        for (String node : row.runningOn()) {
            if (!wasOn.contains(node)) {
                out.add(new ClusterEvent(at, ClusterEvent.Kind.RESOURCE_STARTED, row.id(), row.id() + " started on " + node));
            }
        }
        for (String node : wasOn) {
            if (!row.runningOn().contains(node) && !failedOn.contains(node)) {
                out.add(new ClusterEvent(at, ClusterEvent.Kind.RESOURCE_STOPPED, row.id(), row.id() + " stopped on " + node));
            }
        }
    }

    private static Set<String> added(List<String> before, List<String> after) {
        var s = new LinkedHashSet<>(after);
        s.removeAll(before);
        return s;
    }
}
