package dev.vigil.quorum;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Quorum with a quorum arbitrator's vote (docs/arbitrator.md, "The guarantee"). A partition with a
 * majority of the nodes' votes never needs the arbitrator, so losing it costs a healthy cluster
 * nothing. A partition without one is quorate while the arbitrator grants it its vote; while the
 * arbitrator decides it holds still (starts and stops nothing); refused or unreachable, it has no
 * quorum and, with {@code no_quorum: stop} (required without fencing), stops its resources.
 *
 * <p>The winner of a split without fencing must not start what the other side ran before that
 * side has stopped it. The other side stops at the latest when the arbitrator's permission it
 * held runs out — and the arbitrator grants the winner only after that — or when it notices the
 * split, at most deadtime after the winner did. So the winner holds until
 * {@code max(grant, lastLoss + deadtime) + stopAllowance}, where the allowance is the longest the
 * other side can take to stop everything: {@link #stopAllowance}.
 */
public final class ArbitratedQuorum {
    /** The coordination loop's tick, which a lapse can wait for before it is acted on, twice (both sides). */
    static final Duration TICKS = Duration.ofSeconds(2);

    private final QuorumPolicy policy;
    private final boolean configured;
    private final int totalVotes;
    private final int arbitratorVotes;
    private final boolean fencing;
    private final Duration deadtime;
    private final Duration stopAllowance;
    private final String algorithm;

    public ArbitratedQuorum(QuorumPolicy policy, boolean configured, int totalVotes, int arbitratorVotes,
                            boolean fencing, Duration deadtime, Duration stopAllowance, String algorithm) {
        this.policy = policy;
        this.configured = configured;
        this.totalVotes = totalVotes;
        this.arbitratorVotes = arbitratorVotes;
        this.fencing = fencing;
        this.deadtime = deadtime;
        this.stopAllowance = stopAllowance;
        this.algorithm = algorithm;
    }

    public static ArbitratedQuorum of(ClusterConfig config) {
        var a = config.arbitrator();
        return new ArbitratedQuorum(QuorumPolicy.of(config), a.isPresent(), config.votesWithArbitrator(),
                a.map(x -> x.votes(config.totalVotes())).orElse(0), config.resources().fencingConfigured(),
                config.timing().deadtime(), stopAllowance(config.resources()),
                a.map(x -> x.algorithm().word()).orElse(""));
    }

    /**
     * The longest the losing side can take to stop everything it runs: every non-clone resource's
     * stop_timeout in a row (members of a group stop one after another), after the longest start
     * that may be in flight (a stop waits for it), plus two coordination ticks.
     */
    public static Duration stopAllowance(ResourcesConfig r) {
        Duration stops = Duration.ZERO;
        Duration longestStart = Duration.ZERO;
        for (ResourceSpec s : r.resources()) {
            if (s.cloned()) continue;
            stops = stops.plus(s.stopTimeout());
            if (s.startTimeout().compareTo(longestStart) > 0) longestStart = s.startTimeout();
        }
        return stops.plus(longestStart).plus(TICKS);
    }

    public Duration stopAllowance() {
        return stopAllowance;
    }

    /**
     * Whether this partition's quorum is one no other partition can hold at the same time — what
     * the watchdog rule needs before it takes a lost node as reset (docs/fencing.md): a majority of
     * the nodes' votes, or a majority with the arbitrator's vote, which it grants one partition
     * only. A tie broken by fencing, a ping target or {@code two_node_unsafe} is not exclusive.
     */
    public boolean exclusive(int presentVotes, int nodeVotes, Set<String> members, ArbitratorVote vote, Instant now) {
        if (2L * presentVotes > nodeVotes) return true;
        return configured && vote.grants(members, now) && 2L * (presentVotes + arbitratorVotes) > totalVotes;
    }

    /**
     * @param members  this node's current membership view
     * @param lastLoss when this node's view last lost a node (dead or left), or null if never
     */
    public Quorum evaluate(int presentVotes, boolean pingOk, Set<String> members, ArbitratorVote vote,
                           Instant lastLoss, Instant now) {
        var base = policy.evaluate(presentVotes, pingOk);
        if (!configured || base.quorate()) return base;
        String votes = presentVotes + " of " + totalVotes + " votes";
        if (vote.grants(members, now)) {
            int with = presentVotes + arbitratorVotes;
            if (2L * with <= totalVotes) return new Quorum(false, votes + " with the arbitrator's " + arbitratorVotes
                    + ": no majority");
            String reason = votes + " + the arbitrator's " + arbitratorVotes + " (" + algorithm + ")";
            if (!fencing) {
                Instant from = lastLoss == null || vote.since().isAfter(lastLoss.plus(deadtime))
                        ? vote.since() : lastLoss.plus(deadtime);
                Instant until = from.plus(stopAllowance);
                if (now.isBefore(until)) {
                    return new Quorum(true, reason, "the other side to stop its resources (no fencing): "
                            + Duration.between(now, until).toMillis() + " ms left");
                }
            }
            return new Quorum(true, reason);
        }
        if (vote.waits(members, now)) {
            return new Quorum(false, votes + "; the arbitrator is deciding", "the arbitrator's decision: " + vote.detail());
        }
        // The membership changed under a vote that still runs: hold still until the arbitrator
        // answers for the new one, so the side that will win does not stop its own resources in
        // between. Safe: the arbitrator grants nobody else before this node's permission has run out.
        if ((vote.verdict() == ArbitratorVote.Verdict.GRANTED || vote.verdict() == ArbitratorVote.Verdict.WAITING)
                && !vote.partition().equals(members) && now.isBefore(vote.validUntil())) {
            return new Quorum(false, votes + "; asking the arbitrator for the new membership",
                    "the arbitrator's answer for the new membership (the vote held before counts for "
                            + Duration.between(now, vote.validUntil()).toMillis() + " ms more)");
        }
        String why = switch (vote.verdict()) {
            case REFUSED -> "the arbitrator gave its vote to another partition";
            case GRANTED, WAITING -> vote.partition().equals(members) ? "the arbitrator's vote ran out"
                    : "the arbitrator's vote was for another membership";
            case NONE -> "no answer from the arbitrator";
        };
        return new Quorum(false, votes + ": no majority, " + why + (vote.connected() ? "" : " (not connected)"));
    }
}
