package dev.vigil.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Quorum with the arbitrator's vote: two nodes + the arbitrator = 3 votes (docs/arbitrator.md). */
class ArbitratedQuorumTest {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private static final Duration DEADTIME = Duration.ofSeconds(1);
    private static final Duration ALLOWANCE = Duration.ofSeconds(5);
    private static final Set<String> BOTH = Set.of("ha1", "ha2");
    private static final Set<String> HA1 = Set.of("ha1");

    private static ArbitratedQuorum twoNodes(boolean fencing) {
        return new ArbitratedQuorum(new QuorumPolicy(3, fencing, false, false), true, 3, 1, fencing, DEADTIME, ALLOWANCE,
                "ffsplit");
    }

    private static ArbitratorVote vote(ArbitratorVote.Verdict v, Set<String> partition, Instant until, Instant since,
                                       boolean connected) {
        return new ArbitratorVote(true, connected, v, partition, until, since, "ffsplit", "test");
    }

    @Test
    void losingTheArbitratorAloneNeverCostsAHealthyClusterItsQuorum() {
        var q = twoNodes(false);
        var unreachable = vote(ArbitratorVote.Verdict.NONE, Set.of(), Instant.EPOCH, Instant.EPOCH, false);
        var expired = vote(ArbitratorVote.Verdict.GRANTED, BOTH, T0, T0.minusSeconds(60), false);
        for (var v : new ArbitratorVote[] {unreachable, expired}) {
            var r = q.evaluate(2, true, BOTH, v, null, T0.plusSeconds(10));
            assertThat(r.quorate()).isTrue();
            assertThat(r.hold()).isEmpty();
            assertThat(r.reason()).isEqualTo("2 of 3 votes");
        }
    }

    @Test
    void aLoneNodeIsQuorateOnlyWithAGrantForItsOwnMembership() {
        var q = twoNodes(false);
        var granted = vote(ArbitratorVote.Verdict.GRANTED, HA1, T0.plusSeconds(2), T0.minusSeconds(60), true);
        assertThat(q.evaluate(1, true, HA1, granted, null, T0).quorate()).isTrue();
        assertThat(q.evaluate(1, true, HA1, granted, null, T0).reason()).isEqualTo("1 of 3 votes + the arbitrator's 1 (ffsplit)");
        // The grant was for {ha1, ha2}: it gives {ha1} no quorum, only a hold until the arbitrator
        // answers for {ha1} (so ha1 does not stop what it runs meanwhile) or the old vote runs out.
        var forBoth = vote(ArbitratorVote.Verdict.GRANTED, BOTH, T0.plusSeconds(2), T0.minusSeconds(60), false);
        var asking = q.evaluate(1, true, HA1, forBoth, null, T0);
        assertThat(asking.quorate()).isFalse();
        assertThat(asking.hold()).isEqualTo("the arbitrator's answer for the new membership (the vote held before "
                + "counts for 2000 ms more)");
        var ranOut = q.evaluate(1, true, HA1, forBoth, null, T0.plusSeconds(2));
        assertThat(ranOut.hold()).isEmpty();
        assertThat(ranOut.reason()).isEqualTo("1 of 3 votes: no majority, the arbitrator's vote was for another "
                + "membership (not connected)");
        // Run out: no quorum, no hold, so no_quorum: stop stops everything.
        var out = q.evaluate(1, true, HA1, granted, null, T0.plusSeconds(2));
        assertThat(out.quorate()).isFalse();
        assertThat(out.reason()).isEqualTo("1 of 3 votes: no majority, the arbitrator's vote ran out");
    }

    @Test
    void refusedOrUnreachableTheLoserHasNoQuorumAndDoesNotHold() {
        var q = twoNodes(false);
        var refused = q.evaluate(1, true, Set.of("ha2"), vote(ArbitratorVote.Verdict.REFUSED, Set.of("ha2"), T0, Instant.EPOCH,
                true), T0, T0);
        assertThat(refused.quorate()).isFalse();
        assertThat(refused.hold()).isEmpty();
        assertThat(refused.reason()).contains("gave its vote to another partition");
        var none = q.evaluate(1, true, Set.of("ha2"), vote(ArbitratorVote.Verdict.NONE, Set.of(), Instant.EPOCH,
                Instant.EPOCH, false), T0, T0);
        assertThat(none.reason()).isEqualTo("1 of 3 votes: no majority, no answer from the arbitrator (not connected)");
    }

