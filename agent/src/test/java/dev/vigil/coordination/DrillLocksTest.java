package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.scheduler.AdminState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster's drill lock and fire log as pure functions of the operator state and a wall-clock time. */
class DrillLocksTest {
    private static final long T0 = 1_800_000_000_000L;

    private static AdminRequest begin(String run, String lease, String... fire) {
        var args = new java.util.ArrayList<>(List.of(run, "web-switchover", "host1:42", lease));
        args.addAll(List.of(fire));
        return new AdminRequest(1, "drill-begin", args);
    }

    @Test
    void aSecondDrillIsRefusedWhileTheFirstHoldsTheLockAndRunsOnceItEnds() {
        var first = DrillLocks.begin(begin("run-1", "60000"), AdminState.INITIAL, true, T0);
        assertThat(first.ok()).isTrue();
        var lock = first.state().drillLock().orElseThrow();
        assertThat(lock.runId()).isEqualTo("run-1");
        assertThat(lock.leaseUntilMs()).isEqualTo(T0 + 60_000);
        assertThat(first.state().version()).isEqualTo(1);

        var second = DrillLocks.begin(begin("run-2", "60000"), first.state(), true, T0 + 1_000);
        assertThat(second.ok()).isFalse();
        assertThat(second.state()).isSameAs(first.state());
        assertThat(second.message()).isEqualTo("drill web-switchover (run run-1) by host1:42 is running since "
                + "2027-01-15T08:00:00Z; its lease ends 2027-01-15T08:01:00Z");

        // The same run again (a new coordinator takes up a request its predecessor granted): granted, unchanged.
        var again = DrillLocks.begin(begin("run-1", "60000"), first.state(), true, T0 + 2_000);
        assertThat(again.ok()).isTrue();
        assertThat(again.state()).isSameAs(first.state());

        var wrongEnd = DrillLocks.end(new AdminRequest(2, "drill-end", List.of("run-2")), first.state());
        assertThat(wrongEnd.state()).isSameAs(first.state());
        var end = DrillLocks.end(new AdminRequest(3, "drill-end", List.of("run-1")), first.state());
        assertThat(end.state().drillLock()).isEmpty();
        assertThat(DrillLocks.begin(begin("run-2", "60000"), end.state(), true, T0 + 3_000).ok()).isTrue();
    }

    @Test
    void aLockWhoseLeasePassedIsFreeAndIsLetGo() {
        var held = DrillLocks.begin(begin("run-1", "60000"), AdminState.INITIAL, true, T0).state();
        assertThat(DrillLocks.expire(held, T0 + 59_999)).isSameAs(held);
        assertThat(DrillLocks.begin(begin("run-2", "60000"), held, true, T0 + 59_999).ok()).isFalse();

        var expired = DrillLocks.expire(held, T0 + 60_000);
        assertThat(expired.drillLock()).isEmpty();
        assertThat(expired.version()).isEqualTo(held.version() + 1);
        // Even before the coordinator lets it go, a lease past its end does not refuse the next drill.
        var next = DrillLocks.begin(begin("run-2", "60000"), held, true, T0 + 60_000);
        assertThat(next.ok()).isTrue();
        assertThat(next.state().drillLock().orElseThrow().runId()).isEqualTo("run-2");
    }

