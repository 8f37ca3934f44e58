package dev.vigil.metrics;

import dev.vigil.control.StatusReport;
import dev.vigil.heartbeat.DropReason;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The metrics that are the agent's state at scrape time, read from one {@code vigil status}
 * snapshot per scrape: nothing is added to the heartbeat path, and every value agrees with what
 * {@code vigil status --json} says at the same moment. Names and labels: docs/metrics.md.
 */
final class StatusCollector implements AgentMetrics.Collector {

    /** A peer's states, as the detector names them; one series each, 1 for the current one. */
    static final List<String> PEER_STATES = List.of("unknown", "alive", "late", "dead", "left");
    /** A resource's states on a node, as {@code vigil status} names them. */
    static final List<String> RESOURCE_STATES = List.of("unknown", "stopped", "started", "failed", "stop_failed");
    /** Counted in bytes, not packets, so it gets a metric of its own (a metric has one unit). */
    static final String SERIAL_GARBAGE = "serial-garbage";

    private final Supplier<StatusReport> status;

    StatusCollector(Supplier<StatusReport> status) {
        this.status = status;
    }

    @Override
    public void collect(List<MetricFamily> out) {
        StatusReport s = status.get();
        out.add(gauge("vigil_agent_info", "The agent: its cluster, node and timing preset (always 1)")
                .add(1, "cluster", s.cluster(), "node", s.node(), "timing", s.timing().preset()).build());
        out.add(gauge("vigil_config_version", "The version of the cluster file this agent runs").add(s.configVersion()).build());
        out.add(gauge("vigil_membership_view", "The membership view number; it grows on every change").add(s.view()).build());
        out.add(gauge("vigil_members", "Nodes in this agent's membership view, itself included").add(s.members().size()).build());
        out.add(gauge("vigil_quorum_votes_present", "Votes of the nodes in the view").add(s.votes().present()).build());
        out.add(gauge("vigil_quorum_votes_configured", "Votes of every configured node").add(s.votes().total()).build());
        peers(s, out);
        var hb = s.heartbeat();
        out.add(counter("vigil_heartbeats_sent", "Heartbeat rounds sent since the agent started").add(hb.sent()).build());
        out.add(counter("vigil_heartbeat_slips", "Heartbeats that left more than half a keepalive late (a starved sender)")
                .add(hb.slips()).build());
        out.add(gauge("vigil_heartbeat_max_slip_seconds", "The worst heartbeat slip since the agent started")
                .add(hb.maxSlipMs() / 1000.0).build());
        out.add(counter("vigil_detector_stalls", "Times the failure detector woke more than half a keepalive late (the process stalled)")
                .add(hb.stalls()).build());
        drops(s.drops(), out);
        alerts(s.alerts(), out);
        if (s.resources() != null) {
            resources(s.node(), s.resources(), out);
        }
    }

    private static void peers(StatusReport s, List<MetricFamily> out) {
        var state = gauge("vigil_peer_state", "1 for each peer's current state (unknown, alive, late, dead, left), 0 for the others");
        var age = gauge("vigil_peer_heartbeat_age_seconds", "Since this agent last heard the peer on any link; absent if never");
        var linkUp = gauge("vigil_link_up", "1 while the peer's heartbeats arrive on the link, 0 when it is down");
        var linkAge = gauge("vigil_link_heartbeat_age_seconds", "Since this agent last heard the peer on the link; absent if never");
        for (var n : s.nodes()) {
            if (n.self()) continue;
            for (var st : PEER_STATES) {
                state.add(st.equals(n.state()) ? 1 : 0, "peer", n.name(), "state", st);
            }
            if (n.lastHeardMs() != null) {
                age.add(n.lastHeardMs() / 1000.0, "peer", n.name());
            }
            for (var l : n.links()) {
                linkUp.add("up".equals(l.state()) ? 1 : 0, "peer", n.name(), "link", l.link());
                if (l.lastHeardMs() != null) {
                    linkAge.add(l.lastHeardMs() / 1000.0, "peer", n.name(), "link", l.link());
                }
            }
        }
        out.add(state.build());
        out.add(age.build());
        out.add(linkUp.build());
        out.add(linkAge.build());
    }

