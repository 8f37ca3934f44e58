package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.GroupSpec;
import dev.vigil.config.OnFail;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ActionKind;
import dev.vigil.model.ResourceStatus;
import dev.vigil.testing.StateFileAgent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's resource manager against the StateFile fixture agent: real processes, no cluster. */
class LocalResourceManagerTest {
    private static final String NODE = "ha1";
    private static final Duration MONITOR = Duration.ofMillis(100);

    @TempDir
    Path dir;
    private StateFileAgent agent;
    private ResourceExecutor executor;
    private LocalResourceManager lrm;
    private final AtomicInteger changes = new AtomicInteger();

    @BeforeEach
    void setUp() {
        agent = new StateFileAgent(dir);
        executor = new ResourceExecutor(agent.settings());
        List<ResourceSpec> resources = List.of(agent.resource("a", MONITOR, OnFail.RESTART),
                agent.resource("b", MONITOR, OnFail.RESTART), agent.resource("c", null, OnFail.RESTART));
        var config = new ResourcesConfig(resources, List.of(new GroupSpec("g", List.of("a", "b", "c"), Optional.empty())),
                List.of(), Policy.DEFAULTS, List.of(), List.of());
        lrm = new LocalResourceManager(NODE, config, executor, Clock.systemUTC(), changes::incrementAndGet);
    }

    @AfterEach
    void tearDown() {
        lrm.close();
        executor.close();
    }

    private OperationResult run(ActionKind kind, String id) throws Exception {
        return lrm.perform(kind, id).get(20, TimeUnit.SECONDS);
    }

    private ResourceEntry entry(String id) {
        return lrm.snapshot().get(id);
    }

    /** What a new coordinator is answered from: settled once nothing is unknown and nothing in flight. */
    @Test
    void theRecordIsSettledOnlyWhenNothingIsUnknownOrInFlight() throws Exception {
        assertThat(lrm.settled()).as("never probed").isNotDone();
        lrm.probeAll().get(20, TimeUnit.SECONDS);
        assertThat(lrm.settled()).isDone();

        agent.steer("hold-start", NODE, "b", true);
        var start = lrm.perform(ActionKind.START, "b");
        var settled = lrm.settled();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.exists("start-held", NODE, "b"));
        assertThat(settled).as("a start in flight").isNotDone();
        agent.steer("release", NODE, "b", true);
        start.get(20, TimeUnit.SECONDS);
        settled.get(5, TimeUnit.SECONDS);
        assertThat(entry("b").status()).isEqualTo(ResourceStatus.STARTED);

