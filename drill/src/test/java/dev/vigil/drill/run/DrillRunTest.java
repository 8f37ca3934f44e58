package dev.vigil.drill.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillReader;
import dev.vigil.drill.fault.CommandRunner;
import dev.vigil.drill.fault.Faults;
import dev.vigil.drill.fault.RestoreStep;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.PhaseTime;
import dev.vigil.drill.report.ReportStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run's state machine on a fake clock with a fake cluster, fault and probes: every number in
 * these reports follows from the scenario (probe grid 100 ms, each answer 1 ms after its start,
 * status polled every 100 ms), so they are asserted exactly.
 */
class DrillRunTest {
    @TempDir
    Path dir;

    private final FakeCluster.FakeClock clock = new FakeCluster.FakeClock();
    private FakeFault fault;
    private FakeProbes probes;

    private static Drill drill(String yaml) {
        var r = DrillReader.read(Path.of("d.yaml"), "drills:\n" + yaml);
        assertThat(r.errors()).isEmpty();
        return r.drills().get(0);
    }

    private static final String SWITCHOVER = """
              - name: move
                kind: switchover
                target: www
                to: ha2
                probes: [{name: page, http: "http://10.0.0.50/", interval: 100ms, timeout: 1s}]
                expect: {service_back_within: %s, resources: {www: ha2}, single_holder: [vip]}
                limits: {budget: 2m, settle: 30s}
            """;

    private static final String CRASH = """
              - name: crash
                kind: node-crash
                target: ha1
                probes: [{name: page, http: "http://10.0.0.50/", interval: 100ms, timeout: 1s}]
                expect: {service_back_within: 10s, fenced: true, single_holder: [vip]}
                limits: {budget: %s, settle: 30s}
            """;

    private DrillReport run(Drill drill, FakeCluster cluster, Optional<Duration> hold, java.util.function.LongPredicate serviceAt)
            throws Exception {
        fault = new FakeFault(clock, hold);
        probes = new FakeProbes(drill.probes(), clock, serviceAt);
        return new DrillRun(drill, cluster, () -> fault, probes, new ReportStore(dir), clock, new DrillRun.Listener() {},
                DrillRun.Settings.DEFAULT, Runnable::run).run();
    }

    /** The switchover scenario: the page fails from +500 to +2000 ms; www is reported on ha2 from +2000 ms. */
    private FakeCluster switchoverCluster() {
        return new FakeCluster(() -> {
            long since = fault.since(clock.nanos);
            var s = new FakeCluster.S("ha1", "ha2");
            if (since >= 0 && since < 2000) s.pending = List.of("web:start@ha2");
            if (since >= 2000) s.www("ha2");
            return s.build();
        });
    }

    private boolean pageDownBetween(long sampleStart, long fromMs, long toMs) {
        long since = fault.since(sampleStart);
        return !(since >= fromMs && since < toMs);
    }

    @Test
    void aSwitchoverWithinItsBoundPassesAndReportsTheGapAndThePhases() throws Exception {
        var report = run(drill(SWITCHOVER.formatted("5s")), switchoverCluster(), Optional.empty(),
                t -> pageDownBetween(t, 500, 2000));

        assertThat(report.verdict()).isEqualTo("pass");
        assertThat(report.reason()).isEqualTo("every expectation held");
        // Last answer before: the +400 ms probe, answered at +401; first after: +2000, answered at +2001.
        assertThat(report.gapMs()).isEqualTo(1600);
        assertThat(report.probes()).singleElement().satisfies(p -> {
            assertThat(p.outageMs()).isEqualTo(1600);
            assertThat(p.firstOkAfterMs()).isEqualTo(2001);
            assertThat(p.back()).isTrue();
        });
        // Observe ends at the first poll that sees the +2000 ms answer: +2100 ms.
        assertThat(report.phases()).extracting(PhaseTime::phase)
                .containsExactly("preconditions", "inject", "observe", "restore", "verdict");
        assertThat(phase(report, "observe").durationMs()).isEqualTo(2100);
        assertThat(report.expectations()).allMatch(DrillReport.ExpectationResult::ok);
        assertThat(report.expectations()).extracting(DrillReport.ExpectationResult::name).containsExactly(
                "service back within 5000 ms (page)", "www ends on ha2", "never two holders of vip", "cluster settled within 30000 ms");
        assertThat(report.restore()).extracting(r -> r.what()).containsExactly("fake fault restored",
                "every node online and the cluster settled");
        assertThat(report.configVersion()).isEqualTo(7);
        assertThat(report.configDigest()).hasSize(16);
        assertThat(report.timeline()).anyMatch(t -> t.kind().equals("inject") && t.atMs() == 0)
                .anyMatch(t -> t.kind().equals("probe-ok") && t.atMs() == 2001)
                .anyMatch(t -> t.kind().equals("probe-fail") && t.atMs() == 500);
        assertThat(DrillReport.Verdict.PASS.exitCode()).isZero();
        assertThat(new ReportStore(dir).load(report.id())).contains(report);
    }

