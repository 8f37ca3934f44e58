package dev.vigil.arbitrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.arbitrator.ArbitrationRule.Claim;
import dev.vigil.arbitrator.ArbitrationRule.Verdict;
import dev.vigil.config.ArbitratorConfig.Algorithm;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The arbitrator's decision, as a pure function (docs/arbitrator.md, "Algorithms"). */
class ArbitrationRuleTest {
    private static final List<String> TWO = List.of("ha1", "ha2");
    private static final List<String> FOUR = List.of("ha1", "ha2", "ha3", "ha4");
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    private static Claim claim(String node, List<String> order, String tie, String... members) {
        return new Claim(node, Set.of(members), order, Algorithm.FFSPLIT, tie);
    }

    private static Map<String, Claim> claims(Claim... cs) {
        var m = new LinkedHashMap<String, Claim>();
        for (var c : cs) m.put(c.node(), c);
        return m;
    }

    @Test
    void aHealthyClusterIsOnePartitionAndGetsTheVoteAtOnce() {
        var d = ArbitrationRule.decide(claims(claim("ha1", TWO, "lowest", "ha1", "ha2"),
                claim("ha2", TWO, "lowest", "ha1", "ha2")), Map.of(), Optional.empty(), T0);
        assertThat(d.verdicts()).containsEntry("ha1", Verdict.GRANT).containsEntry("ha2", Verdict.GRANT);
        assertThat(d.chosen()).contains(Set.of("ha1", "ha2"));
    }

    @Test
    void aTwoNodeSplitGoesToTheLowestNodeAfterTheOldVoteRanOut() {
        var c = claims(claim("ha1", TWO, "lowest", "ha1"), claim("ha2", TWO, "lowest", "ha2"));
        // Both held the vote as {ha1, ha2} until T0+3s.
        var permits = Map.of("ha1", T0.plusSeconds(3), "ha2", T0.plusSeconds(3));
        var d = ArbitrationRule.decide(c, permits, Optional.of(Set.of("ha1", "ha2")), T0);
        assertThat(d.verdicts()).containsEntry("ha1", Verdict.WAIT).containsEntry("ha2", Verdict.REFUSE);
        assertThat(d.chosen()).contains(Set.of("ha1"));
        assertThat(d.grantableAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(d.why()).contains("wins the tie (tie_breaker lowest)");
        // ha2's permission has run out: now ha1 gets it.
        var later = ArbitrationRule.decide(c, permits, d.chosen(), T0.plusSeconds(3));
        assertThat(later.verdicts()).containsEntry("ha1", Verdict.GRANT).containsEntry("ha2", Verdict.REFUSE);
    }

    @Test
    void theTieBreakerCanBeTheHighestOrANamedNode() {
        var highest = ArbitrationRule.decide(claims(claim("ha1", TWO, "highest", "ha1"),
                claim("ha2", TWO, "highest", "ha2")), Map.of(), Optional.empty(), T0);
        assertThat(highest.verdicts()).containsEntry("ha2", Verdict.GRANT).containsEntry("ha1", Verdict.REFUSE);
        var named = ArbitrationRule.decide(claims(claim("ha1", FOUR, "ha4", "ha1", "ha2"),
                claim("ha3", FOUR, "ha4", "ha3", "ha4")), Map.of(), Optional.empty(), T0);
        assertThat(named.chosen()).contains(Set.of("ha3", "ha4"));
    }

    @Test
    void moreNodesWinOverTheTieBreakerAndOverTheHolder() {
        var d = ArbitrationRule.decide(claims(claim("ha1", FOUR, "lowest", "ha1"),
                claim("ha2", FOUR, "lowest", "ha2", "ha3", "ha4")), Map.of(), Optional.of(Set.of("ha1")), T0);
        assertThat(d.chosen()).contains(Set.of("ha2", "ha3", "ha4"));
        assertThat(d.why()).contains("has the most nodes (3)");
        assertThat(d.verdicts()).containsEntry("ha1", Verdict.REFUSE).containsEntry("ha2", Verdict.GRANT);
    }

    @Test
    void aPartitionThatHoldsTheVoteKeepsItAgainstAnEqualOneWhileConnected() {
        // ha2 alone held the vote; ha1 comes back alone (before the two see each other): no flapping.
        var d = ArbitrationRule.decide(claims(claim("ha1", TWO, "lowest", "ha1"), claim("ha2", TWO, "lowest", "ha2")),
                Map.of("ha2", T0.plusSeconds(2)), Optional.of(Set.of("ha2")), T0);
        assertThat(d.verdicts()).containsEntry("ha2", Verdict.GRANT).containsEntry("ha1", Verdict.REFUSE);
        assertThat(d.why()).contains("already had the vote and is still connected");
    }

    @Test
    void whileClaimsDisagreeNobodyNewGetsTheVote() {
        // ha1 saw ha2 die; ha2 has not noticed yet and still claims both.
        var d = ArbitrationRule.decide(claims(claim("ha1", TWO, "lowest", "ha1"), claim("ha2", TWO, "lowest", "ha1", "ha2")),
                Map.of(), Optional.of(Set.of("ha1", "ha2")), T0);
        assertThat(d.verdicts()).containsEntry("ha1", Verdict.WAIT).containsEntry("ha2", Verdict.WAIT);
        assertThat(d.chosen()).contains(Set.of("ha1", "ha2"));
        assertThat(d.why()).startsWith("membership changing: ");
    }

    @Test
    void aNodeThatIsNotConnectedStillBlocksTheGrantUntilItsPermissionRunsOut() {
        // ha2 disconnected (dead, or cut off from the arbitrator too) while it held a permission.
        var permits = new HashMap<String, Instant>(Map.of("ha2", T0.plusMillis(2200)));
        var d = ArbitrationRule.decide(claims(claim("ha1", TWO, "lowest", "ha1")), permits,
                Optional.of(Set.of("ha1", "ha2")), T0);
        assertThat(d.verdicts()).containsEntry("ha1", Verdict.WAIT);
        assertThat(d.why()).contains("the only partition [ha1]").contains("2200 ms");
        assertThat(ArbitrationRule.decide(claims(claim("ha1", TWO, "lowest", "ha1")), permits,
                Optional.of(Set.of("ha1")), T0.plusMillis(2200)).verdicts()).containsEntry("ha1", Verdict.GRANT);
    }

    @Test
    void neverTwoPartitionsGrantedInOneDecision() {
        // Every split of four nodes, every holder: at most one partition is granted.
        for (int mask = 1; mask < 15; mask++) {
            var a = new java.util.HashSet<String>();
            var b = new java.util.HashSet<String>();
            for (int i = 0; i < 4; i++) ((mask & (1 << i)) != 0 ? a : b).add(FOUR.get(i));
            var cs = new LinkedHashMap<String, Claim>();
            for (var n : a) cs.put(n, new Claim(n, a, FOUR, Algorithm.LMS, "lowest"));
            for (var n : b) cs.put(n, new Claim(n, b, FOUR, Algorithm.LMS, "lowest"));
            for (var holder : List.of(Optional.<Set<String>>empty(), Optional.<Set<String>>of(a), Optional.<Set<String>>of(b))) {
                var d = ArbitrationRule.decide(cs, Map.of(), holder, T0);
                var granted = cs.values().stream().filter(c -> d.verdicts().get(c.node()) == Verdict.GRANT)
                        .map(Claim::members).distinct().toList();
                assertThat(granted).hasSizeLessThanOrEqualTo(1);
                assertThat(d.verdicts().values()).contains(Verdict.GRANT);
            }
        }
    }
}
