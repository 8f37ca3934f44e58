package dev.vigil.agent;

import dev.vigil.alerts.AlertEvent;
import dev.vigil.alerts.NotifyState;
import dev.vigil.config.AlertTopic;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.config.ResourceSpec;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.membership.MembershipEvent;
import dev.vigil.membership.MembershipView;
import dev.vigil.model.ResourceStatus;
import dev.vigil.resources.ResourceEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Which node tells operators what (docs/alerts.md, "Who sends what"), so that one failover gives
 * one mail, not one per node. Cluster-wide events are sent by the coordinator of the partition
 * that saw them — the first configured node among the members, the same rule that elects it —
 * and a node's own resource operations (and its floating IPs' notify scripts) by that node.
 * Pure apart from the sinks it is given, so who-sends-what is tested without an agent.
 */
final class AlertRouting {
    /** A notify script to run: the resource, its notify commands' owner, and the new state. */
    record Notify(ResourceSpec resource, NotifyState state) {}

    private static final int OCF_ERR_GENERIC = 1;
    private static final int OCF_RUNNING_PROMOTED = 8;

    private final String self;
    private final List<String> nodeOrder;
    private final Clock wallClock;
    private final Consumer<AlertEvent> alerts;
    private final Consumer<Notify> notifies;
    private volatile ResourcesConfig policy;
    /** Whether this node ever had a peer in its view; membership thread only. */
    private boolean hadPeers;
    /** The members of the view before the event; membership thread only. */
    private Set<String> members = Set.of();
    /** resource → the node it was last seen started on, anywhere in the cluster; coordination thread only. */
    private final Map<String, String> lastStartedOn = new HashMap<>();

    AlertRouting(String self, List<String> nodeOrder, ResourcesConfig policy, Clock wallClock,
                 Consumer<AlertEvent> alerts, Consumer<Notify> notifies) {
        this.self = self;
        this.nodeOrder = List.copyOf(nodeOrder);
        this.policy = policy;
        this.wallClock = wallClock;
        this.alerts = alerts;
        this.notifies = notifies;
    }

    void reconfigure(ResourcesConfig policy) {
        this.policy = policy;
    }

    /**
     * A membership event. The sender is the first configured node among the members other than
     * the one the event is about: for a death, the survivors' coordinator; for a join, the
     * coordinator the cluster had before it (each side, when two partitions merge). A node that
     * has had no peer since it started tells no joins: it is the one joining.
     */
    void onMembership(MembershipEvent e, MembershipView view) {
        AlertTopic topic = switch (e.kind()) {
            case JOINED, RESTARTED -> AlertTopic.NODE_JOINED;
            case LATE -> AlertTopic.NODE_LATE;
            case DEAD -> AlertTopic.NODE_DEAD;
            case LEFT -> AlertTopic.NODE_LEFT;
            case RECOVERED -> null;
        };
        boolean newcomer = !hadPeers;
        hadPeers |= view.members().size() > 1;
        boolean wasMember = members.contains(e.node());
        members = Set.copyOf(view.members().keySet());
        // A node that has just started finds the cluster; it was not joined by it.
        if (topic == AlertTopic.NODE_JOINED && newcomer) {
            return;
        }
        // Only a member can die or leave: a peer never heard within initdead is each starting
        // node's news, not the cluster's (every node would tell it).
        if ((topic == AlertTopic.NODE_DEAD || topic == AlertTopic.NODE_LEFT) && !wasMember) {
            return;
        }
        if (topic == null || e.node().equals(self) || !self.equals(firstMemberExcept(view, e.node()))) {
            return;
        }
        String what = switch (e.kind()) {
            case JOINED -> "joined the cluster";
            case RESTARTED -> "restarted and joined again (incarnation " + e.incarnation() + ")";
            case LATE -> "is late: no heartbeat for longer than warntime";
            case DEAD -> "is dead: no heartbeat for longer than deadtime";
            default -> "left the cluster";
        };
        alerts.accept(new AlertEvent(topic, wallClock.instant(), e.node(), null, null, 0,
                "node " + e.node() + " " + what, Map.of("view", Long.toString(view.number()),
                "members", String.join(",", view.members().keySet()))));
    }