    @Test
    void aSlowerServiceFailsNamingTheExpectationAndByHowMuch() throws Exception {
        var report = run(drill(SWITCHOVER.formatted("1s")), switchoverCluster(), Optional.empty(),
                t -> pageDownBetween(t, 500, 2000));

        assertThat(report.verdict()).isEqualTo("fail");
        assertThat(report.reason()).isEqualTo(
                "service back within 1000 ms (page): outage 1600 ms, 600 ms over the bound of 1000 ms");
        assertThat(report.restore()).isNotEmpty();
        assertThat(DrillReport.Verdict.FAIL.exitCode()).isEqualTo(1);
    }

    @Test
    void aFloatingIpOnTwoNodesAndAMissingFenceFailWithTheSamples() throws Exception {
        var cluster = new FakeCluster(() -> {
            long since = fault.since(clock.nanos);
            var s = new FakeCluster.S("ha1", "ha2", "ha3");
            if (since >= 1000) {
                s.node("ha1", "dead");
                s.lost = List.of("ha1");
            }
            if (since >= 1500 && since < 1700) s.vipOn = List.of("ha1", "ha2");
            if (since >= 2000) {
                s.lost = List.of();
                s.www("ha2");
            }
            if (fault.restoredAt >= 0) return new FakeCluster.S("ha1", "ha2", "ha3").www("ha2").build();
            return s.build();
        });
        var report = run(drill(CRASH.formatted("2m")), cluster, Optional.empty(), t -> pageDownBetween(t, 0, 2300));

        assertThat(report.verdict()).isEqualTo("fail");
        var failed = report.expectations().stream().filter(e -> !e.ok()).map(DrillReport.ExpectationResult::detail).toList();
        assertThat(failed).containsExactly(
                "reported on two nodes in 2 sample(s), first vip on ha1 and ha2 at +1500 ms",
                "ha1 was not fenced");
        assertThat(report.reason()).startsWith("never two holders of vip: reported on two nodes in 2 sample(s)");
        assertThat(report.expectations()).filteredOn(e -> e.name().equals("fault noticed")).singleElement()
                .satisfies(e -> assertThat(e.ok()).isTrue());
    }

    @Test
    void anotherNodeLostMidDrillAbortsAndRestoreStillRuns() throws Exception {
        var cluster = new FakeCluster(() -> {
            long since = fault.since(clock.nanos);
            if (fault.restoredAt >= 0) return new FakeCluster.S("ha1", "ha2", "ha3").www("ha2").build();
            var s = new FakeCluster.S("ha1", "ha2", "ha3");
            if (since >= 1000) s.node("ha1", "dead").lost = List.of("ha1");
            if (since >= 1500) s.node("ha3", "dead");
            return s.build();
        });
        var report = run(drill(CRASH.formatted("2m")), cluster, Optional.empty(), t -> pageDownBetween(t, 0, 100_000));

        assertThat(report.verdict()).isEqualTo("aborted");
        assertThat(report.reason()).isEqualTo("node ha3 lost during the drill (not the target)");
        assertThat(fault.since(fault.restoredAt)).as("restored right after the abort at +1500 ms").isEqualTo(1500);
        assertThat(report.restore()).extracting(r -> r.what() + ": " + r.ok()).containsExactly(
                "fake fault restored: true", "every node online and the cluster settled: true");
        assertThat(report.timeline()).anyMatch(t -> t.kind().equals("abort") && t.atMs() == 1500);
        assertThat(report.expectations()).isNotEmpty();
        assertThat(DrillReport.Verdict.ABORTED.exitCode()).isEqualTo(1);
    }

