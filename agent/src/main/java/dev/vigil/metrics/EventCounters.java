package dev.vigil.metrics;

import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import dev.vigil.coordination.ClusterHistory;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.membership.MembershipEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The metrics that count what happened, fed by the agent's listeners as it happens: deaths and
 * late beats (membership), local operations and this node's fences (the cluster history's tap),
 * moves (coordination snapshots). Each is a counter increment, a striped-adder cost, on the
 * thread that reports it; nothing here blocks. Series for the peers and resources of the cluster
 * file start at 0, so {@code increase()} sees the first event.
 */
final class EventCounters implements ClusterHistory.Tap {

    /** Seconds: a fast IPaddr start (tens of ms) to an apache stop at its timeout (tens of s). */
    static final double[] OPERATION_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    static final List<String> OPERATIONS_AT_START = List.of("start", "stop");

    private final String self;
    private final Counter deaths;
    private final Counter late;
    private final Counter fences;
    private final Counter moves;
    private final Histogram operations;
    private final Counter operationFailures;
    private final Moves moveTracker = new Moves();

    EventCounters(PrometheusRegistry registry, String self, List<String> peers, List<String> resources) {
        this.self = self;
        deaths = Counter.builder().name("vigil_peer_deaths_total")
                .help("Times this agent declared the peer dead (silent for deadtime; a LEAVE is not a death)")
                .labelNames("peer").withoutExemplars().register(registry);
        late = Counter.builder().name("vigil_late_heartbeats_total")
                .help("Times the peer went silent for longer than warntime").labelNames("peer").withoutExemplars().register(registry);
        fences = Counter.builder().name("vigil_fences_total")
                .help("Fences this node ran (as coordinator), by target and result (success, failure)")
                .labelNames("target", "result").withoutExemplars().register(registry);
        moves = Counter.builder().name("vigil_resource_moves_total")
                .help("Times this agent saw a resource start on another node than the one it last ran on (failover, switchover, failback)")
                .labelNames("resource").withoutExemplars().register(registry);
        operations = Histogram.builder().name("vigil_resource_operation_duration_seconds")
                .help("Resource agent operations run on this node, by operation and resource")
                .labelNames("operation", "resource").classicOnly().classicUpperBounds(OPERATION_BUCKETS)
                .withoutExemplars().register(registry);
        operationFailures = Counter.builder().name("vigil_resource_operation_failures_total")
                .help("Operations on this node that failed, by operation and resource")
                .labelNames("operation", "resource").withoutExemplars().register(registry);
        for (var peer : peers) {
            deaths.labelValues(peer);
            late.labelValues(peer);
            fences.labelValues(peer, "success");
            fences.labelValues(peer, "failure");
        }
        for (var resource : resources) {
            moves.labelValues(resource);
            for (var op : OPERATIONS_AT_START) {
                operations.labelValues(op, resource);
                operationFailures.labelValues(op, resource);
            }
        }
    }

    void onMembership(MembershipEvent e) {
        switch (e.kind()) {
            case DEAD -> deaths.labelValues(e.node()).inc();
            case LATE -> late.labelValues(e.node()).inc();
            default -> { }
        }
    }

    void onCoordinationStatus(CoordinationStatus before, CoordinationStatus after) {
        for (var move : moveTracker.between(before, after)) {
            moves.labelValues(move.resource()).inc();
        }
    }

    /** Only this node's operations: a peer's come from its reports, without durations, and its own agent counts them. */
    @Override
    public void operation(OperationRecord r) {
        if (!self.equals(r.node())) return;
        if (r.durationMs() != null) {
            operations.labelValues(r.operation(), r.resource()).observe(r.durationMs() / 1000.0);
        }
        if (r.failed()) {
            operationFailures.labelValues(r.operation(), r.resource()).inc();
        }
    }

    @Override
    public void fence(FenceRecord r) {
        if (!self.equals(r.by())) return;
        fences.labelValues(r.target(), r.fenced() ? "success" : "failure").inc();
    }
}