    private String firstMemberExcept(MembershipView view, String node) {
        return nodeOrder.stream().filter(n -> !n.equals(node) && view.contains(n)).findFirst().orElse(null);
    }

    /** A new coordination snapshot; on the coordination thread. */
    void onCoordination(CoordinationStatus before, CoordinationStatus after) {
        var now = wallClock.instant();
        boolean coordinating = self.equals(after.coordinator());
        var out = new ArrayList<AlertEvent>();
        if (coordinating && !Objects.equals(before.coordinator(), after.coordinator())) {
            out.add(new AlertEvent(AlertTopic.COORDINATOR_CHANGED, now, self, null, null, 0,
                    "node " + self + " is the coordinator" + (before.coordinator() == null ? ""
                    : " (was " + before.coordinator() + ")"), Map.of()));
        }
        if (coordinating && before.quorum().quorate() != after.quorum().quorate()) {
            boolean quorate = after.quorum().quorate();
            out.add(new AlertEvent(quorate ? AlertTopic.QUORUM_REGAINED : AlertTopic.QUORUM_LOST, now, self, null,
                    null, 0, (quorate ? "quorum regained: " : "quorum lost: ") + after.quorum().reason(), Map.of()));
        }
        if (coordinating) {
            for (String node : new TreeSet<>(after.fenced())) {
                if (!before.fenced().contains(node)) {
                    out.add(new AlertEvent(AlertTopic.NODE_FENCED, now, node, null, "reboot", 0,
                            "node " + node + " fenced by " + self, Map.of()));
                }
            }
        }
        var drill = before.admin().drillLock();
        if (coordinating && drill.isPresent() && !after.admin().drillLock().map(l -> l.runId().equals(drill.get().runId()))
                .orElse(false)) {
            // The lock is let go when the run ends; its verdict is in the report the runner keeps in the cluster.
            var l = drill.get();
            out.add(new AlertEvent(AlertTopic.DRILL_FINISHED, now, l.runner(), null, null, 0,
                    "drill " + l.drill() + " finished (run " + l.runId() + " by " + l.runner() + ")",
                    Map.of("run_id", l.runId(), "drill", l.drill(), "runner", l.runner())));
        }
        ownResources(before, after, now, out);
        moves(after, coordinating, now, out);
        out.forEach(alerts);
    }

    /** This node's own operations: started, stopped, failed; and the notify scripts of its floating IPs. */
    private void ownResources(CoordinationStatus before, CoordinationStatus after, java.time.Instant now,
                              List<AlertEvent> out) {
        Map<String, ResourceEntry> old = before.resourcesByNode().getOrDefault(self, Map.of());
        after.resourcesByNode().getOrDefault(self, Map.of()).forEach((id, entry) -> {
            ResourceEntry was = old.get(id);
            // A probe (from unknown) reports what it found, not something that happened.
            if (was == null || was.status() == ResourceStatus.UNKNOWN) {
                return;
            }
            String op = entry.lastOperation();
            if (was.status() != entry.status()) {
                // A promotable clone's role changes as Pacemaker's alerts tell them: a resource
                // alert with the task promote or demote, in the order the operations ran (a
                // promoted instance is demoted before it stops; a start comes before its promote).
                if (was.status() == ResourceStatus.PROMOTED && entry.status() != ResourceStatus.FAILED_PROMOTED) {
                    out.add(resourceEvent(AlertTopic.RESOURCE_DEMOTED, now, id, "demote", 0, id + " demoted on " + self, op));
                }
                switch (entry.status()) {
                    case STARTED -> {
                        if (was.status() != ResourceStatus.PROMOTED) {
                            out.add(resourceEvent(AlertTopic.RESOURCE_STARTED, now, id, "start", 0,
                                    id + " started on " + self, op));
                            notify(id, NotifyState.MASTER);
                        }
                    }
                    case PROMOTED -> {
                        if (!was.status().isStarted()) {
                            out.add(resourceEvent(AlertTopic.RESOURCE_STARTED, now, id, "start", 0,
                                    id + " started on " + self, op));
                        }
                        out.add(resourceEvent(AlertTopic.RESOURCE_PROMOTED, now, id, "promote", 0,
                                id + " promoted on " + self, op));
                    }
                    case STOPPED -> {
                        out.add(resourceEvent(AlertTopic.RESOURCE_STOPPED, now, id, "stop", 0,
                                id + " stopped on " + self, op));
                        if (was.status().isStarted()) {
                            notify(id, NotifyState.BACKUP);
                        }
                    }
                    case FAILED, STOP_FAILED, FAILED_PROMOTED -> {
                        out.add(failure(now, id, was.status(), entry,
                                id + " failed on " + self + (op.isEmpty() ? "" : " (" + op + ")")));
                        notify(id, NotifyState.FAULT);
                    }
                    default -> { }
                }
            } else if (entry.failCount() > was.failCount()) {
                out.add(failure(now, id, was.status(), entry,
                        id + " failed on " + self + " (failure " + entry.failCount() + ": " + op + ")"));
                notify(id, NotifyState.FAULT);
            }
        });
    }