    @Test
    void theTimeBudgetAbortsAndRestores() throws Exception {
        var cluster = new FakeCluster(() -> {
            long since = fault.since(clock.nanos);
            var s = new FakeCluster.S("ha1", "ha2");
            if (since >= 500 && fault.restoredAt < 0) s.node("ha1", "dead").lost = List.of("ha1");
            return s.build();
        });
        // Never back: the 3 s budget (counted from the start of the run) ends it.
        var report = run(drill(CRASH.formatted("3s")), cluster, Optional.empty(), t -> pageDownBetween(t, 0, 1_000_000));

        assertThat(report.verdict()).isEqualTo("aborted");
        assertThat(report.reason()).isEqualTo("the time budget of 3000 ms was exceeded");
        assertThat(fault.restoredAt).isGreaterThanOrEqualTo(3_000_000_000L);
        assertThat(phase(report, "observe").startMs() + phase(report, "observe").durationMs()).isEqualTo(3000);
        assertThat(report.probes().get(0).back()).isFalse();
    }

    @Test
    void aFaultWithAHoldTimeIsUndoneThenAndTheAgentsEventsFormTheTimeline() throws Exception {
        var pushed = new boolean[2];
        var holder = new FakeCluster[1];
        Supplier<dev.vigil.control.StatusReport> status = () -> {
            long since = fault.since(clock.nanos);
            var s = new FakeCluster.S("ha1", "ha2");
            if (since >= 1000 && !pushed[0]) {
                pushed[0] = true;
                holder[0].push("ha2", "membership", clock.epochMillis(), "ha1", "node ha1 is dead; view 3 = [ha2]");
                holder[0].push("ha2", "resource", clock.epochMillis(), "ha2", "web started on ha2 (start: SUCCESS)");
                holder[0].push("ha1", "resource", clock.epochMillis(), "ha2", "web started on ha2 (start: SUCCESS)");
            }
            if (since >= 1000 && fault.undoneAt < 0) s.node("ha1", "dead");
            return s.build();
        };
        holder[0] = new FakeCluster(status);
        var d = drill("""
                  - name: freeze
                    kind: agent-freeze
                    target: ha1
                    expect: {}
                    inject: {command: "pidof java", duration: 3s}
                """);
        var report = run(d, holder[0], Optional.of(Duration.ofSeconds(3)), t -> true);

        assertThat(report.verdict()).isEqualTo("pass");
        assertThat(fault.since(fault.undoneAt)).isEqualTo(3000);
        assertThat(report.timeline()).anyMatch(t -> t.kind().equals("undo") && t.atMs() == 3000);
        assertThat(report.timeline()).filteredOn(t -> t.kind().equals("detection")).singleElement()
                .satisfies(t -> {
                    assertThat(t.source()).isEqualTo("ha2");
                    assertThat(t.node()).isEqualTo("ha1");
                    assertThat(t.atMs()).isEqualTo(1000);
                });
        assertThat(report.timeline()).as("a start every agent reports is shown once")
                .filteredOn(t -> t.kind().equals("start")).hasSize(1);
    }

