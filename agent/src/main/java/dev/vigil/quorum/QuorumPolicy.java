package dev.vigil.quorum;

import dev.vigil.config.ClusterConfig;

/**
 * Quorum is more than half of the configured votes. Exactly half (the two-node case) can never be a
 * majority, so it counts only with a tie-breaker the operator configured:
 * <ul>
 *   <li>fencing: both halves may claim it, and the fence decides: the takeover waits for the other
 *       node to be fenced, and a failed fence blocks it (corosync's two_node with fencing);</li>
 *   <li>ping targets: the half that reaches one wins (heartbeat's ipfail idea). When the heartbeat
 *       links fail but both halves still reach the ping target, both win: that is the limit of
 *       this tie-breaker, which is why fencing is the better one;</li>
 *   <li>{@code two_node_unsafe: true}: the operator accepted split brain.</li>
 * </ul>
 */
public final class QuorumPolicy {
    private final int totalVotes;
    private final boolean fencing;
    private final boolean pingConfigured;
    private final boolean twoNodeUnsafe;

    public QuorumPolicy(int totalVotes, boolean fencing, boolean pingConfigured, boolean twoNodeUnsafe) {
        this.totalVotes = totalVotes;
        this.fencing = fencing;
        this.pingConfigured = pingConfigured;
        this.twoNodeUnsafe = twoNodeUnsafe;
    }

    public static QuorumPolicy of(ClusterConfig config) {
        var r = config.resources();
        // The arbitrator's votes count in the total (ArbitratedQuorum adds them to a partition it grants).
        return new QuorumPolicy(config.votesWithArbitrator(), r.fencingConfigured(), !r.ping().isEmpty(),
                r.policy().twoNodeUnsafe());
    }

    /** @param pingOk this node reaches at least one ping target */
    public Quorum evaluate(int presentVotes, boolean pingOk) {
        String votes = presentVotes + " of " + totalVotes + " votes";
        if (2L * presentVotes > totalVotes) {
            return new Quorum(true, votes);
        }
        if (2L * presentVotes == totalVotes && presentVotes > 0) {
            if (fencing) {
                return new Quorum(true, votes + ", tie broken by fencing");
            }
            if (pingConfigured) {
                return pingOk
                        ? new Quorum(true, votes + ", tie broken by reaching a ping target")
                        : new Quorum(false, votes + " and no ping target reachable");
            }
            if (twoNodeUnsafe) {
                return new Quorum(true, votes + ", two_node_unsafe");
            }
        }
        return new Quorum(false, votes + ": no majority");
    }
}
