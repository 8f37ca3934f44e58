package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.TimingPreset;
import dev.vigil.control.StatusReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents as real processes on loopback addresses 127.0.0.11-13 (lan preset), unicast
 * heartbeats: membership, kill -9, restart, and polite leave.
 */
@Tag("integration")
class LoopbackClusterIT {
    // The lan preset, whatever its current values.
    private static final Duration KEEPALIVE = TimingPreset.LAN.timing().keepalive();
    private static final Duration DEADTIME = TimingPreset.LAN.timing().deadtime();
    /** Covers the kill itself and log-writing; detection is measured from the agents' log lines. */
    private static final Duration OBSERVATION_SLACK = Duration.ofMillis(150);

    @TempDir
    Path dir;
    private TestCluster cluster;

    private TestCluster startCluster() throws Exception {
        int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
        cluster = new TestCluster(dir, """
                cluster: itest
                auth: {keyfile: KEYFILE}
                timing: {preset: lan}
                nodes:
                  - {name: ha1, address: 127.0.0.11}
                  - {name: ha2, address: 127.0.0.12}
                  - {name: ha3, address: 127.0.0.13}
                links:
                  - {type: udp, mode: unicast, port: %d}
                """.formatted(port), Map.of());
        for (var n : List.of("ha1", "ha2", "ha3")) {
            cluster.start(n);
        }
        await("all three see each other").atMost(TestCluster.AGENTS_UP).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (var observer : List.of("ha1", "ha2", "ha3")) {
                        var r = cluster.status(observer);
                        assertThat(r).as("%s answers", observer).isPresent();
                        assertThat(r.get().nodes()).extracting(StatusReport.NodeReport::state)
                                .as("seen by %s", observer).containsOnly("alive");
                        assertThat(r.get().members()).containsExactly("ha1", "ha2", "ha3");
                    }
                });
        return cluster;
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killedNodeIsDeclaredDeadWithinDeadtimePlusKeepaliveAndRejoinsWithANewIncarnation() throws Exception {
        var c = startCluster();
        long oldIncarnation = c.status("ha2").orElseThrow().incarnation();

        // Wall clock, to compare with the agents' log timestamps.
        var killedAt = java.time.LocalDateTime.now();
        c.kill("ha2");
        await("ha1 and ha3 see ha2 dead").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(c.stateSeenBy("ha1", "ha2")).contains("dead");
                    assertThat(c.stateSeenBy("ha3", "ha2")).contains("dead");
                });
        var bound = DEADTIME.plus(KEEPALIVE).plus(OBSERVATION_SLACK);
        for (var observer : List.of("ha1", "ha3")) {
            var loggedAt = c.firstLogged(observer, "node ha2 is dead");
            assertThat(loggedAt).as("%s logged ha2 dead\n%s", observer, c.logs()).isPresent();
            assertThat(Duration.between(killedAt, loggedAt.get())).as("%s: kill -9 to 'is dead'", observer)
                    .isLessThanOrEqualTo(bound);
        }
        assertThat(c.status("ha1").orElseThrow().members()).containsExactly("ha1", "ha3");

        c.start("ha2");
        // Seen by both survivors, each in its own time: ha3 may hear ha2's first beat a moment
        // after ha1 does (it once had not yet when asked right after ha1 had).
        await("ha2 back with a new incarnation").atMost(TestCluster.AGENTS_UP).untilAsserted(() -> {
            for (var observer : List.of("ha1", "ha3")) {
                var report = c.status(observer).orElseThrow();
                var seen = report.nodes().stream().filter(n -> n.name().equals("ha2")).findFirst().orElseThrow();
                assertThat(seen.state()).as("ha2 seen by %s", observer).isEqualTo("alive");
                assertThat(seen.incarnation()).as("ha2's incarnation seen by %s", observer).isGreaterThan(oldIncarnation);
                assertThat(report.members()).as("%s's view", observer).containsExactly("ha1", "ha2", "ha3");
            }
        });
    }

    @Test
    void terminatedNodeIsLeftWithoutWaitingForDeadtime() throws Exception {
        var c = startCluster();
        long stoppedAt = System.nanoTime();
        c.terminate("ha3");
        Duration seenLeft = null;
        while (TestCluster.since(stoppedAt).compareTo(Duration.ofSeconds(5)) < 0) {
            if (c.stateSeenBy("ha1", "ha3").equals(Optional.of("left"))) {
                seenLeft = TestCluster.since(stoppedAt);
                break;
            }
            Thread.sleep(10);
        }
        assertThat(seenLeft).as("ha1 saw ha3 leave\n%s", c.logs()).isNotNull();
        // From the signal to the view change; far below the 1 s deadtime the peers would otherwise wait.
        assertThat(seenLeft).isLessThan(DEADTIME);
        assertThat(c.process("ha3").exitValue()).as("a clean SIGTERM exit").isIn(0, 143);
        // ha2 takes in the same LEAVE in its own time (a moment after ha1, on a busy machine).
        await("ha2 saw ha3 leave too").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(c.status("ha2").orElseThrow().members()).containsExactly("ha1", "ha2"));
    }
}
