package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.control.StatusReport;
import dev.vigil.transport.serial.SocatPair;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents whose only heartbeat medium is a null-modem cable (a socat pty pair): alive over
 * serial alone, the cable pulled and plugged back, and line noise.
 */
@Tag("integration")
class SerialClusterIT {
    @TempDir
    Path dir;
    private SocatPair cable;
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) cluster.close();
        if (cable != null) cable.close();
    }

    private void start() throws Exception {
        assumeThat(SocatPair.available()).as("socat is needed for the serial tests (apt-get install socat)").isTrue();
        cable = new SocatPair(dir);
        cable.start();
        cluster = new TestCluster(dir, """
                cluster: serialtest
                auth: {keyfile: KEYFILE}
                timing: {preset: serial}
                nodes:
                  - {name: ha1, address: 127.0.0.31}
                  - {name: ha2, address: 127.0.0.32}
                links:
                  - {type: serial, between: [ha1, ha2], device: {ha1: %s, ha2: %s}, baud: 19200}
                """.formatted(cable.a, cable.b), Map.of());
        cluster.start("ha1");
        cluster.start("ha2");
        await("alive over the cable").atMost(TestCluster.AGENTS_UP).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    assertThat(cluster.stateSeenBy("ha1", "ha2")).contains("alive");
                    assertThat(cluster.stateSeenBy("ha2", "ha1")).contains("alive");
                });
    }

    private static StatusReport.LinkReport serialLink(StatusReport r, String peer) {
        return r.nodes().stream().filter(n -> n.name().equals(peer)).findFirst().orElseThrow().links().get(0);
    }

    @Test
    void aliveOverSerialOnlyAndBackAfterTheCableIsPlugged() throws Exception {
        start();
        var link = serialLink(cluster.status("ha1").orElseThrow(), "ha2");
        assertThat(link.link()).startsWith("serial:");
        assertThat(link.state()).isEqualTo("up");

        cable.kill(); // the cable is pulled
        // serial preset: deadtime 3 s.
        await("dead without the cable").atMost(Duration.ofSeconds(6)).untilAsserted(() -> {
            assertThat(cluster.stateSeenBy("ha1", "ha2")).contains("dead");
            assertThat(cluster.stateSeenBy("ha2", "ha1")).contains("dead");
            assertThat(serialLink(cluster.status("ha1").orElseThrow(), "ha2").state()).isEqualTo("down");
        });

        cable.start(); // plugged back: new /dev/pts behind the same paths
        await("alive again after reopening").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(cluster.stateSeenBy("ha1", "ha2")).contains("alive");
            assertThat(cluster.stateSeenBy("ha2", "ha1")).contains("alive");
        });
        assertThat(cluster.logs()).contains("serial link").contains("reopened");
    }

    @Test
    void lineNoiseIsCountedAndHeartbeatsResynchronise() throws Exception {
        start();
        // Noise injected at ha1's end of the line travels to ha2, between ha1's own frames.
        var noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        for (int i = 0; i < 10; i++) {
            try (var out = new FileOutputStream(cable.a.toFile())) {
                out.write(noise, i * 400, 400);
            }
            Thread.sleep(100);
        }
        await("garbage counted by ha2").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var drops = cluster.status("ha2").orElseThrow().drops();
            assertThat(drops.getOrDefault("serial-garbage", 0L)).isPositive();
        });
        // Frames keep arriving after the noise: ha1 stays alive and recently heard.
        Thread.sleep(3_500); // longer than the serial deadtime
        var seen = cluster.status("ha2").orElseThrow();
        assertThat(TestCluster.stateOf(seen, "ha1")).isEqualTo(Optional.of("alive"));
        assertThat(serialLink(seen, "ha1").lastHeardMs()).isLessThan(1_500L);
        assertThat(cluster.logs()).doesNotContain("is dead");
    }
}