    @Test
    void aScheduleFireIsTakenOnceAndAnEarlierOneNeverAfterIt() {
        var first = DrillLocks.begin(begin("run-1", "60000", "nightly@" + T0), AdminState.INITIAL, true, T0 + 5);
        assertThat(first.ok()).isTrue();
        assertThat(first.state().fires()).isEqualTo(Map.of("nightly", T0));
        var ended = DrillLocks.end(new AdminRequest(2, "drill-end", List.of("run-1")), first.state()).state();
        assertThat(ended.fires()).as("the fire log outlives the lock").isEqualTo(Map.of("nightly", T0));

        var twice = DrillLocks.begin(begin("run-2", "60000", "nightly@" + T0), ended, true, T0 + 9);
        assertThat(twice.ok()).isFalse();
        assertThat(twice.message()).startsWith("schedule fire nightly @2027-01-15T08:00:00Z was already taken");
        assertThat(DrillLocks.begin(begin("run-3", "60000", "nightly@" + (T0 - 3_000)), ended, true, T0 + 9).ok())
                .as("a stale runner's older fire").isFalse();
        var other = DrillLocks.begin(begin("run-4", "60000", "weekly@" + T0), ended, true, T0 + 9);
        assertThat(other.ok()).isTrue();
        var later = DrillLocks.begin(begin("run-5", "60000", "nightly@" + (T0 + 3_000)),
                DrillLocks.end(new AdminRequest(3, "drill-end", List.of("run-4")), other.state()).state(), true, T0 + 3_001);
        assertThat(later.ok()).isTrue();
        assertThat(later.state().fires()).isEqualTo(Map.of("nightly", T0 + 3_000, "weekly", T0));
    }

    @Test
    void theFireLogKeepsTheNewestEntriesWithinItsBound() {
        var s = AdminState.INITIAL;
        for (int i = 0; i < DrillLocks.MAX_FIRES + 5; i++) {
            s = DrillLocks.begin(begin("run-" + i, "1000", "e" + i + "@" + (T0 + i)), s, true, T0 + i).state();
            s = DrillLocks.end(new AdminRequest(i, "drill-end", List.of("run-" + i)), s).state();
        }
        assertThat(s.fires()).hasSize(DrillLocks.MAX_FIRES).doesNotContainKey("e4").containsKey("e5");
    }

    @Test
    void noQuorumAndBadArgumentsAreRefused() {
        var noQuorum = DrillLocks.begin(begin("run-1", "60000"), AdminState.INITIAL, false, T0);
        assertThat(noQuorum.ok()).isFalse();
        assertThat(noQuorum.message()).isEqualTo("no quorum: a partition without quorum grants no drill");
        assertThat(DrillLocks.validate(begin("run-1", "0"))).contains("drill-begin: lease must be 1 ms to PT6H");
        assertThat(DrillLocks.validate(begin("run-1", "60000", "nightly"))).contains("drill-begin: fire 'nightly': expected ENTRY@EPOCH-MS");
        assertThat(DrillLocks.validate(new AdminRequest(1, "drill-end", List.of()))).contains("drill-end needs the run id");
        assertThat(DrillLocks.validate(begin("x".repeat(201), "60000"))).isPresent();
        assertThat(DrillLocks.validate(begin("run-1", "60000", "nightly@" + T0))).isEmpty();
    }

    @Test
    void theLockAndTheFiresTravelInTheGossipAndSurviveAPlacementChange() throws Exception {
        var s = DrillLocks.begin(begin("run-1", "60000", "nightly@" + T0), AdminState.INITIAL, true, T0).state();
        assertThat(GossipJson.readAdmin(GossipJson.write(s))).isEqualTo(s);
        var standby = AdminRequests.apply(new AdminRequest(2, "standby", List.of("ha2")), s);
        assertThat(standby.drill()).isEqualTo(s.drill());
        assertThat(standby.fires()).isEqualTo(s.fires());
        // An older agent's state (no drill fields) reads as no lock and no fires.
        var old = GossipJson.readAdmin("{\"version\":3,\"standby\":[],\"maintenance\":false,\"temporary\":[]}".getBytes());
        assertThat(old.drillLock()).isEmpty();
        assertThat(old.fires()).isEmpty();
    }

    private static AdminRequest renew(String run, String lease) {
        return new AdminRequest(5, "drill-renew", List.of(run, lease));
    }

