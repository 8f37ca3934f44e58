package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: fence races decided deliberately. Two bed nodes with a power switch each
 * ({@code fence_vigil_netns}) and no ping target; the heartbeat cable is cut at a random moment,
 * on a random side, again and again. Both halves lose each other and both try to fence: exactly
 * one must survive every time, and it must be the one the rule predicts:
 *
 * <ul>
 *   <li>with {@code priority_fencing_delay} and the priority-10 group on ha2 (the second node in
 *       file order, so the prediction is not "the first node"): ha2 survives, because ha1, fencing
 *       the node with the highest priority, waits the delay, and ha2 fences ha1 first;</li>
 *   <li>then, applied with {@code vigil config apply}, no priority delay and {@code delay_base} on
 *       ha1's power switch only (and {@code auto_failback: false}, so the group stays where it
 *       went): ha1 survives (fencing it is slow), though it held nothing at first.</li>
 * </ul>
 *
 * After each cut the fenced node's agent is started again and the next cut waits until it has
 * rejoined and knows where the group runs. {@code -Dfencerace.cuts=N} sets the cuts for the first rule
 * and {@code -Dfencerace.device.cuts=N} for the second rule (default 14 and 6: the 20
 * cuts at random moments, every one with exactly the predicted survivor; {@code bench/fence-race.sh}
 * runs 20 and 10).
 */
