package dev.vigil.arbitrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.arbitrator.ArbitrationRule.Claim;
import dev.vigil.arbitrator.ArbitrationRule.Verdict;
import dev.vigil.config.ArbitratorConfig.Algorithm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The arbitrator's memory of one cluster between questions. */
class ClusterArbitrationTest {
    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final List<String> TWO = List.of("ha1", "ha2");
    private final Object conn1 = new Object();
    private final Object conn2 = new Object();

    private static Claim claim(String node, String... members) {
        return new Claim(node, Set.of(members), TWO, Algorithm.FFSPLIT, "lowest");
    }

    @Test
    void afterItsStartItGrantsNobodyForALeaseAndATenth() {
        var a = new ClusterArbitration("web", T0);
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, T0.plusMillis(10)).verdicts()).containsEntry("ha2", Verdict.WAIT);
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, T0.plusMillis(1099)).verdicts()).containsEntry("ha2", Verdict.WAIT);
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, T0.plusMillis(1100)).verdicts()).containsEntry("ha2", Verdict.GRANT);
    }

    @Test
    void aWaitGivenToTheLoserDelaysTheWinnersGrantByItsLease() {
        var a = new ClusterArbitration("web", T0.minusSeconds(60));
        var t = T0;
        a.ask(claim("ha1", "ha1", "ha2"), conn1, LEASE, t);
        a.ask(claim("ha2", "ha1", "ha2"), conn2, LEASE, t);
        // ha2 notices first: claims disagree, ha2 is told to wait (a permission until t + 1.1 s)
        t = T0.plusMillis(300);
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, t).verdicts()).containsEntry("ha2", Verdict.WAIT);
        var waitedUntil = t.plus(LEASE).plusMillis(100);
        t = T0.plusMillis(400);
        assertThat(a.ask(claim("ha1", "ha1"), conn1, LEASE, t).verdicts()).containsEntry("ha1", Verdict.WAIT);
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, t).verdicts()).containsEntry("ha2", Verdict.REFUSE);
        assertThat(a.ask(claim("ha1", "ha1"), conn1, LEASE, waitedUntil.minusMillis(1)).verdicts())
                .containsEntry("ha1", Verdict.WAIT);
        assertThat(a.ask(claim("ha1", "ha1"), conn1, LEASE, waitedUntil).verdicts()).containsEntry("ha1", Verdict.GRANT);
        assertThat(a.chosen()).contains(Set.of("ha1"));
    }

    @Test
    void anOldConnectionClosingLateDoesNotDropTheNewOnesClaim() {
        var a = new ClusterArbitration("web", T0.minusSeconds(60));
        var old = new Object();
        a.ask(claim("ha1", "ha1"), old, LEASE, T0);
        a.ask(claim("ha1", "ha1"), conn1, LEASE, T0.plusMillis(100));
        a.gone("ha1", old);
        // ha2 alone now: ha1's claim still counts, so the two are equal and ha1 (holder) keeps it.
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, T0.plusSeconds(5)).verdicts()).containsEntry("ha2", Verdict.REFUSE);
        a.gone("ha1", conn1);
        assertThat(a.ask(claim("ha2", "ha2"), conn2, LEASE, T0.plusSeconds(6)).verdicts()).containsEntry("ha2", Verdict.GRANT);
    }
}