    @Test
    void aRenewedLeaseOutlivesItsFirstEndAndALapsedOneIsLostForGood() {
        var held = DrillLocks.begin(begin("run-1", "10000"), AdminState.INITIAL, true, T0).state();
        var renewed = DrillLocks.answer(renew("run-1", "10000"), held, true, T0 + 8_000);
        assertThat(renewed.ok()).isTrue();
        assertThat(renewed.message()).isEqualTo("drill web-switchover holds the cluster's drill lock until 2027-01-15T08:00:18Z");
        var lock = renewed.state().drillLock().orElseThrow();
        assertThat(lock.leaseUntilMs()).isEqualTo(T0 + 18_000);
        assertThat(lock.sinceMs()).as("still the same run since its grant").isEqualTo(T0);
        assertThat(DrillLocks.begin(begin("run-2", "10000"), renewed.state(), true, T0 + 12_000).ok())
                .as("past the first lease, the renewed one holds").isFalse();

        // A runner that stopped renewing (killed) frees the lock when its short lease ends.
        assertThat(DrillLocks.expire(renewed.state(), T0 + 18_000).drillLock()).isEmpty();
        // Renewing after the lease passed is refused, even before the coordinator let the lock go: the runner aborts.
        var late = DrillLocks.answer(renew("run-1", "10000"), renewed.state(), true, T0 + 18_000);
        assertThat(late.ok()).isFalse();
        assertThat(late.state()).isSameAs(renewed.state());
        assertThat(late.message()).isEqualTo("run run-1 does not hold the cluster's drill lock any more (its lease passed)");
        var other = DrillLocks.begin(begin("run-2", "10000"), renewed.state(), true, T0 + 19_000).state();
        assertThat(DrillLocks.answer(renew("run-1", "10000"), other, true, T0 + 19_500).message())
                .isEqualTo("run run-1 does not hold the cluster's drill lock any more (drill web-switchover, run run-2, holds it)");
        assertThat(DrillLocks.validate(renew("run-1", "0"))).contains("drill-renew: lease must be 1 ms to PT6H");
        assertThat(DrillLocks.validate(renew("run-1", "soon"))).contains("drill-renew: lease 'soon' is not a number of ms");
        assertThat(DrillLocks.validate(new AdminRequest(6, "drill-renew", List.of("run-1")))).contains("drill-renew needs the run id and a lease in ms");
    }

    @Test
    void anAbortFromAnywhereMarksTheRunningLockWithWhoAskedAndTheMarkSurvivesRenewal() {
        var held = DrillLocks.begin(begin("run-1", "10000"), AdminState.INITIAL, true, T0).state();
        var wrong = DrillLocks.answer(new AdminRequest(7, "drill-abort", List.of("run-9", "otto@ops2")), held, true, T0 + 1_000);
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.state()).isSameAs(held);
        assertThat(wrong.message()).isEqualTo("run run-9 is not running; drill web-switchover (run run-1) is");

        var asked = DrillLocks.answer(new AdminRequest(8, "drill-abort", List.of("--any", "otto@ops2")), held, true, T0 + 1_000);
        assertThat(asked.ok()).isTrue();
        assertThat(asked.message()).isEqualTo("asked drill web-switchover (run run-1) by host1:42 to abort; it restores, then reports");
        assertThat(asked.state().drillLock().orElseThrow().abortBy()).isEqualTo("otto@ops2");
        assertThat(asked.state().version()).isEqualTo(held.version() + 1);
        var again = DrillLocks.answer(new AdminRequest(9, "drill-abort", List.of("run-1", "eve@ops3")), asked.state(), true, T0 + 2_000);
        assertThat(again.state()).isSameAs(asked.state());
        assertThat(again.message()).endsWith("was already asked by otto@ops2");

        var renewed = DrillLocks.answer(renew("run-1", "10000"), asked.state(), true, T0 + 3_000);
        assertThat(renewed.state().drillLock().orElseThrow().abortBy()).isEqualTo("otto@ops2");
        assertThat(renewed.message()).endsWith("; abort asked by otto@ops2");

        assertThat(DrillLocks.answer(new AdminRequest(10, "drill-abort", List.of("--any", "otto@ops2")), held, true, T0 + 10_000).message())
                .as("past the lease nothing runs").isEqualTo("no drill is running in the cluster");
        assertThat(DrillLocks.validate(new AdminRequest(11, "drill-abort", List.of("--any"))))
                .contains("drill-abort needs the run id (or --any) and who asks");
    }
}