    /**
     * Every heartbeat refusal reason is exported, at 0 until the first: an alert on
     * {@code increase(vigil_drops_total{reason="forged"}[5m])} then sees the first forged packet.
     * Other reasons (socket errors, serial, control channel) appear when they first happen.
     */
    private static void drops(Map<String, Long> counted, List<MetricFamily> out) {
        var drops = new java.util.TreeMap<String, Long>();
        for (var reason : DropReason.values()) drops.put(reason.key(), 0L);
        drops.putAll(counted);
        var byReason = counter("vigil_drops", "Packets, frames and connections refused, by reason (docs/architecture.md, \"Heartbeats\")");
        long garbage = 0;
        for (var e : drops.entrySet()) {
            if (e.getKey().equals(SERIAL_GARBAGE)) {
                garbage = e.getValue();
            } else {
                byReason.add(e.getValue(), "reason", e.getKey());
            }
        }
        out.add(byReason.build());
        out.add(counter("vigil_serial_garbage_bytes", "Bytes skipped on serial lines while looking for a frame").add(garbage).build());
    }

    /**
     * The alert deliveries of this node by result (sent, failed, timed_out, dropped, rate_limited;
     * docs/alerts.md): every result at 0 from the start, so a rule on the first failure fires.
     */
    private static void alerts(Map<String, Long> counted, List<MetricFamily> out) {
        var byResult = new java.util.TreeMap<String, Long>();
        for (var c : dev.vigil.alerts.Alerts.Counter.values()) byResult.put(c.key(), 0L);
        byResult.putAll(counted);
        var family = counter("vigil_alerts", "Alert deliveries of this node by result (docs/alerts.md)");
        byResult.forEach((result, n) -> family.add(n, "result", result));
        out.add(family.build());
    }

    private static void resources(String self, StatusReport.ResourcesReport r, List<MetricFamily> out) {
        out.add(gauge("vigil_quorate", "1 while this node's partition has quorum and may run resources").add(r.quorate() ? 1 : 0).build());
        var coordinator = gauge("vigil_coordinator", "1, labelled with the node that decides for this node's partition");
        if (r.coordinator() != null) {
            coordinator.add(1, "coordinator", r.coordinator());
        }
        out.add(coordinator.build());
        out.add(gauge("vigil_is_coordinator", "1 when this node is its partition's coordinator")
                .add(self.equals(r.coordinator()) ? 1 : 0).build());
        out.add(gauge("vigil_nodes_lost", "Nodes declared dead that may still run something (not fenced, not back)")
                .add(r.lost().size()).build());
        out.add(gauge("vigil_maintenance", "1 in maintenance mode (the cluster leaves resources alone)")
                .add(r.maintenance() ? 1 : 0).build());
        var state = gauge("vigil_resource_state", "1 for each resource's current state on each node that reported it, 0 for the others");
        var failures = gauge("vigil_resource_fail_count", "A resource's failure count on a node (cleared by vigil resource cleanup)");
        var running = gauge("vigil_resource_running_nodes", "Nodes a resource is started on");
        var promoted = gauge("vigil_resource_promoted",
                "1 where a promotable clone's instance is promoted, 0 on the other nodes that reported it");
        for (var row : r.resources()) {
            running.add(row.runningOn().size(), "resource", row.id());
            row.states().forEach((node, st) -> {
                String plain = plainState(st);
                for (var each : RESOURCE_STATES) {
                    state.add(each.equals(plain) ? 1 : 0, "resource", row.id(), "node", node, "state", each);
                }
                failures.add(row.failures().getOrDefault(node, 0), "resource", row.id(), "node", node);
                if (row.roles() != null) {
                    promoted.add(st.equals("promoted") ? 1 : 0, "resource", row.id(), "node", node);
                }
            });
        }
        out.add(state.build());
        out.add(failures.build());
        out.add(running.build());
        out.add(promoted.build());
    }

    /**
     * A promoted instance is started and a failed promoted one failed (ResourceStatus says so), so
     * {@code vigil_resource_state} keeps its five states and a rule on {@code started} sees every
     * running instance; the role is {@code vigil_resource_promoted}.
     */
    static String plainState(String state) {
        return switch (state) {
            case "promoted" -> "started";
            case "failed_promoted" -> "failed";
            default -> state;
        };
    }

    private static MetricFamily.Builder gauge(String name, String help) {
        return MetricFamily.gauge(name, help);
    }

    /** {@code name} without the {@code _total} the exposition adds. */
    private static MetricFamily.Builder counter(String name, String help) {
        return MetricFamily.counter(name, help);
    }
}
