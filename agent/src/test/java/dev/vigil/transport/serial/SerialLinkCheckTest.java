package dev.vigil.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probe/echo logic over an in-memory line, without ptys. */
class SerialLinkCheckTest {
    private final ExecutorService line = Executors.newSingleThreadExecutor();
    private final Drops senderDrops = new Drops(Clock.systemUTC(), Duration.ofMinutes(1));
    private final Drops receiverDrops = new Drops(Clock.systemUTC(), Duration.ofMinutes(1));
    private final SerialLinkCheck.Settings fast = SerialLinkCheck.Settings.DEFAULTS
            .withCount(40).withInterval(Duration.ofMillis(2)).withReplyTimeout(Duration.ofMillis(500))
            .withReceiverTimeout(Duration.ofSeconds(5));

    @AfterEach
    void stopLine() throws InterruptedException {
        line.shutdownNow();
        line.awaitTermination(1, TimeUnit.SECONDS);
    }

    /** One end of an in-memory cable; the other end receives what passes {@code keep}. */
    private final class End implements Transport {
        End peer;
        volatile InboundHandler handler;
        final AtomicInteger sent = new AtomicInteger();
        IntPredicate keep = n -> true;

        @Override public int linkIndex() { return 0; }
        @Override public String linkName() { return "mem"; }
        @Override public void start(InboundHandler receiver) { handler = receiver; }
        @Override public void close() {}

        @Override
        public void send(byte[] packet) {
            int n = sent.getAndIncrement();
            if (!keep.test(n) || peer == null) {
                return;
            }
            byte[] copy = packet.clone();
            line.execute(() -> {
                var h = peer.handler;
                if (h != null) {
                    h.onPacket(0, copy, "mem");
                }
            });
        }
    }

    private End[] cable() {
        var a = new End();
        var b = new End();
        a.peer = b;
        b.peer = a;
        return new End[] {a, b};
    }

    private SerialLinkCheck.Result runBoth(End a, End b, SerialLinkCheck test) throws Exception {
        var rx = Executors.newSingleThreadExecutor();
        try {
            var receiver = rx.submit(() -> test.receiver(b, receiverDrops, "b"));
            // As with a real cable, probes sent before the receiver listens are lost.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (b.handler == null && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            var result = test.sender(a, senderDrops, "a");
            var r = receiver.get(10, TimeUnit.SECONDS);
            assertThat(r.received()).isGreaterThan(0);
            return result;
        } finally {
            rx.shutdownNow();
        }
    }

    @Test
    void cleanLineIsOk() throws Exception {
        var c = cable();
        var progress = new AtomicInteger();
        var test = new SerialLinkCheck(fast, 19200, (s, r, x) -> progress.incrementAndGet());
        var result = runBoth(c[0], c[1], test);
        assertThat(result.verdict()).isEqualTo(SerialLinkCheck.Verdict.OK);
        assertThat(result.sent()).isEqualTo(40);
        assertThat(result.received()).isEqualTo(40);
        assertThat(result.lost()).isZero();
        assertThat(result.rtt()).isPresent();
        assertThat(result.rtt().get().min()).isLessThanOrEqualTo(result.rtt().get().p50());
        assertThat(result.rtt().get().p99()).isLessThanOrEqualTo(result.rtt().get().max());
        assertThat(progress.get()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void lossyLineIsDegraded() throws Exception {
        var c = cable();
        c[0].keep = n -> n % 10 != 3; // every tenth probe vanishes on the way out
        var result = runBoth(c[0], c[1], new SerialLinkCheck(fast, 19200, SerialLinkCheck.Progress.NONE));
        assertThat(result.verdict()).isEqualTo(SerialLinkCheck.Verdict.DEGRADED);
        assertThat(result.lost()).isEqualTo(4);
        assertThat(result.explanation()).contains("4 of 40 frames lost");
    }

    @Test
    void silentLineIsNoLinkAndBoundedInTime() {
        var a = new End(); // nobody at the other end
        var settings = fast.withCount(5);
        long t0 = System.nanoTime();
        var result = new SerialLinkCheck(settings, 19200, SerialLinkCheck.Progress.NONE).sender(a, senderDrops, "a");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.verdict()).isEqualTo(SerialLinkCheck.Verdict.NO_LINK);
        assertThat(result.lost()).isEqualTo(5);
        assertThat(result.rtt()).isEmpty();
        assertThat(result.explanation()).contains("null-modem").contains("19200 baud").contains("receiver is running");
    }

    @Test
    void garbledLineSuggestsABaudMismatch() {
        var a = new End();
        senderDrops.add("serial-garbage", 500, "test");
        var result = new SerialLinkCheck(fast.withCount(2), 9600, SerialLinkCheck.Progress.NONE).sender(a, senderDrops, "a");
        assertThat(result.verdict()).isEqualTo(SerialLinkCheck.Verdict.NO_LINK);
        assertThat(result.explanation()).contains("garbled").contains("9600 baud");
    }

    @Test
    void receiverWithoutSenderTimesOut() {
        var b = new End();
        var result = new SerialLinkCheck(fast.withReceiverTimeout(Duration.ofMillis(200)), 19200,
                SerialLinkCheck.Progress.NONE).receiver(b, receiverDrops, "b");
        assertThat(result.verdict()).isEqualTo(SerialLinkCheck.Verdict.NO_LINK);
        assertThat(result.explanation()).contains("no probe frames arrived within 200");
    }

    @Test
    void cannotOpenIsNoLink() {
        var result = new SerialLinkCheck(fast, 19200, SerialLinkCheck.Progress.NONE)
                .runSender("/nonexistent/vigil-tty");
        assertThat(result.verdict()).isEqualTo(SerialLinkCheck.Verdict.NO_LINK);
        assertThat(result.sent()).isZero();
        assertThat(result.explanation()).startsWith("cannot open /nonexistent/vigil-tty");
    }

    @Test
    void percentilesUseNearestRank() {
        var rtt = SerialLinkCheck.rtt(List.of(5L, 1L, 3L, 2L, 4L, 6L, 7L, 8L, 9L, 10L)).orElseThrow();
        assertThat(rtt.min()).isEqualTo(Duration.ofNanos(1));
        assertThat(rtt.p50()).isEqualTo(Duration.ofNanos(5));
        assertThat(rtt.p99()).isEqualTo(Duration.ofNanos(10));
        assertThat(rtt.max()).isEqualTo(Duration.ofNanos(10));
    }
}