    @Test
    void anOperatorsAbortEndsTheObservationAndRestores() throws Exception {
        var store = new ReportStore(dir);
        var cluster = new FakeCluster(() -> {
            long since = fault.since(clock.nanos);
            var s = new FakeCluster.S("ha1", "ha2");
            if (since == 700) {
                try {
                    store.requestAbort(); // as `vigil drill abort` from another shell would
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            if (since >= 500 && fault.restoredAt < 0) s.node("ha1", "dead").lost = List.of("ha1");
            return s.build();
        });
        var report = run(drill(CRASH.formatted("2m")), cluster, Optional.empty(), t -> pageDownBetween(t, 0, 1_000_000));
        assertThat(report.verdict()).isEqualTo("aborted");
        assertThat(report.reason()).isEqualTo("the operator aborted the drill (vigil drill abort, or Ctrl-C)");
        assertThat(fault.since(fault.restoredAt)).as("restored at the next poll").isEqualTo(800);
        assertThat(store.abortRequested()).as("the request is used up").isFalse();
    }

    /** `vigil drill abort` on another machine marks the cluster's lock; the runner sees the mark in the status it polls. */
    @Test
    void anAbortAskedFromAnotherMachineIsSeenInTheClustersLockAndTheRunAbortsAndRestores() throws Exception {
        var holder = new FakeCluster[1];
        holder[0] = new FakeCluster(() -> {
            long since = fault.since(clock.nanos);
            var s = new FakeCluster.S("ha1", "ha2");
            if (since >= 500 && fault.restoredAt < 0) s.node("ha1", "dead").lost = List.of("ha1");
            if (since >= 700) {
                String runId = holder[0].lockCalls.get(0).split(" ")[1];
                s.drill = new dev.vigil.control.StatusReport.RunningDrill(runId, "crash", "4242@ops1", "", 1_800_000_000_000L,
                        1_800_000_090_000L, "otto@ops2");
            }
            return s.build();
        });
        var report = run(drill(CRASH.formatted("2m")), holder[0], Optional.empty(), t -> pageDownBetween(t, 0, 1_000_000));
        assertThat(report.verdict()).isEqualTo("aborted");
        assertThat(report.reason()).isEqualTo("otto@ops2 aborted the drill (vigil drill abort)");
        assertThat(fault.since(fault.restoredAt)).as("restored at the poll after the status showed the mark").isEqualTo(800);
        assertThat(report.timeline()).anyMatch(t -> t.kind().equals("abort") && t.atMs() == 800);
        assertThat(holder[0].lockCalls).extracting(c -> c.split(" ")[0]).containsExactly("drill-begin", "drill-end");
    }

    private static final String NEVER_SETTLES = """
              - name: crash
                kind: node-crash
                target: ha1
                expect: {}
                limits: {budget: 3s, settle: 60s}
            """;

    /**
     * The lease is short and renewed while the run lives: settle 60 s gives a lease of 2 x 60 s + 30 s
     * = 150 s, renewed every quarter of it, never past budget 3 s + 2 x settle + 1 min = 183 s after the grant.
     */
    @Test
    void theClustersLockIsRenewedWhileTheRunLivesWithinItsLongestLease() throws Exception {
        var times = new ArrayList<Long>();
        var cluster = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            if (fault.since(clock.nanos) >= 0) s.pending = List.of("web:start@ha2"); // never settles, not even after restore
            return s.build();
        }) {
            @Override
            public dev.vigil.control.ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                if (verb.startsWith("drill-")) times.add(clock.ms());
                return super.admin(verb, args);
            }
        };
        var d = drill(NEVER_SETTLES);
        var report = run(d, cluster, Optional.empty(), t -> true);
        assertThat(report.verdict()).isEqualTo("aborted");
        assertThat(ClusterLease.shortLease(d.limits())).isEqualTo(Duration.ofSeconds(150));
        assertThat(cluster.lockCalls.get(0)).contains(" 150000");
        // The budget ends the observation at 3 s, restore waits up to settle (60 s): renewals at 37.5 s
        // after the grant (a poll of 100 ms later at most), then 37.5 s after that one.
        assertThat(cluster.lockCalls).extracting(c -> c.split(" ")[0]).containsExactly("drill-begin", "drill-renew", "drill-end");
        long renewAfter = times.get(1) - times.get(0);
        assertThat(renewAfter).isBetween(37_500L, 37_600L);
        assertThat(cluster.lockCalls.get(1)).isEqualTo("drill-renew " + report.id() + " " + Math.min(150_000, 183_000 - renewAfter));
    }

    @Test
    void aRunWhoseRenewalIsRefusedHasLostTheLockAndAbortsAndRestores() throws Exception {
        var cluster = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            if (fault.since(clock.nanos) >= 0 && fault.restoredAt < 0) s.pending = List.of("web:start@ha2");
            return s.build();
        });
        cluster.renewAnswer = new dev.vigil.control.ControlProtocol.AdminOutcome(false,
                "run r does not hold the cluster's drill lock any more (its lease passed)");
        var d = drill("""
                  - name: crash
                    kind: node-crash
                    target: ha1
                    expect: {}
                    limits: {budget: 5m, settle: 60s}
                """);
        var report = run(d, cluster, Optional.empty(), t -> true);
        assertThat(report.verdict()).isEqualTo("aborted");
        assertThat(report.reason()).isEqualTo("the cluster's drill lock was lost: run r does not hold the cluster's drill lock "
                + "any more (its lease passed)");
        // settle 60 s: the first renewal is due 37.5 s after the grant, well inside the observation.
        assertThat(fault.restoredAt).as("restored").isGreaterThanOrEqualTo(37_500_000_000L);
        assertThat(report.restore()).extracting(r -> r.what() + ": " + r.ok()).containsExactly(
                "fake fault restored: true", "every node online and the cluster settled: true");
        assertThat(cluster.lockCalls).extracting(c -> c.split(" ")[0]).containsExactly("drill-begin", "drill-renew", "drill-end");
    }

    /** While the coordinator is being replaced its agent answers "no answer": the lease still runs, the drill goes on. */
    @Test
    void anUnansweredRenewalIsNotedAndTheRunGoesOn() throws Exception {
        var cluster = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            if (fault.since(clock.nanos) >= 0 && fault.since(clock.nanos) < 45_000) s.pending = List.of("web:start@ha2");
            return s.build();
        });
        cluster.renewAnswer = new dev.vigil.control.ControlProtocol.AdminOutcome(false, "no answer from the coordinator: timed out");
        var report = run(drill("""
                  - name: move
                    kind: switchover
                    target: www
                    to: ha2
                    expect: {}
                    limits: {budget: 5m, settle: 60s}
                """), cluster, Optional.empty(), t -> true);
        assertThat(report.verdict()).as(report.reason()).isEqualTo("pass");
        assertThat(report.timeline()).filteredOn(t -> t.kind().equals("lock")).extracting(t -> t.text()).containsExactly(
                "could not renew the cluster's drill lock (no answer from the coordinator: timed out); trying again every 37 s");
        assertThat(cluster.lockCalls).extracting(c -> c.split(" ")[0]).containsExactly("drill-begin", "drill-renew", "drill-end");
    }

    // ---- refused: nothing touched

    @Test
    void aDegradedClusterIsRefusedWithTheReasonAndNothingIsInjected() throws Exception {
        var offline = new FakeCluster(() -> new FakeCluster.S("ha1", "ha2").node("ha2", "dead").build());
        var report = run(drill(SWITCHOVER.formatted("5s")), offline, Optional.empty(), t -> true);
        assertThat(report.verdict()).isEqualTo("refused");
        assertThat(report.reason()).isEqualTo("every node online: not online: ha2 dead");
        assertThat(fault.injectedAt).isEqualTo(-1);
        assertThat(fault.restoredAt).as("nothing done, nothing to restore").isEqualTo(-1);
        assertThat(report.phases()).extracting(PhaseTime::phase).containsExactly("preconditions", "verdict");
        assertThat(DrillReport.Verdict.REFUSED.exitCode()).isEqualTo(2);

        var maintenance = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            s.maintenance = true;
            s.webFailures = java.util.Map.of("ha1", 2);
            return s.build();
        });
        var both = run(drill(SWITCHOVER.formatted("5s")), maintenance, Optional.empty(), t -> true);
        assertThat(both.verdict()).isEqualTo("refused");
        assertThat(both.preconditions()).filteredOn(c -> !c.ok()).extracting(c -> c.name() + ": " + c.detail()).containsExactly(
                "no maintenance: maintenance mode is on",
                "no failed actions: failed: web on ha1 (2); `vigil resource cleanup` first");
    }

    @Test
    void anotherDrillRunningOrAnUnknownTargetOrADeadServiceIsRefused() throws Exception {
        var healthy = new FakeCluster(() -> new FakeCluster.S("ha1", "ha2").build());
        try (var other = new ReportStore(dir).tryLock("other").orElseThrow()) {
            var report = run(drill(SWITCHOVER.formatted("5s")), healthy, Optional.empty(), t -> true);
            assertThat(report.verdict()).isEqualTo("refused");
            assertThat(report.reason()).startsWith("no other drill running: drill other, pid ");
        }
        var typo = run(drill(SWITCHOVER.formatted("5s").replace("target: www", "target: wwww")), healthy, Optional.empty(), t -> true);
        assertThat(typo.reason()).isEqualTo("target exists: no resource or group 'wwww'; did you mean 'www'?");

        var down = run(drill(SWITCHOVER.formatted("5s")), healthy, Optional.empty(), t -> false);
        assertThat(down.verdict()).isEqualTo("refused");
        // timeout 1 s + 2 intervals + 2 s of grace
        assertThat(down.reason()).isEqualTo("every probe answers: probe page (http://10.0.0.50/) did not answer within "
                + "3200 ms before the drill: connection refused");
        assertThat(fault.injectedAt).isEqualTo(-1);
    }

    /** One drill at a time in the whole cluster: the coordinator's lock, held from before the probes to after the report. */
    @Test
    void aDrillRunningElsewhereInTheClusterRefusesThisOneAndAGrantedLockIsReleasedAfterTheReport() throws Exception {
        var elsewhere = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            s.drill = new dev.vigil.control.StatusReport.RunningDrill("20270115T080000.000Z-crash", "crash", "4242@ops2", "",
                    1_800_000_000_000L, 1_800_000_600_000L);
            return s.build();
        });
        var seen = run(drill(SWITCHOVER.formatted("5s")), elsewhere, Optional.empty(), t -> true);
        assertThat(seen.verdict()).isEqualTo("refused");
        assertThat(seen.reason()).isEqualTo("no other drill running: drill crash (run 20270115T080000.000Z-crash) by "
                + "4242@ops2 since 2027-01-15T08:00:00Z");
        assertThat(elsewhere.lockCalls).isEmpty();

        // The status did not show it yet (a drill begun a moment ago): the coordinator refuses.
        var racing = new FakeCluster(() -> new FakeCluster.S("ha1", "ha2").build());
        racing.lockAnswer = new dev.vigil.control.ControlProtocol.AdminOutcome(false, "drill crash (run r1) by 4242@ops2 is running");
        var refused = run(drill(SWITCHOVER.formatted("5s")), racing, Optional.empty(), t -> true);
        assertThat(refused.reason()).isEqualTo("no other drill in the cluster: drill crash (run r1) by 4242@ops2 is running");
        assertThat(fault.injectedAt).isEqualTo(-1);
        assertThat(racing.lockCalls).hasSize(1).allMatch(c -> c.startsWith("drill-begin "));

        var free = switchoverCluster();
        var d = drill(SWITCHOVER.formatted("5s"));
        fault = new FakeFault(clock, Optional.empty());
        probes = new FakeProbes(d.probes(), clock, t -> true);
        var report = new DrillRun(d, free, () -> fault, probes, new ReportStore(dir), clock, new DrillRun.Listener() {},
                DrillRun.Settings.DEFAULT.withRunner("runner@ha3").withFire(Optional.of("nightly@1800000000000")), Runnable::run).run();
        assertThat(report.verdict()).isEqualTo("pass");
        // a short lease, renewed while the run lives: 2 x settle 30 s + 30 s = 90 s
        assertThat(free.lockCalls).containsExactly("drill-begin " + report.id() + " move runner@ha3 90000 nightly@1800000000000",
                "drill-end " + report.id());
        assertThat(new ReportStore(dir).load(report.id())).as("saved before the lock is released").isPresent();

        // A schedule fire is claimed before the preconditions: refused here, it is still taken (and the lock let go).
        var maintenance = new FakeCluster(() -> {
            var st = new FakeCluster.S("ha1", "ha2");
            st.maintenance = true;
            return st.build();
        });
        fault = new FakeFault(clock, Optional.empty());
        var refusedFire = new DrillRun(d, maintenance, () -> fault, new FakeProbes(d.probes(), clock, t -> true), new ReportStore(dir),
                clock, new DrillRun.Listener() {}, DrillRun.Settings.DEFAULT.withFire(Optional.of("nightly@1800000003000")), Runnable::run).run();
        assertThat(refusedFire.reason()).isEqualTo("no maintenance: maintenance mode is on");
        assertThat(maintenance.lockCalls).extracting(c -> c.split(" ")[0]).containsExactly("drill-begin", "drill-end");
        assertThat(maintenance.lockCalls.get(0)).endsWith(" nightly@1800000003000");
    }

    @Test
    void aDrillInsideABlackoutWindowIsRefusedAndNothingIsInjected() throws Exception {
        var healthy = new FakeCluster(() -> new FakeCluster.S("ha1", "ha2").build());
        var d = drill(SWITCHOVER.formatted("5s"));
        fault = new FakeFault(clock, Optional.empty());
        probes = new FakeProbes(d.probes(), clock, t -> true);
        var seen = new ArrayList<java.time.Instant>();
        var report = new DrillRun(d, healthy, () -> fault, probes, new ReportStore(dir), clock, new DrillRun.Listener() {},
                DrillRun.Settings.DEFAULT.withBlackout(t -> {
                    seen.add(t);
                    return Optional.of("office-hours");
                })).run();
        assertThat(report.verdict()).isEqualTo("refused");
        assertThat(report.reason()).isEqualTo("not inside a blackout: inside blackout office-hours");
        assertThat(fault.injectedAt).isEqualTo(-1);
        assertThat(seen).containsExactly(java.time.Instant.ofEpochMilli(clock.epochMillis()));
    }

    @Test
    void aNodeDrillWatchedOnlyThroughTheTargetsOwnAgentIsRefused() throws Exception {
        var onlyHa1 = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            s.answering = "ha1";
            return s.build();
        });
        var report = run(drill(CRASH.formatted("2m")), onlyHa1, Optional.empty(), t -> true);
        assertThat(report.verdict()).isEqualTo("refused");
        assertThat(report.reason()).startsWith("watched from another node: the agent answering is ha1's own");
        assertThat(fault.injectedAt).isEqualTo(-1);
    }

    /**
     * A fence drill through the operator's fence request: ha1 leaves the view when fenced and is back
     * once the restore hook ran; the expectation is the fence in the cluster's history.
     */
    @Test
    void aFenceDrillAsksTheClusterToFenceAndChecksItsHistory() throws Exception {
        var d = drill("  - {name: f, kind: fence, target: ha1, inject: {restore: start-ha1}}\n");
        var restored = new java.util.concurrent.atomic.AtomicBoolean();
        var fencedAt = new java.util.concurrent.atomic.AtomicLong(-1);
        var cluster = new FakeCluster(() -> {
            var s = new FakeCluster.S("ha1", "ha2");
            if (fencedAt.get() >= 0 && !restored.get()) {
                s.node("ha1", "dead");
                s.www("ha2");
            }
            if (restored.get()) s.www("ha2");
            return s.build();
        }) {
            @Override
            public dev.vigil.control.ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                var answer = super.admin(verb, args);
                if (verb.equals("fence")) {
                    fencedAt.set(clock.epochMillis());
                    fencing.add(new dev.vigil.control.HistoryReport.FenceRecord(clock.epochMillis() + 300, "ha1", "ha2", "reboot",
                            List.of("f1 reboot ha1: SUCCESS"), true, "operator request from ha2"));
                    clock.sleep(Duration.ofMillis(1500)); // the request returns once the cluster settled
                }
                return answer;
            }
        };
        CommandRunner commands = (command, env, timeout) -> {
            restored.set(command.equals("start-ha1"));
            return new CommandRunner.Result(0, "");
        };
        var report = new DrillRun(d, cluster, () -> Faults.create(d, cluster, commands, Optional.empty(), List.of()),
                new FakeProbes(List.of(), clock, t -> true), new ReportStore(dir), clock, new DrillRun.Listener() {},
                DrillRun.Settings.DEFAULT, Runnable::run).run();
        assertThat(report.verdict()).as(report.reason()).isEqualTo("pass");
        assertThat(cluster.adminCalls).containsExactly("fence ha1");
        assertThat(report.expectations()).anySatisfy(e -> {
            assertThat(e.name()).isEqualTo("fence in the cluster's history");
            assertThat(e.ok()).isTrue();
            assertThat(e.detail()).isEqualTo("reboot by ha2 at +300 ms (operator request from ha2)");
        });
        assertThat(report.restore()).extracting(RestoreStep::what).contains("ha1 back online");

        // The cluster said yes but its history has no fence: the drill fails on it.
        cluster.fencing.clear();
        restored.set(false);
        fencedAt.set(-1);
        var unrecorded = new DrillRun(d, new FakeCluster(() -> new FakeCluster.S("ha1", "ha2").build()),
                () -> Faults.create(d, cluster, commands, Optional.empty(), List.of()),
                new FakeProbes(List.of(), clock, t -> true), new ReportStore(dir), clock, new DrillRun.Listener() {},
                DrillRun.Settings.DEFAULT, Runnable::run).run();
        assertThat(unrecorded.verdict()).isEqualTo("fail");
        assertThat(unrecorded.reason()).isEqualTo("fence in the cluster's history: the cluster's history has no successful "
                + "fence of ha1 since the injection");
    }

    @Test
    void theRealSwitchoverMovesThenClearsTheRule() throws Exception {
        var d = drill(SWITCHOVER.formatted("5s"));
        var cluster = switchoverCluster();
        fault = new FakeFault(clock, Optional.empty()); // only for the status scenario's clock
        var real = Faults.create(d, cluster, null, Optional.empty(), List.of());
        fault.inject();
        assertThat(real.inject()).isEqualTo("vigil resource move www ha2: move done");
        assertThat(real.restore()).singleElement().satisfies(s -> assertThat(s.ok()).isTrue());
        assertThat(cluster.adminCalls).containsExactly("move www ha2", "clear www");
    }

    @Test
    void heartbeatSlipsAreCountedForAgentsThatLivedThroughTheDrill() {
        var ha1 = new FakeCluster.S("ha1", "ha2").build();
        var before = List.of(withSlips(ha1, "ha1", 1, 3), withSlips(ha1, "ha2", 1, 0), withSlips(ha1, "ha3", 1, 9));
        var after = List.of(withSlips(ha1, "ha1", 1, 5), withSlips(ha1, "ha2", 2, 0)); // ha2 restarted, ha3 gone
        assertThat(DrillRun.slipsDuring(before, after)).containsExactly(java.util.Map.entry("ha1", 2L));
    }

    private static dev.vigil.control.StatusReport withSlips(dev.vigil.control.StatusReport s, String node, long incarnation, long slips) {
        return new dev.vigil.control.StatusReport(s.cluster(), node, incarnation, s.view(), s.members(), s.configVersion(),
                s.timing(), s.votes(), s.nodes(), s.drops(), new dev.vigil.control.StatusReport.SenderReport(100, slips, 0, 0),
                s.resources());
    }

    private static PhaseTime phase(DrillReport r, String name) {
        return r.phases().stream().filter(p -> p.phase().equals(name)).findFirst().orElseThrow();
    }
}
