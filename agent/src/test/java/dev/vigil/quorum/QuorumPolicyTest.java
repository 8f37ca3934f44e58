package dev.vigil.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuorumPolicyTest {
    private static QuorumPolicy policy(int total, boolean fencing, boolean ping, boolean unsafe) {
        return new QuorumPolicy(total, fencing, ping, unsafe);
    }

    @Test
    void aMajorityIsQuorateWhateverTheTieBreakers() {
        var p = policy(3, false, false, false);
        assertThat(p.evaluate(3, false)).isEqualTo(new Quorum(true, "3 of 3 votes"));
        assertThat(p.evaluate(2, false)).isEqualTo(new Quorum(true, "2 of 3 votes"));
        assertThat(p.evaluate(1, true)).isEqualTo(new Quorum(false, "1 of 3 votes: no majority"));
        assertThat(p.evaluate(0, true).quorate()).isFalse();
    }

    @Test
    void fourNodesNeedThreeUnlessATieBreakerCounts() {
        assertThat(policy(4, false, false, false).evaluate(3, false).quorate()).isTrue();
        assertThat(policy(4, false, false, false).evaluate(2, true)).isEqualTo(new Quorum(false, "2 of 4 votes: no majority"));
        assertThat(policy(4, true, false, false).evaluate(2, false))
                .isEqualTo(new Quorum(true, "2 of 4 votes, tie broken by fencing"));
        assertThat(policy(4, false, false, false).evaluate(1, true).quorate()).isFalse();
        // A tie-breaker only breaks ties: a minority stays a minority.
        assertThat(policy(4, true, true, true).evaluate(1, true).quorate()).isFalse();
    }

    @Test
    void exactHalfWithFencingIsQuorateEvenWithoutPing() {
        assertThat(policy(2, true, true, false).evaluate(1, false))
                .isEqualTo(new Quorum(true, "1 of 2 votes, tie broken by fencing"));
    }

    @Test
    void exactHalfWithPingDependsOnReachingATarget() {
        var p = policy(2, false, true, true);
        assertThat(p.evaluate(1, true)).isEqualTo(new Quorum(true, "1 of 2 votes, tie broken by reaching a ping target"));
        // Ping is the configured tie-breaker, so two_node_unsafe does not rescue the half that lost it.
        assertThat(p.evaluate(1, false)).isEqualTo(new Quorum(false, "1 of 2 votes and no ping target reachable"));
    }

    @Test
    void exactHalfWithTwoNodeUnsafeOnly() {
        assertThat(policy(2, false, false, true).evaluate(1, false))
                .isEqualTo(new Quorum(true, "1 of 2 votes, two_node_unsafe"));
    }

    @Test
    void exactHalfWithoutAnyTieBreakerIsNotQuorate() {
        assertThat(policy(2, false, false, false).evaluate(1, true)).isEqualTo(new Quorum(false, "1 of 2 votes: no majority"));
        assertThat(policy(2, false, false, false).evaluate(2, false).quorate()).isTrue();
    }

    @Test
    void weightedVotesCountVotesNotNodes() {
        // ha1 has 3 votes, ha2 and ha3 one each: ha1 alone (3 of 5) wins, the other two (2 of 5) lose.
        var p = policy(5, false, false, false);
        assertThat(p.evaluate(3, false)).isEqualTo(new Quorum(true, "3 of 5 votes"));
        assertThat(p.evaluate(2, true)).isEqualTo(new Quorum(false, "2 of 5 votes: no majority"));
        // 2 + 2 of 4 votes: a tie between two weighted nodes is still a tie.
        assertThat(policy(4, true, false, false).evaluate(2, false).quorate()).isTrue();
    }

    @Test
    void noVotesAtAllIsNeverQuorate() {
        assertThat(policy(0, true, true, true).evaluate(0, true).quorate()).isFalse();
    }
}
