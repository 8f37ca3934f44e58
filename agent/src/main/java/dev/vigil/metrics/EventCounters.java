package dev.vigil.metrics;

import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import dev.vigil.coordination.ClusterHistory;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.membership.MembershipEvent;
import java.util.List;

/**
 * The metrics that count what happened, fed by the agent's listeners as it happens: deaths and
 * late beats (membership), local operations and this node's fences (the cluster history's tap),
 * moves (coordination snapshots). Each is a counter increment, a {@code LongAdder} cost, on the
 * thread that reports it; nothing here blocks. Series for the peers and resources of the cluster
 * file start at 0, so {@code increase()} sees the first event.
 */
final class EventCounters implements ClusterHistory.Tap, AgentMetrics.Collector {

    /** Seconds: a fast IPaddr start (tens of ms) to an apache stop at its timeout (tens of s). */
    static final double[] OPERATION_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    static final List<String> OPERATIONS_AT_START = List.of("start", "stop");

    private final String self;
    private final LiveCounter deaths = new LiveCounter("vigil_peer_deaths",
            "Times this agent declared the peer dead (silent for deadtime; a LEAVE is not a death)", "peer");
    private final LiveCounter late = new LiveCounter("vigil_late_heartbeats",
            "Times the peer went silent for longer than warntime", "peer");
    private final LiveCounter fences = new LiveCounter("vigil_fences",
            "Fences this node ran (as coordinator), by target and result (success, failure)", "target", "result");
    private final LiveCounter moves = new LiveCounter("vigil_resource_moves",
            "Times this agent saw a resource start on another node than the one it last ran on (failover, switchover, failback)",
            "resource");
    private final LiveHistogram operations = new LiveHistogram("vigil_resource_operation_duration_seconds",
            "Resource agent operations run on this node, by operation and resource", OPERATION_BUCKETS, "operation", "resource");
    private final LiveCounter operationFailures = new LiveCounter("vigil_resource_operation_failures",
            "Operations on this node that failed, by operation and resource", "operation", "resource");
    private final LiveCounter promotions = new LiveCounter("vigil_resource_promotions",
            "Times this agent saw a promotable clone's instance promoted on the node (a first promotion, a failover or "
                    + "a switchover of the promoted role)", "resource", "node");
    private final Moves moveTracker = new Moves();

    /** @param promotable the promotable clones among {@code resources}: one promotions series per node each */
    EventCounters(String self, List<String> peers, List<String> resources, List<String> promotable) {
        this.self = self;
        for (var peer : peers) {
            deaths.touch(peer);
            late.touch(peer);
            fences.touch(peer, "success").touch(peer, "failure");
        }
        for (var resource : resources) {
            moves.touch(resource);
            for (var op : OPERATIONS_AT_START) {
                operations.touch(op, resource);
                operationFailures.touch(op, resource);
            }
        }
        for (var clone : promotable) {
            promotions.touch(clone, self);
            peers.forEach(peer -> promotions.touch(clone, peer));
        }
    }

    @Override
    public void collect(List<MetricFamily> out) {
        out.add(deaths.collect());
        out.add(late.collect());
        out.add(fences.collect());
        out.add(moves.collect());
        out.add(promotions.collect());
        out.add(operations.collect());
        out.add(operationFailures.collect());
    }

    void onMembership(MembershipEvent e) {
        switch (e.kind()) {
            case DEAD -> deaths.inc(e.node());
            case LATE -> late.inc(e.node());
            default -> { }
        }
    }

    void onCoordinationStatus(CoordinationStatus before, CoordinationStatus after) {
        for (var move : moveTracker.between(before, after)) {
            moves.inc(move.resource());
        }
        for (var p : Moves.promotions(before, after)) {
            promotions.inc(p.resource(), p.node());
        }
    }

    /** Only this node's operations: a peer's come from its reports, without durations, and its own agent counts them. */
    @Override
    public void operation(OperationRecord r) {
        if (!self.equals(r.node())) return;
        if (r.durationMs() != null) {
            operations.observe(r.durationMs() / 1000.0, r.operation(), r.resource());
        }
        if (r.failed()) {
            operationFailures.inc(r.operation(), r.resource());
        }
    }

    @Override
    public void fence(FenceRecord r) {
        if (!self.equals(r.by())) return;
        fences.inc(r.target(), r.fenced() ? "success" : "failure");
    }
}
