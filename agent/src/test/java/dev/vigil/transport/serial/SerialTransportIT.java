package dev.vigil.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.transport.Drops;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SerialTransport and SerialLinkCheck over a real pty pair joined by socat. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SerialTransportIT {
    private static final Logger LOG = LoggerFactory.getLogger(SerialTransportIT.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private SocatPair cable;
    private final Drops dropsA = new Drops(Clock.systemUTC(), Duration.ofSeconds(1));
    private final Drops dropsB = new Drops(Clock.systemUTC(), Duration.ofSeconds(1));
    private SerialTransport a;
    private SerialTransport b;
    private final BlockingQueue<String> atA = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> atB = new LinkedBlockingQueue<>();

    @BeforeEach
    void plugIn() throws Exception {
        assumeTrue(SocatPair.available(), "socat is not on PATH: install it (apt-get install socat) to run the serial integration tests");
        cable = new SocatPair(dir);
        cable.start();
    }

    @AfterEach
    void unplug() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (cable != null) {
            cable.kill();
        }
    }

    private void startBoth() throws Exception {
        a = new SerialTransport(3, "ser-a", cable.a.toString(), 19200, dropsA);
        b = new SerialTransport(3, "ser-b", cable.b.toString(), 19200, dropsB);
        a.start((link, packet, origin) -> {
            assertThat(link).isEqualTo(3);
            atA.add(new String(packet, StandardCharsets.UTF_8));
        });
        b.start((link, packet, origin) -> atB.add(new String(packet, StandardCharsets.UTF_8)));
    }

    private static String take(BlockingQueue<String> q) throws InterruptedException {
        return q.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void framesFlowBothWays() throws Exception {
        startBoth();
        for (int i = 0; i < 20; i++) {
            a.send(("a->b " + i).getBytes(StandardCharsets.UTF_8));
            b.send(("b->a " + i).getBytes(StandardCharsets.UTF_8));
            assertThat(take(atB)).isEqualTo("a->b " + i);
            assertThat(take(atA)).isEqualTo("b->a " + i);
        }
        byte[] big = new byte[SerialFrameCodec.MAX_PAYLOAD];
        java.util.Arrays.fill(big, (byte) 'x');
        a.send(big);
        assertThat(take(atB)).hasSize(SerialFrameCodec.MAX_PAYLOAD);
        assertThat(dropsA.snapshot()).isEmpty();
        assertThat(dropsB.snapshot()).isEmpty();
        // The sender counts a frame once its write returns, which can be after the receiver has
        // already delivered it: wait for the count instead of racing it.
        await().atMost(WAIT).until(() -> a.framesSent() == 21);
        assertThat(a.framesSent()).isEqualTo(21);
        assertThat(b.framesReceived()).isEqualTo(21);
    }

    @Test
    void garbageBetweenFramesIsSkippedAndCounted() throws Exception {
        startBoth();
        // A second writer on A's pty: as root this is allowed even if the port is opened exclusively.
        try (var raw = new FileOutputStream(cable.a.toFile())) {
            for (int i = 0; i < 5; i++) {
                a.send(("frame " + i).getBytes(StandardCharsets.UTF_8));
                assertThat(take(atB)).isEqualTo("frame " + i);
                raw.write("line noise!".getBytes(StandardCharsets.US_ASCII)); // 11 bytes
                raw.flush();
            }
        }
        a.send("last".getBytes(StandardCharsets.UTF_8));
        assertThat(take(atB)).isEqualTo("last");
        assertThat(dropsB.count("serial-garbage")).isEqualTo(5 * 11);
        assertThat(dropsB.count("serial-crc")).isZero();
    }

    @Test
    void cablePullIsNoticedAndTheLinkReopensByPath() throws Exception {
        startBoth();
        a.send("before".getBytes(StandardCharsets.UTF_8));
        assertThat(take(atB)).isEqualTo("before");

        cable.kill();
        await().atMost(WAIT).until(() -> !a.isUp() && !b.isUp());
        a.send("into the void".getBytes(StandardCharsets.UTF_8));
        assertThat(dropsA.count("serial-send-failed")).isEqualTo(1);

        long t0 = System.nanoTime();
        cable.start(); // new ptys behind the same symlinks
        await().atMost(WAIT).until(() -> a.isUp() && b.isUp());
        LOG.info("both ends reopened {} ms after socat restarted", (System.nanoTime() - t0) / 1_000_000);
        assertThat(a.reopens()).isEqualTo(1);
        assertThat(b.reopens()).isEqualTo(1);

        a.send("after".getBytes(StandardCharsets.UTF_8));
        b.send("and back".getBytes(StandardCharsets.UTF_8));
        assertThat(take(atB)).isEqualTo("after");
        assertThat(take(atA)).isEqualTo("and back");
    }

    @Test
    void closeIsPromptAndIdempotent() throws Exception {
        startBoth();
        long t0 = System.nanoTime();
        a.close();
        a.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        assertThat(a.isUp()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("vigil-serial-ser-a"));
    }

    @Test
    void closeDuringReopenBackoffIsPrompt() throws Exception {
        startBoth();
        cable.kill();
        await().atMost(WAIT).until(() -> !a.isUp());
        long t0 = System.nanoTime();
        a.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void pairedLinkTestIsOk() {
        // 20 ms rather than 5: a JVM pause of a few tens of ms would otherwise overflow the
        // transport's 4-frame send queue and (correctly) show up as lost probes.
        var settings = SerialLinkCheck.Settings.DEFAULTS.withCount(200).withInterval(Duration.ofMillis(20));
        var result = new SerialLinkCheck(settings, 19200, SerialLinkCheck.Progress.NONE)
                .runPaired(cable.a.toString(), cable.b.toString());
        LOG.info("paired serial test over ptys: {}", result);
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(SerialLinkCheck.Verdict.OK);
        assertThat(result.sent()).isEqualTo(200);
        assertThat(result.received()).isEqualTo(200);
        assertThat(result.garbageBytes()).isZero();
        assertThat(result.lost()).isZero();
        assertThat(result.corrupted()).isZero();
        var rtt = result.rtt().orElseThrow();
        assertThat(rtt.min()).isPositive();
        assertThat(rtt.p50()).isLessThan(Duration.ofMillis(100));
        assertThat(rtt.max()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void senderAndReceiverRolesOverTheCable() throws Exception {
        // 20 ms, as in the paired test: at 5 ms the transport's 4-frame send queue covered only a
        // 20 ms pause of the sender, and on a loaded CI machine one frame was (correctly) dropped.
        var settings = SerialLinkCheck.Settings.DEFAULTS.withCount(50).withInterval(Duration.ofMillis(20))
                .withReceiverTimeout(Duration.ofSeconds(10));
        var test = new SerialLinkCheck(settings, 19200, SerialLinkCheck.Progress.NONE);
        var rx = new Thread(() -> atB.add(test.runReceiver(cable.b.toString()).toString()), "test-receiver");
        rx.start();
        Thread.sleep(300); // the receiver must be listening before the first probe
        var result = test.runSender(cable.a.toString());
        rx.join(WAIT.toMillis());
        String receiverResult = atB.poll();
        LOG.info("sender: {}; receiver: {}", result, receiverResult);
        assertThat(result.verdict()).as(result.explanation()).isEqualTo(SerialLinkCheck.Verdict.OK);
        assertThat(receiverResult).contains("received=50").contains("verdict=OK");
    }
}