    private void notify(String id, NotifyState state) {
        policy.resource(id).filter(r -> r.notifyCommands().isPresent())
                .ifPresent(r -> notifies.accept(new Notify(r, state)));
    }

    /**
     * Moves, told by the coordinator: a resource (not a clone) now started on another node than
     * the one it was last started on. Every node keeps the last place, so a coordinator that takes
     * over from a dead one knows where the resources were.
     */
    private void moves(CoordinationStatus after, boolean coordinating, java.time.Instant now, List<AlertEvent> out) {
        var startedOn = new java.util.TreeMap<String, List<String>>();
        after.resourcesByNode().forEach((node, entries) -> entries.forEach((id, entry) -> {
            if (entry.status() == ResourceStatus.STARTED) {
                startedOn.computeIfAbsent(id, k -> new ArrayList<>()).add(node);
            }
        }));
        startedOn.forEach((id, nodes) -> {
            // Started on two nodes at once is an error the coordinator repairs, not a move.
            if (nodes.size() != 1 || policy.resource(id).map(ResourceSpec::cloned).orElse(true)) {
                return;
            }
            String node = nodes.get(0);
            String from = lastStartedOn.put(id, node);
            if (coordinating && from != null && !from.equals(node)) {
                out.add(new AlertEvent(AlertTopic.RESOURCE_MOVED, now, node, id, "move", 0,
                        id + " moved from " + from + " to " + node, Map.of("from", from, "to", node)));
            }
        });
    }

    private AlertEvent resourceEvent(AlertTopic topic, java.time.Instant now, String id, String task, int rc,
                                     String message, String op) {
        return new AlertEvent(topic, now, self, id, task, rc, message, op.isEmpty() ? Map.of() : Map.of("operation", op));
    }

    /**
     * A failed operation of this node's, with its OCF return code as the node's report carries it
     * (OCF_ERR_GENERIC, 1, from a report without one). A promoted instance's monitor should have
     * said OCF_RUNNING_PROMOTED: Pacemaker's {@code CRM_alert_target_rc} 8 tells why a 0 failed.
     */
    private AlertEvent failure(java.time.Instant now, String id, ResourceStatus was, ResourceEntry entry, String message) {
        String op = entry.lastOperation();
        String task = task(op, entry.status());
        var details = new java.util.TreeMap<String, String>();
        if (!op.isEmpty()) details.put("operation", op);
        if (was == ResourceStatus.PROMOTED && task.equals("monitor")) details.put("target_rc", Integer.toString(OCF_RUNNING_PROMOTED));
        int rc = entry.lastRc() == null ? OCF_ERR_GENERIC : entry.lastRc();
        return new AlertEvent(AlertTopic.RESOURCE_FAILED, now, self, id, task, rc, message, details);
    }

    /** The operation of "start: ERR_GENERIC (timeout)"; a failed status without one was a start, a stop or a monitor. */
    private static String task(String lastOperation, ResourceStatus status) {
        int colon = lastOperation.indexOf(':');
        if (colon > 0) {
            return lastOperation.substring(0, colon).trim();
        }
        return switch (status) {
            case STOP_FAILED -> "stop";
            case FAILED_PROMOTED -> "monitor"; // OCF_FAILED_PROMOTED is what a promoted instance's monitor says
            default -> "start";
        };
    }
}