    @Test
    void whileTheArbitratorDecidesThePartitionHoldsStill() {
        var q = twoNodes(false);
        var waiting = vote(ArbitratorVote.Verdict.WAITING, HA1, T0.plusSeconds(2), Instant.EPOCH, true);
        var r = q.evaluate(1, true, HA1, waiting, T0, T0.plusSeconds(1));
        assertThat(r.quorate()).isFalse();
        assertThat(r.hold()).startsWith("the arbitrator's decision: ");
        // A WAIT runs out like a grant: then the node stops.
        assertThat(q.evaluate(1, true, HA1, waiting, T0, T0.plusSeconds(2)).hold()).isEmpty();
    }

    @Test
    void theWinnerWithoutFencingHoldsUntilTheOtherSideHasSurelyStopped() {
        var q = twoNodes(false);
        Instant lost = T0;
        Instant grantedAt = T0.plusMillis(300); // sooner than the loser's deadtime to notice
        var granted = vote(ArbitratorVote.Verdict.GRANTED, HA1, grantedAt.plusSeconds(10), grantedAt, true);
        // hold until max(grant, lost + deadtime) + allowance = T0 + 1 s + 5 s
        var during = q.evaluate(1, true, HA1, granted, lost, T0.plusMillis(5999));
        assertThat(during.quorate()).isTrue();
        assertThat(during.hold()).isEqualTo("the other side to stop its resources (no fencing): 1 ms left");
        assertThat(q.evaluate(1, true, HA1, granted.withUntil(T0.plusSeconds(8)), lost, T0.plusSeconds(6)).hold()).isEmpty();
        // A later grant counts from the grant.
        var late = vote(ArbitratorVote.Verdict.GRANTED, HA1, T0.plusSeconds(9), T0.plusSeconds(3), true);
        assertThat(q.evaluate(1, true, HA1, late, lost, T0.plusSeconds(7)).hold()).endsWith("1000 ms left");
    }

    @Test
    void withFencingTheWinnerDoesNotHoldItFencesTheOtherSide() {
        var q = twoNodes(true);
        var granted = vote(ArbitratorVote.Verdict.GRANTED, HA1, T0.plusSeconds(2), T0, true);
        var r = q.evaluate(1, true, HA1, granted, T0, T0.plusMillis(100));
        assertThat(r.quorate()).isTrue();
        assertThat(r.hold()).isEmpty();
        // 1 of 3 is never exactly half: fencing alone no longer breaks the tie.
        assertThat(q.evaluate(1, true, HA1, ArbitratorVote.NOT_CONFIGURED, T0, T0).quorate()).isFalse();
    }

    @Test
    void onlyAMajorityOrTheArbitratorsGrantIsExclusiveForTheWatchdogRule() {
        var q = twoNodes(false);
        var granted = vote(ArbitratorVote.Verdict.GRANTED, HA1, T0.plusSeconds(2), T0.minusSeconds(60), true);
        var refused = vote(ArbitratorVote.Verdict.REFUSED, HA1, T0.plusSeconds(2), T0.minusSeconds(60), true);
        assertThat(q.exclusive(2, 2, BOTH, refused, T0)).as("both nodes: a majority of the nodes' votes").isTrue();
        assertThat(q.exclusive(1, 2, HA1, granted, T0)).as("one node with the grant").isTrue();
        assertThat(q.exclusive(1, 2, HA1, granted, T0.plusSeconds(3))).as("the grant ran out").isFalse();
        assertThat(q.exclusive(1, 2, HA1, refused, T0)).as("refused").isFalse();
        var pingTieBreak = new ArbitratedQuorum(new QuorumPolicy(2, false, true, false), false, 2, 0, false, DEADTIME,
                ALLOWANCE, "");
        assertThat(pingTieBreak.evaluate(1, true, HA1, ArbitratorVote.NOT_CONFIGURED, null, T0).quorate())
                .as("a ping target breaks the tie").isTrue();
        assertThat(pingTieBreak.exclusive(1, 2, HA1, ArbitratorVote.NOT_CONFIGURED, T0))
                .as("but both halves may reach it").isFalse();
    }
}
