package dev.vigil.arbitrator;

import dev.vigil.arbitrator.ArbitrationRule.Claim;
import dev.vigil.arbitrator.ArbitrationRule.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arbitrator's state for one cluster: the connected nodes' claims, the permission each node
 * was given (a GRANT or WAIT lasts one lease from when the arbitrator answered, plus a margin for
 * clock rates: {@link #MARGIN_DIVISOR}), and the partition chosen last. Every question is decided
 * afresh by {@link ArbitrationRule#decide}. Thread-safe: one lock per cluster.
 */
final class ClusterArbitration {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterArbitration.class);
    /** A permission lasts lease + lease/10 here; the node believes it for at most one lease from before it asked. */
    static final int MARGIN_DIVISOR = 10;
    /**
     * Stands for every node that held a permission before this arbitrator (re)started: it keeps no
     * state, so for one lease and a tenth after its start it grants nobody (no node name has a '*').
     */
    static final String BEFORE_START = "*before-start*";

    private final String cluster;
    private final Map<String, Claim> claims = new LinkedHashMap<>();
    /** Which connection each claim came over: an old connection closing late must not drop a new one's claim. */
    private final Map<String, Object> owners = new HashMap<>();
    private final Map<String, Instant> permits = new HashMap<>();
    private Optional<Set<String>> chosen = Optional.empty();
    private final Map<String, Verdict> lastVerdicts = new HashMap<>();
    private final Instant startedAt;
    private boolean primed;

    ClusterArbitration(String cluster, Instant startedAt) {
        this.cluster = cluster;
        this.startedAt = startedAt;
    }

    synchronized ArbitrationRule.Decision ask(Claim claim, Object connection, Duration lease, Instant now) {
        claims.put(claim.node(), claim);
        owners.put(claim.node(), connection);
        if (!primed) {
            // The first question tells the lease; what was granted before the start ran at most that long.
            permits.put(BEFORE_START, startedAt.plus(lease).plus(lease.dividedBy(MARGIN_DIVISOR)));
            primed = true;
        }
        permits.values().removeIf(until -> !until.isAfter(now));
        var d = ArbitrationRule.decide(claims, permits, chosen, now);
        chosen = d.chosen();
        Verdict v = d.verdicts().get(claim.node());
        if (v != Verdict.REFUSE) {
            Instant until = now.plus(lease).plus(lease.dividedBy(MARGIN_DIVISOR));
            permits.merge(claim.node(), until, (a, b) -> a.isAfter(b) ? a : b);
        }
        if (lastVerdicts.put(claim.node(), v) != v) {
            LOG.info("cluster {}: node {} (members {}) gets {}: {}", cluster, claim.node(),
                    ArbitrationRule.sorted(claim.members(), claim.nodeOrder()), v, d.why());
        }
        return d;
    }

    /** The node's connection ended: its claim no longer counts; what it was given still runs out on its own. */
    synchronized void gone(String node, Object connection) {
        if (owners.get(node) != connection) return;
        owners.remove(node);
        claims.remove(node);
        lastVerdicts.remove(node);
        LOG.info("cluster {}: node {} disconnected", cluster, node);
    }

    synchronized Optional<Set<String>> chosen() {
        return chosen;
    }
}