        // An emergency stop of everything queues its stops one after another: the record is
        // unsettled from the first to the last, not only while one of them runs.
        agent.steer("hold-stop", NODE, "a", true);
        run(ActionKind.START, "a");
        var stopAll = lrm.stopAll("test");
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.exists("stop-held", NODE, "a"));
        assertThat(entry("b").status()).as("b, last in the group, stopped first").isEqualTo(ResourceStatus.STOPPED);
        assertThat(lrm.settled()).as("a's stop still to come").isNotDone();
        agent.steer("release", NODE, "a", true);
        stopAll.get(20, TimeUnit.SECONDS);
        assertThat(lrm.settled()).isDone();
    }

    @Test
    void probeStartStopRecordStatusesAndTellTheNode() throws Exception {
        assertThat(entry("a")).isEqualTo(ResourceEntry.UNKNOWN);

        assertThat(run(ActionKind.PROBE, "a").outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(entry("a").status()).isEqualTo(ResourceStatus.STOPPED);
        int afterProbe = changes.get();
        assertThat(afterProbe).isPositive();

        assertThat(run(ActionKind.START, "a").outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(agent.running(NODE, "a")).isTrue();
        assertThat(entry("a").status()).isEqualTo(ResourceStatus.STARTED);
        assertThat(entry("a").lastOperation()).startsWith("start: SUCCESS");
        assertThat(entry("a").lastRc()).isZero();
        assertThat(changes.get()).isGreaterThan(afterProbe);

        // A probe of a running resource finds it running (what a new coordinator relies on).
        assertThat(run(ActionKind.PROBE, "a").outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(entry("a").status()).isEqualTo(ResourceStatus.STARTED);

        assertThat(run(ActionKind.STOP, "a").outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(agent.running(NODE, "a")).isFalse();
        assertThat(entry("a")).extracting(ResourceEntry::status, ResourceEntry::failCount)
                .containsExactly(ResourceStatus.STOPPED, 0);
        assertThat(agent.log()).containsExactly("ha1 a start", "ha1 a stop");
    }

    @Test
    void anUnknownResourceIsRefusedWithoutRunningAnything() throws Exception {
        var result = run(ActionKind.START, "nope");
        assertThat(result.outcome()).isEqualTo(Outcome.ERR_CONFIGURED);
        assertThat(result.exitReason()).hasValueSatisfying(r -> assertThat(r).contains("nope"));
        assertThat(agent.log()).isEmpty();
    }

    @Test
    void aFailedStartCountsAFailureAndCleanupForgetsIt() throws Exception {
        agent.steer("fail-start", NODE, "a", true);

        assertThat(run(ActionKind.START, "a").outcome()).isEqualTo(Outcome.ERR_GENERIC);
        assertThat(entry("a").status()).isEqualTo(ResourceStatus.FAILED);
        assertThat(entry("a").failCount()).isEqualTo(1);
        assertThat(entry("a").lastFailureMs()).isPositive();
        assertThat(entry("a").lastOperation()).contains("start refused by the test");
        assertThat(entry("a").lastRc()).as("OCF_ERR_GENERIC, for alerts' CRM_alert_rc").isEqualTo(1);
        run(ActionKind.START, "a");
        assertThat(entry("a").failCount()).isEqualTo(2);

        assertThat(lrm.cleanup("a").get(20, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.NOT_RUNNING);
        assertThat(entry("a")).extracting(ResourceEntry::status, ResourceEntry::failCount, ResourceEntry::lastFailureMs)
                .containsExactly(ResourceStatus.STOPPED, 0, 0L);
    }

    @Test
    void aFailedStopLeavesTheResourceStopFailed() throws Exception {
        run(ActionKind.START, "a");
        agent.steer("fail-stop", NODE, "a", true);

        assertThat(run(ActionKind.STOP, "a").outcome()).isEqualTo(Outcome.ERR_GENERIC);

        assertThat(entry("a").status()).isEqualTo(ResourceStatus.STOP_FAILED);
        assertThat(entry("a").failCount()).isEqualTo(1);
        assertThat(agent.running(NODE, "a")).as("the agent really failed to stop it").isTrue();
    }

    @Test
    void theRecurringMonitorNoticesAVanishedResource() throws Exception {
        run(ActionKind.START, "a");
        int before = changes.get();

        agent.vanish(NODE, "a");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(entry("a").status()).isEqualTo(ResourceStatus.FAILED);
            assertThat(entry("a").failCount()).isEqualTo(1);
        });
        assertThat(entry("a").lastOperation()).startsWith("monitor: NOT_RUNNING");
        assertThat(entry("a").lastFailure()).startsWith("monitor: NOT_RUNNING (rc 7)");
        assertThat(entry("a").lastRc()).as("the monitor's OCF return code, not only its words").isEqualTo(7);
        assertThat(changes.get()).isGreaterThan(before);
        // One failure, not one per interval: the monitor stops after reporting it.
        await().during(Duration.ofMillis(5 * MONITOR.toMillis())).atMost(Duration.ofSeconds(5))
                .until(() -> entry("a").failCount() == 1);
    }

    /** Issue 19 item 12: the failed operation is kept for "Failed resource actions" when a later one succeeds. */
    @Test
    void theFailedOperationIsKeptWhenALaterOneSucceeds() throws Exception {
        run(ActionKind.START, "a");
        agent.vanish(NODE, "a");
        await().atMost(Duration.ofSeconds(10)).until(() -> entry("a").failCount() == 1);
        run(ActionKind.STOP, "a");
        assertThat(entry("a").lastOperation()).startsWith("stop: SUCCESS");
        assertThat(entry("a").lastFailure()).startsWith("monitor: NOT_RUNNING (rc 7)");
        assertThat(entry("a").lastFailureMs()).isPositive();
    }

    @Test
    void aMonitorResultThatRacedWithAStopIsIgnored() throws Exception {
        run(ActionKind.START, "a");
        agent.steer("hold-monitor", NODE, "a", true);
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.exists("monitor-held", NODE, "a"));

        // The stop is queued behind the held monitor; the monitor will then find the file gone.
        var stop = lrm.perform(ActionKind.STOP, "a");
        agent.vanish(NODE, "a");
        agent.steer("release", NODE, "a", true);

        assertThat(stop.get(20, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(entry("a")).extracting(ResourceEntry::status, ResourceEntry::failCount)
                .containsExactly(ResourceStatus.STOPPED, 0);
        assertThat(entry("a").lastOperation()).startsWith("stop:");
    }

    @Test
    void stopAllStopsWhatRunsInReverseOrderAndLeavesTheRestAlone() throws Exception {
        for (var id : List.of("a", "b", "c")) {
            run(ActionKind.PROBE, id);
        }
        run(ActionKind.START, "a");
        run(ActionKind.START, "c");

        lrm.stopAll("test").get(20, TimeUnit.SECONDS);

        assertThat(agent.log()).containsExactly("ha1 a start", "ha1 c start", "ha1 c stop", "ha1 a stop");
        assertThat(lrm.describeAll()).containsExactly("a=STOPPED", "b=STOPPED", "c=STOPPED");
    }

    @Test
    void stopAllAlsoStopsWhatWasNeverProbed() throws Exception {
        // UNKNOWN may be running: an emergency stop must not skip it.
        run(ActionKind.START, "b");

        lrm.stopAll("test").get(20, TimeUnit.SECONDS);

        assertThat(agent.log()).containsExactly("ha1 b start", "ha1 c stop", "ha1 b stop", "ha1 a stop");
        assertThat(agent.running(NODE, "b")).isFalse();
    }
}