@Tag("integration")
class FenceRaceBedIT {
    private static final Timing TIMING = TimingPreset.FAST.timing();
    /** Well above what the winner needs to detect the cut and run its fence agent (a few hundred ms). */
    private static final Duration RACE_DELAY = Duration.ofSeconds(3);
    /** The fence device's timeout ({@link BedCluster}'s {@code timeout: 20s}). */
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20);
    /**
     * When the race is over at the latest: the loser's detection, its delay, its fence (it must
     * not have happened) plus room for a loaded machine.
     */
    private static final Duration RACE_BOUND = TIMING.deadtime().plus(TIMING.keepalive()).plus(RACE_DELAY)
            .plus(FENCE_TIMEOUT);
    /** An agent started again: JVM, rejoin, the group's state learnt (a JVM took 60 s at a load of 49). */
    private static final Duration REJOIN = Duration.ofSeconds(120);
    private static final int PRIORITY_CUTS = Integer.getInteger("fencerace.cuts", 14);
    private static final int DEVICE_CUTS = Integer.getInteger("fencerace.device.cuts", 6);

    private static final String TEMPLATE = """
            cluster: race
            version: 1
            auth: {keyfile: KEYFILE}
            timing: {preset: fast}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}}
            groups:
              - {id: www, members: [vip], prefer: ha2, priority: 10}
            policy: {priority_fencing_delay: 3s}
            ${FENCING}
            """;

    private BedCluster cluster;
    private Path workDir;
    private final long seed = Long.getLong("fencerace.seed", System.nanoTime());
    private final SplittableRandom random = new SplittableRandom(seed);

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the fence race test on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("vfr");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (cluster != null) {
                cluster.closeLeavingNothing();
            }
        } finally {
            BedCluster.keepLogsAndDelete(workDir, "fence-race-it");
        }
    }

    @Test
    void everyCutLeavesExactlyOneSurvivorTheOneTheRulePredicts() throws Exception {
        log("seed %d (-Dfencerace.seed=%d repeats the cut moments)", seed, seed);
        cluster = BedCluster.create(2, workDir, TEMPLATE);
        cluster.startAll();
        awaitHealthy("ha2");
        assertThat(cluster.status("ha1").orElseThrow().resources().fencing().nodes())
                .as("status shows the rule: fencing ha2, which runs the priority-10 group, waits 3 s")
                .extracting(StatusReport.NodeFencing::name, StatusReport.NodeFencing::priority,
                        StatusReport.NodeFencing::priorityDelayMs)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ha1", 0, 0L),
                        org.assertj.core.groups.Tuple.tuple("ha2", 10, RACE_DELAY.toMillis()));

        for (int i = 1; i <= PRIORITY_CUTS; i++) {
            race("priority " + i + "/" + PRIORITY_CUTS, "ha2");
        }

        // Same cluster, other rule: no priority delay; ha1's power switch waits before it acts.
        String v2 = Files.readString(cluster.agents().configFile())
                .replace("version: 1\n", "version: 2\n")
                .replace("policy: {priority_fencing_delay: 3s}", "policy: {auto_failback: false}")
                .replace("{id: power-ha1, agent: fence_vigil_netns,", "{id: power-ha1, agent: fence_vigil_netns, delay_base: 3s,");
        assertThat(v2).contains("delay_base: 3s");
        var file = Files.writeString(workDir.resolve("cluster-v2.yaml"), v2);
        var apply = cluster.vigil("ha2", Duration.ofSeconds(60), "config", "apply", file.toString());
        assertThat(apply.exit()).as(apply.stdout() + apply.stderr()).isZero();
        await("ha2 shows the new rule").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(cluster.status("ha2").orElseThrow().resources().fencing().nodes())
                        .extracting(StatusReport.NodeFencing::name, StatusReport.NodeFencing::minDelayMs)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("ha1", RACE_DELAY.toMillis()),
                                org.assertj.core.groups.Tuple.tuple("ha2", 0L)));
        for (int i = 1; i <= DEVICE_CUTS; i++) {
            race("delay_base " + i + "/" + DEVICE_CUTS, "ha1");
        }
    }

    /** One cut at a random moment on a random side; {@code winner} must be the only one left. */
    private void race(String round, String winner) throws Exception {
        String loser = winner.equals("ha1") ? "ha2" : "ha1";
        // Past the restarted node's joining period (in its first 3 s a peer is declared dead only
        // after 1 s of silence, which would eat into the delay: the delay must exceed the winner's
        // detection), then any moment of the heartbeat cycle and of the monitor's (2 s).
        Thread.sleep(Timing.JOINING_PERIOD.toMillis() + random.nextInt(2000));
        String cut = random.nextBoolean() ? "ha1" : "ha2";
        long cutAt = System.nanoTime();
        cluster.bed().cutLink(cut);
        var loserAgent = cluster.agents().process(loser);
        var winnerAgent = cluster.agents().process(winner);
        await(round + ": one of the two fenced").atMost(RACE_BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> !loserAgent.isAlive() || !winnerAgent.isAlive());
        long decidedMs = Duration.ofNanos(System.nanoTime() - cutAt).toMillis();
        assertThat(winnerAgent.isAlive()).as(round + ": cable cut on %s; %s must survive", cut, winner).isTrue();
        assertThat(loserAgent.isAlive()).as(round + ": %s fenced", loser).isFalse();
        // The winner's fence is over (a reboot: off, then on) before the loser boots again: an off
        // still running would kill the new agent too.
        await(round + ": " + winner + " done fencing " + loser).atMost(FENCE_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.status(winner).map(r -> r.resources().fenced().contains(loser)).orElse(false));
        cluster.bed().restoreLink(cut);
        log("%s: cable cut on %s, %s fenced %s after %d ms", round, cut, winner, loser, decidedMs);

        cluster.start(loser);
        awaitHealthy(winner);
        // The loser's fence never ran: the winner's agent lived on until the loser was back.
        assertThat(winnerAgent.isAlive()).as(round + ": %s still alive after %s rejoined", winner, loser).isTrue();
    }

    /** Both agents members of each other's view, the group on {@code holder} as both see it, one VIP holder. */
    private void awaitHealthy(String holder) {
        cluster.awaitTwoNodesSettledOn(holder, "vip", REJOIN);
    }

    private static void log(String format, Object... args) {
        System.out.println("FenceRaceBedIT: " + String.format(format, args));
    }

}
