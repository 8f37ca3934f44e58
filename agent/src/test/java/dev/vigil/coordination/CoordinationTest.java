package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.membership.MembershipEvent.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes' coordination in one JVM: real resource managers running the StateFile agent, the
 * real scheduler, the test as network and membership. What runs where is read from the agent's
 * state files, so every assertion is about what really ran.
 */
class CoordinationTest {
    private static final String GROUP = """
            resources:
              - {id: vip, agent: "ocf:test:StateFile", params: {statedir: STATEDIR}, monitor: {interval: 200ms}}
              - {id: web, agent: "ocf:test:StateFile", params: {statedir: STATEDIR}, monitor: {interval: 200ms}}
            groups:
              - {id: www, members: [vip, web], prefer: PREFER, priority: 10}
            """;

    @TempDir
    Path dir;
    private TestNet net;

    @AfterEach
    void tearDown() {
        if (net != null) net.close();
    }

    private TestNet twoNodes(String prefer, String policy) throws Exception {
        net = new TestNet(dir, 2, GROUP.replace("PREFER", prefer) + policy);
        return net.startAll();
    }

    private ConditionFactory eventually(String what) {
        return await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50));
    }

    private void awaitGroupOn(String node) {
        eventually("www on " + node).untilAsserted(() -> assertThat(net.running("vip", "web"))
                .as(net.describe()).isEqualTo(Map.of("vip", Set.of(node), "web", Set.of(node))));
    }

    /**
     * Nothing to do and nothing in flight anywhere: the cluster has settled. At least one live
     * node must consider itself coordinator: with none, nothing is checked and nothing would run.
     */
    private void awaitSettled() {
        eventually("settled").untilAsserted(() -> {
            int coordinators = 0;
            for (var n : net.alive()) {
                var s = net.coordination(n).status();
                if (s.coordinator().equals(n)) {
                    coordinators++;
                    assertThat(s.waitingFor()).as(net.describe()).isEmpty();
                    assertThat(s.inFlight()).as(net.describe()).isEmpty();
                    assertThat(s.plan().actions()).as(net.describe()).isEmpty();
                }
            }
            assertThat(coordinators).as("live nodes that consider themselves coordinator; " + net.describe())
                    .isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void theGroupStartsOnItsPreferredNodeInOrder() throws Exception {
        twoNodes("ha2", "policy: {two_node_unsafe: true}\n");

        awaitGroupOn("ha2");
        awaitSettled();

        assertThat(net.agent.log()).containsExactly("ha2 vip start", "ha2 web start");
        assertThat(net.coordination("ha2").status().coordinator()).isEqualTo("ha1");
        assertThat(net.coordination("ha1").status().quorum().quorate()).isTrue();
        // Both nodes probed everything before anything started.
        assertThat(net.agent.probes()).contains("ha1 vip probe", "ha1 web probe", "ha2 vip probe", "ha2 web probe");
    }

    @Test
    void whenTheActiveNodeDiesTheOtherTakesOverAndFailsBackWhenItReturns() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        net.kill("ha1");
        // A real node that died takes its services with it.
        net.agent.vanish("ha1", "vip");
        net.agent.vanish("ha1", "web");

        awaitGroupOn("ha2");
        assertThat(net.coordination("ha2").status().coordinator()).isEqualTo("ha2");
        assertThat(net.fencer.calls).as("no fencing configured").isEmpty();

        net.restart("ha1");
        awaitGroupOn("ha1");
        awaitSettled();
        assertThat(net.agent.log()).containsSubsequence("ha2 web stop", "ha2 vip stop", "ha1 vip start", "ha1 web start");
    }

    @Test
    void withFencingTheTakeoverWaitsForTheFence() throws Exception {
        twoNodes("ha1", "fencing: [{id: f1, agent: fence_test}]\n");
        awaitGroupOn("ha1");
        awaitSettled();
        net.fencer.gate = new CountDownLatch(1);

        net.kill("ha1");

        eventually("ha2 fences ha1").until(() -> net.fencer.calls.equals(List.of("ha1")));
        // While the fence runs, ha1 may still serve: nothing may start on ha2.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> !net.agent.running("ha2", "vip") && !net.agent.running("ha2", "web"));
        net.agent.vanish("ha1", "vip");
        net.agent.vanish("ha1", "web");
        net.fencer.gate.countDown();

        eventually("www on ha2").untilAsserted(() -> assertThat(net.running("vip", "web"))
                .as(net.describe()).isEqualTo(Map.of("vip", Set.of("ha2"), "web", Set.of("ha2"))));
        assertThat(net.fencer.calls).containsExactly("ha1");
        assertThat(net.coordination("ha2").status().fenced()).containsExactly("ha1");
    }

    /**
     * Issue 21: priority_fencing_delay. The lost node's priority comes from its last report (its
     * state is unknown once it is lost): ha1 ran the priority-10 group, so ha2 waits before fencing
     * it; ha1 fences ha2, which ran nothing, at once.
     */
    @Test
    void withAWatchdogTheSurvivorsStartWhatTheLostNodeRanOnlyAfterTwiceItsTimeout() throws Exception {
        net = new TestNet(dir, 3, GROUP.replace("PREFER", "ha1") + "watchdog: {timeout: 2s}\n").startAll();
        awaitGroupOn("ha1");
        awaitSettled();

        net.kill("ha1");
        net.agent.vanish("ha1", "vip");
        net.agent.vanish("ha1", "web");

        eventually("ha2, the new coordinator, waits for ha1's watchdog").until(() -> net.coordination("ha2").status()
                .plan().notes().stream().anyMatch(n -> n.startsWith("www waits: ha1 lost at ")
                        && n.endsWith("(watchdog timeout 2s x 2)")));
        // The wait counts on the monotonic clock from the moment ha2 declared ha1 lost.
        net.monotonic.advance(Duration.ofMillis(3900));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> !net.agent.running("ha2", "vip") && !net.agent.running("ha3", "vip"));
        net.monotonic.advance(Duration.ofMillis(200)); // past 4 s (the loss time is kept in whole ms, rounded up)
        awaitGroupOn("ha2");
        assertThat(net.coordination("ha2").status().lost()).containsExactly("ha1");
        assertThat(net.fencer.calls).as("no power fencing configured").isEmpty();
    }

    @Test
    void withAWatchdogAndPowerFencingAFailedFenceNoLongerBlocksOnceTheWatchdogWaitIsOver() throws Exception {
        net = new TestNet(dir, 3, GROUP.replace("PREFER", "ha1")
                + "fencing: [{id: f1, agent: fence_test}]\nwatchdog: {timeout: 2s}\n").startAll();
        awaitGroupOn("ha1");
        awaitSettled();
        net.fencer.succeed.set(false); // ha1's BMC lost power with it

        net.kill("ha1");
        net.agent.vanish("ha1", "vip");
        net.agent.vanish("ha1", "web");
        eventually("the power fence failed").until(() -> net.fencer.finished.equals(List.of("ha1 failed")));
        assertThat(net.agent.running("ha2", "vip")).isFalse();

        net.monotonic.advance(Duration.ofMillis(4100)); // past watchdog timeout x 2 since ha1 was lost
        awaitGroupOn("ha2");
        net.monotonic.advance(Duration.ofSeconds(6)); // past the fence's retry time
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4)).until(() -> net.fencer.calls.size() == 1);
        assertThat(net.coordination("ha2").status().plan().notes()).as(net.describe())
                .anySatisfy(n -> assertThat(n).startsWith("ha1 counts as reset by its watchdog").endsWith(": not fenced"));
    }

    @Test
    void fencingTheNodeThatRanTheHigherPriorityGroupWaitsThePriorityDelay() throws Exception {
        twoNodesWithPriorityDelay();
        net.kill("ha1");
        eventually("ha2 fences ha1").until(() -> net.fencer.calls.equals(List.of("ha1")));
        assertThat(net.fencer.delays).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void fencingTheNodeThatRanNothingDoesNotWait() throws Exception {
        twoNodesWithPriorityDelay();
        net.kill("ha2");
        eventually("ha1 fences ha2").until(() -> net.fencer.calls.equals(List.of("ha2")));
        assertThat(net.fencer.delays).containsExactly(Duration.ZERO);
    }

    private void twoNodesWithPriorityDelay() throws Exception {
        twoNodes("ha1", "fencing: [{id: f1, agent: fence_test}]\npolicy: {priority_fencing_delay: 5s}\n");
        awaitGroupOn("ha1");
        awaitSettled();
    }

    /**
     * Issue 18 item 6: the fence is in the coordinator's history (who, whom, how, result) and stays
     * there when the fenced node rejoins, though "fenced" in status is forgotten then.
     */
    @Test
    void theFencingHistoryOutlivesTheFencedNodesReturn() throws Exception {
        twoNodes("ha1", "fencing: [{id: f1, agent: fence_test}]\n");
        awaitGroupOn("ha1");
        awaitSettled();
        net.kill("ha1");
        net.agent.vanish("ha1", "vip");
        net.agent.vanish("ha1", "web");
        eventually("ha1 fenced").until(() -> net.fencer.finished.contains("ha1 fenced"));
        awaitGroupOn("ha2");

        net.restart("ha1");
        eventually("ha1 back, no longer listed as fenced").until(() -> net.coordination("ha2").status().fenced().isEmpty()
                && net.coordination("ha2").status().resourcesByNode().containsKey("ha1"));

        var fences = net.coordination("ha2").history().snapshot().fencing();
        assertThat(fences).hasSize(1);
        var f = fences.get(0);
        assertThat(f.target()).isEqualTo("ha1");
        assertThat(f.by()).isEqualTo("ha2");
        assertThat(f.action()).isEqualTo("reboot");
        assertThat(f.fenced()).isTrue();
        assertThat(f.reason()).isEqualTo("ha1 lost");
        assertThat(f.atMs()).isPositive();
        // The resources' operations were recorded too: ha2's own with rc and duration.
        assertThat(net.coordination("ha2").history().snapshot().operations())
                .anySatisfy(o -> {
                    assertThat(o.node()).isEqualTo("ha2");
                    assertThat(o.resource()).isEqualTo("web");
                    assertThat(o.operation()).isEqualTo("start");
                    assertThat(o.rc()).isEqualTo(0);
                    assertThat(o.durationMs()).isNotNull();
                });
    }

    @Test
    void aFailedFenceBlocksTheTakeoverAndIsRetried() throws Exception {
        twoNodes("ha1", "fencing: [{id: f1, agent: fence_test}]\n");
        awaitGroupOn("ha1");
        awaitSettled();
        net.fencer.succeed.set(false);

        net.kill("ha1");

        eventually("first fence failed").until(() -> net.fencer.finished.equals(List.of("ha1 failed")));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4))
                .until(() -> net.fencer.calls.size() == 1 && !net.agent.running("ha2", "vip"));
        assertThat(net.coordination("ha2").status().plan().actions()).extracting(a -> a.id())
                .as(net.describe()).startsWith("ha1:fence");

        net.monotonic.advance(Duration.ofSeconds(6));
        eventually("retried").until(() -> net.fencer.finished.equals(List.of("ha1 failed", "ha1 failed")));
        assertThat(net.agent.running("ha2", "vip")).isFalse();

        net.fencer.succeed.set(true);
        net.monotonic.advance(Duration.ofSeconds(6));
        eventually("fenced at last").until(() -> net.fencer.finished.contains("ha1 fenced"));
        eventually("started on ha2").until(() -> net.agent.running("ha2", "vip") && net.agent.running("ha2", "web"));
    }

    @Test
    void aNewCoordinatorWaitsForWhatIsInFlightAndThenDecidesFromTheRecords() throws Exception {
        net = new TestNet(dir, 3, GROUP.replace("PREFER", "ha3")).startAll();
        // ha1 coordinates; the start of web on ha3 hangs until released.
        net.agent.steer("hold-start", "ha3", "web", true);
        eventually("web start under way on ha3").until(() -> net.agent.exists("start-held", "ha3", "web"));
        assertThat(net.agent.running("ha3", "vip")).isTrue();
        int probesBefore = net.agent.probes().size();

        net.kill("ha1");

        eventually("ha2 coordinates and waits for ha3's record").untilAsserted(() -> {
            var s = net.coordination("ha2").status();
            assertThat(s.coordinator()).isEqualTo("ha2");
            assertThat(s.waitingFor()).as(net.describe()).isEqualTo("settled records from [ha3]");
            assertThat(s.inFlight()).isEmpty();
        });
        net.agent.steer("release", "ha3", "web", true);

        awaitGroupOn("ha3");
        awaitSettled();
        // The held start finished and counts: no probe, no second start, no stop.
        assertThat(net.agent.probes().subList(probesBefore, net.agent.probes().size())).isEmpty();
        assertThat(net.agent.log()).containsExactly("ha3 vip start", "ha3 web start");
    }

    @Test
    void whenTheCoordinatorDiesItsSuccessorTakesOverWithoutForkingAProbe() throws Exception {
        net = new TestNet(dir, 3, GROUP.replace("PREFER", "ha1")).startAll();
        awaitGroupOn("ha1");
        awaitSettled();
        int before = net.agent.probes().size();

        // ha1, the coordinator and the active node, falls silent (late first, as the detector
        // reports it) and dies.
        net.partition(List.of("ha1"), List.of("ha2", "ha3"));
        net.view("ha2", Kind.LATE, "ha1", List.of("ha1", "ha2", "ha3"));
        net.view("ha3", Kind.LATE, "ha1", List.of("ha1", "ha2", "ha3"));
        net.kill("ha1");
        net.agent.vanish("ha1", "vip");
        net.agent.vanish("ha1", "web");

        eventually("ha2 coordinates").untilAsserted(() ->
                assertThat(net.coordination("ha2").status().coordinator()).isEqualTo("ha2"));
        awaitGroupOn("ha2");
        awaitSettled();
        assertThat(net.agent.probes().subList(before, net.agent.probes().size()))
                .as("the survivors answered from their records").isEmpty();
        assertThat(net.agent.log()).containsSubsequence("ha2 vip start", "ha2 web start");
    }

    @Test
    void operatorRequestsAreAnsweredOnceTheClusterSettled() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        var moved = net.coordination("ha2").request("move", List.of("www", "ha2")).get(15, TimeUnit.SECONDS);
        assertThat(moved).extracting(AdminReply::node, AdminReply::ok, AdminReply::message)
                .containsExactly("ha2", true, "www runs on ha2");
        assertThat(net.running("vip", "web")).isEqualTo(Map.of("vip", Set.of("ha2"), "web", Set.of("ha2")));

        var refused = net.coordination("ha1").request("move", List.of("www", "ha9")).get(15, TimeUnit.SECONDS);
        assertThat(refused).extracting(AdminReply::node, AdminReply::ok, AdminReply::message)
                .containsExactly("ha1", false, "no node 'ha9'");

        var standby = net.coordination("ha1").request("standby", List.of("ha2")).get(15, TimeUnit.SECONDS);
        assertThat(standby.ok()).isTrue();
        assertThat(standby.message()).isEqualTo("ha2 is in standby and runs no resources");
        assertThat(net.running("vip", "web")).isEqualTo(Map.of("vip", Set.of("ha1"), "web", Set.of("ha1")));

        var online = net.coordination("ha2").request("online", List.of("ha2")).get(15, TimeUnit.SECONDS);
        assertThat(online.message()).isEqualTo("ha2 is online and may run resources");
        // The move still holds: back to ha2.
        assertThat(net.running("vip", "web")).isEqualTo(Map.of("vip", Set.of("ha2"), "web", Set.of("ha2")));

        var cleared = net.coordination("ha2").request("clear", List.of("www")).get(15, TimeUnit.SECONDS);
        assertThat(cleared.message()).isEqualTo("temporary constraints on www removed; it runs on ha1");
        assertThat(net.running("vip", "web")).isEqualTo(Map.of("vip", Set.of("ha1"), "web", Set.of("ha1")));
        // Every node keeps the operator state.
        eventually("admin state everywhere").until(() -> net.coordination("ha2").status().admin().version() == 4);
    }

    @Test
    void aMoveThatCannotHappenSaysSo() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true, migration_threshold: 1}\n");
        awaitGroupOn("ha1");
        awaitSettled();
        net.agent.steer("fail-start", "ha2", "web", true);

        var reply = net.coordination("ha1").request("move", List.of("www", "ha2")).get(15, TimeUnit.SECONDS);

        assertThat(reply.ok()).as(net.describe()).isFalse();
        assertThat(reply.message()).startsWith("www could not be moved to ha2; it runs on ")
                .endsWith("the move rule was removed");
        // Issue 18: a failed move keeps no rule, or the group would jump once ha2 could run it.
        eventually("no rule left").until(() -> net.coordination("ha1").status().admin().temporary().isEmpty()
                && net.coordination("ha2").status().admin().temporary().isEmpty());
    }

    /**
     * Issue 18 item 4: while a stop the coordinator dispatched is held on ha1, the action is in
     * flight in the status of the coordinator and of the follower too (status asked of any node
     * shows "Stopping ha1"), then the start on ha2; the move answers once both are done.
     */
    @Test
    void aHeldStopIsInFlightOnEveryNodeUntilItFinishes() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();
        net.agent.steer("hold-stop", "ha1", "web", true);

        var reply = net.coordination("ha2").request("move", List.of("www", "ha2"));

        eventually("web's stop held on ha1").until(() -> net.agent.exists("stop-held", "ha1", "web"));
        for (var observer : List.of("ha1", "ha2")) {
            eventually("stop of web on ha1 in flight, seen from " + observer).untilAsserted(() ->
                    assertThat(net.coordination(observer).status().inFlight()).as(net.describe())
                            .anySatisfy(a -> {
                                assertThat(a.resource()).isEqualTo("web");
                                assertThat(a.node()).isEqualTo("ha1");
                                assertThat(a.op()).isEqualTo(Operation.STOP);
                            }));
        }
        assertThat(reply).isNotDone();
        net.agent.steer("release", "ha1", "web", true);

        assertThat(reply.get(15, TimeUnit.SECONDS).ok()).as(net.describe()).isTrue();
        awaitGroupOn("ha2");
        awaitSettled();
        eventually("nothing in flight on the follower either").until(() ->
                net.coordination("ha2").status().inFlight().isEmpty());
    }

    /** Issue 18: in maintenance a move is refused at once, says so, and leaves no rule to fire later. */
    @Test
    void aMoveInMaintenanceIsRefusedAndLeavesNoRule() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();
        net.coordination("ha1").request("maintenance-on", List.of()).get(15, TimeUnit.SECONDS);

        var reply = net.coordination("ha2").request("move", List.of("www", "ha2")).get(15, TimeUnit.SECONDS);

        assertThat(reply.ok()).isFalse();
        assertThat(reply.message()).isEqualTo("maintenance mode is on, so the cluster moves nothing: www stays where it is "
                + "and no move rule was added; `vigil maintenance off` first, then move");
        assertThat(net.coordination("ha1").status().admin().temporary()).isEmpty();
        // other verbs in maintenance say where things run by the members' reports, not "no node"
        var ban = net.coordination("ha2").request("ban", List.of("www", "ha2")).get(15, TimeUnit.SECONDS);
        assertThat(ban.message()).as(net.describe()).startsWith("www is banned from ha2 and runs on ha1 (maintenance mode");
        var clear = net.coordination("ha2").request("clear", List.of("www")).get(15, TimeUnit.SECONDS);
        assertThat(clear.message()).startsWith("temporary constraints on www removed; it runs on ha1 (maintenance mode");
        net.coordination("ha1").request("maintenance-off", List.of()).get(15, TimeUnit.SECONDS);
        awaitSettled();
        awaitGroupOn("ha1");
    }

    /** Issue 18: a move to where the group runs, and a clear with nothing to clear, say so and change nothing. */
    @Test
    void aMoveToWhereItRunsAndAnEmptyClearSaySoAndAddNoRule() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();
        long version = net.coordination("ha1").status().admin().version();

        var move = net.coordination("ha2").request("move", List.of("www", "ha1")).get(15, TimeUnit.SECONDS);
        assertThat(move.ok()).isTrue();
        assertThat(move.message()).isEqualTo("www already runs on ha1; nothing to do, no rule added");
        var clear = net.coordination("ha2").request("clear", List.of("www")).get(15, TimeUnit.SECONDS);
        assertThat(clear.ok()).isTrue();
        assertThat(clear.message()).isEqualTo("no move or ban rules on www; nothing to clear");

        assertThat(net.coordination("ha1").status().admin().temporary()).isEmpty();
        assertThat(net.coordination("ha1").status().admin().version()).isEqualTo(version);
    }

    @Test
    void aNodeFrozenLongerThanDeadtimeStopsItsResources() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true, auto_failback: false}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        net.coordination("ha1").onStall(Duration.ofMillis(100));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> net.agent.running("ha1", "web"));

        // SIGSTOP: ha1 falls silent, ha2 declares it dead and takes over. ha1 wakes up still
        // believing it runs www, reads the heartbeats that queued up meanwhile and notices the stall.
        net.cut("ha1", "ha2");
        net.view("ha2", Kind.DEAD, "ha1", List.of("ha2"));
        eventually("ha2 took over").until(() -> net.agent.running("ha2", "web"));
        net.coordination("ha1").onStall(net.config.timing().deadtime().multipliedBy(3));

        eventually("ha1 stopped").until(() -> !net.agent.running("ha1", "vip") && !net.agent.running("ha1", "web"));
        assertThat(net.agent.log()).containsSubsequence("ha1 web stop", "ha1 vip stop");

        // The two meet again: one copy, wherever, and an agreed coordinator.
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> !net.agent.running("ha1", "web"));
        net.heal(List.of("ha1"), List.of("ha2"));
        net.view("ha2", Kind.JOINED, "ha1", List.of("ha1", "ha2"));
        awaitGroupOn("ha2");
        awaitSettled();
        assertThat(net.coordination("ha2").status().coordinator()).isEqualTo("ha1");
    }

    @Test
    void aPartitionWithoutQuorumStopsItsResources() throws Exception {
        net = new TestNet(dir, 3, GROUP.replace("PREFER", "ha1") + "policy: {no_quorum: stop}\n").startAll();
        awaitGroupOn("ha1");
        awaitSettled();

        net.partition(List.of("ha1"), List.of("ha2", "ha3"));
        net.view("ha1", Kind.DEAD, "ha2", List.of("ha1", "ha3"));
        net.view("ha1", Kind.DEAD, "ha3", List.of("ha1"));
        net.view("ha2", Kind.DEAD, "ha1", List.of("ha2", "ha3"));
        net.view("ha3", Kind.DEAD, "ha1", List.of("ha2", "ha3"));

        eventually("ha1 stopped its resources").until(() -> !net.agent.running("ha1", "vip")
                && !net.agent.running("ha1", "web"));
        assertThat(net.coordination("ha1").status().quorum().quorate()).isFalse();
        awaitGroupOn("ha2");
        assertThat(net.coordination("ha2").status().quorum().quorate()).isTrue();
    }

    @Test
    void anAgentKilledWithItsServicesStillRunningEndsWithOneCopy() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        // kill -9 of the agent alone: vip and web keep running on ha1, and ha2 starts them too.
        net.kill("ha1");
        eventually("ha2 took over").until(() -> net.agent.running("ha2", "web"));
        net.restart("ha1");

        awaitGroupOn("ha1");
        awaitSettled();
        assertThat(net.agent.log()).containsSubsequence("ha2 web stop", "ha2 vip stop");
    }

    @Test
    void aFailedMonitorRestartsTheResourceInPlace() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        net.agent.vanish("ha1", "web");

        eventually("web restarted on ha1").untilAsserted(() -> assertThat(net.agent.log()).as(net.describe())
                .containsExactly("ha1 vip start", "ha1 web start", "ha1 web stop", "ha1 web start"));
        awaitGroupOn("ha1");
        awaitSettled();
        assertThat(net.node("ha1").lrm.snapshot().get("web").failCount()).isEqualTo(1);
    }

    @Test
    void aRestartedNodesRequestsAreNotMistakenForItsEarlierOnes() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();
        var first = net.coordination("ha2").request("move", List.of("www", "ha2")).get(15, TimeUnit.SECONDS);
        assertThat(first.message()).isEqualTo("www runs on ha2");

        net.restart("ha2");
        awaitSettled();
        var second = net.coordination("ha2").request("clear", List.of("www")).get(15, TimeUnit.SECONDS);

        assertThat(second.message()).isEqualTo("temporary constraints on www removed; it runs on ha1");
        awaitGroupOn("ha1");
    }

    @Test
    void restartCleanupAndMaintenanceThroughTheCoordinator() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true, migration_threshold: 1}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        var restarted = net.coordination("ha2").request("restart", List.of("web")).get(15, TimeUnit.SECONDS);
        assertThat(restarted.message()).as(net.describe()).isEqualTo("web restarted; it runs on ha1");
        assertThat(net.agent.log()).containsExactly("ha1 vip start", "ha1 web start", "ha1 web stop", "ha1 web start");

        // One failure is enough to leave ha1 (migration_threshold 1).
        net.agent.vanish("ha1", "web");
        awaitGroupOn("ha2");
        awaitSettled();
        var cleaned = net.coordination("ha1").request("cleanup", List.of("web")).get(15, TimeUnit.SECONDS);
        assertThat(cleaned.message()).as(net.describe()).isEqualTo("failures of web forgotten; it runs on ha1");
        awaitGroupOn("ha1");
        assertThat(net.node("ha1").lrm.snapshot().get("web").failCount()).isZero();

        var on = net.coordination("ha1").request("maintenance-on", List.of()).get(15, TimeUnit.SECONDS);
        assertThat(on.message()).isEqualTo("maintenance mode on: resources are left alone");
        int logged = net.agent.log().size();
        net.agent.vanish("ha1", "web");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> net.agent.log().size() == logged && !net.agent.running("ha1", "web"));

        var off = net.coordination("ha2").request("maintenance-off", List.of()).get(15, TimeUnit.SECONDS);
        assertThat(off.message()).as(net.describe()).startsWith("maintenance mode off");
        eventually("web runs again").until(() -> net.agent.running("ha1", "web") || net.agent.running("ha2", "web"));
        awaitSettled();
        assertThat(net.running("vip", "web").values()).as(net.describe()).allMatch(nodes -> nodes.size() == 1);
    }

    @Test
    void whenPartitionsMergeTheNewestOperatorStateWins() throws Exception {
        twoNodes("ha1", "policy: {two_node_unsafe: true}\n");
        awaitGroupOn("ha1");
        awaitSettled();

        net.partition(List.of("ha1"), List.of("ha2"));
        net.view("ha1", Kind.DEAD, "ha2", List.of("ha1"));
        net.view("ha2", Kind.DEAD, "ha1", List.of("ha2"));
        // Split brain (two_node_unsafe): ha2 runs the group too; its operator puts ha1 in standby.
        eventually("ha2 runs www as well").until(() -> net.agent.running("ha2", "web"));
        var standby = net.coordination("ha2").request("standby", List.of("ha1")).get(15, TimeUnit.SECONDS);
        assertThat(standby.ok()).isTrue();

        net.heal(List.of("ha1"), List.of("ha2"));
        net.view("ha1", Kind.JOINED, "ha2", List.of("ha1", "ha2"));
        net.view("ha2", Kind.JOINED, "ha1", List.of("ha1", "ha2"));

        // The standby is the newest operator decision anywhere: ha1 must run nothing.
        awaitGroupOn("ha2");
        awaitSettled();
        assertThat(net.coordination("ha1").status().admin().standby()).containsExactly("ha1");
        assertThat(net.coordination("ha2").status().admin().standby()).containsExactly("ha1");
    }
}
