package dev.vigil.transport.serial;

import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measurable form of heartbeat's {@code cat < /dev/ttyS0} on one node and
 * {@code echo hello > /dev/ttyS0} on the other: the sender sends numbered probe frames, the
 * receiver echoes each one back, and the sender reports loss, corruption and round-trip times.
 * Used by {@code vigil serial-test} and the console's setup wizard.
 *
 * <p>Every run is bounded in frames and in time. The core methods work on any {@link Transport};
 * the {@code run*} methods open {@link SerialTransport}s on device paths.
 */
public final class SerialLinkCheck {
    public enum Role { SENDER, RECEIVER, PAIRED }

    public enum Verdict { OK, DEGRADED, NO_LINK }

    /** Round-trip times of the probes that came back (nearest-rank percentiles). */
    public record Rtt(Duration min, Duration p50, Duration p99, Duration max) {}

    /**
     * @param sent        probes sent (sender, paired) or echoes sent (receiver)
     * @param received    probes that came back (sender, paired) or distinct probes received (receiver)
     * @param corrupted   frames that failed their CRC, at either end in paired mode
     * @param lost        probes sent but never echoed back (receiver: probes the sender announced but never arrived)
     * @param garbageBytes bytes skipped between frames, at either end in paired mode
     * @param rtt         empty when nothing came back, and always for the receiver
     */
    public record Result(Role role, long sent, long received, long corrupted, long lost, long garbageBytes,
                         Optional<Rtt> rtt, Verdict verdict, String explanation) {}

    /**
     * @param count           probes to send, 1..100000
     * @param interval        between probes, 1 ms..60 s
     * @param replyTimeout    how long the sender waits for stragglers after its last probe
     * @param receiverTimeout how long the receiver waits for the first probe
     * @param payloadBytes    probe size, {@value #MIN_PAYLOAD}..{@value SerialFrameCodec#MAX_PAYLOAD}
     */
    public record Settings(int count, Duration interval, Duration replyTimeout, Duration receiverTimeout,
                           int payloadBytes) {
        public static final Settings DEFAULTS =
                new Settings(100, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(60), 56);

        public Settings {
            if (count < 1 || count > 100_000) {
                throw new IllegalArgumentException("count must be 1..100000: " + count);
            }
            if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("interval must be 1ms..60s: " + interval);
            }
            if (replyTimeout.isNegative() || replyTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("reply timeout must be 0..5m: " + replyTimeout);
            }
            if (receiverTimeout.isNegative() || receiverTimeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("receiver timeout must be 0..1h: " + receiverTimeout);
            }
            if (payloadBytes < MIN_PAYLOAD || payloadBytes > SerialFrameCodec.MAX_PAYLOAD) {
                throw new IllegalArgumentException("payload must be " + MIN_PAYLOAD + ".." + SerialFrameCodec.MAX_PAYLOAD + " bytes");
            }
        }

        public Settings withCount(int c) {
            return new Settings(c, interval, replyTimeout, receiverTimeout, payloadBytes);
        }

        public Settings withInterval(Duration i) {
            return new Settings(count, i, replyTimeout, receiverTimeout, payloadBytes);
        }

        public Settings withReplyTimeout(Duration t) {
            return new Settings(count, interval, t, receiverTimeout, payloadBytes);
        }

        public Settings withReceiverTimeout(Duration t) {
            return new Settings(count, interval, replyTimeout, t, payloadBytes);
        }
    }

    /**
     * Called after each probe sent (sender) or echoed (receiver, from the transport's reader
     * thread) and once at the end; must return quickly.
     */
    @FunctionalInterface
    public interface Progress {
        void update(long sent, long received, long corrupted);

        Progress NONE = (s, r, c) -> {};
    }

    // Probe layout: magic "VST", kind, run id, seq, count, interval (ms), send time (nanoTime), filler.
    private static final int MAGIC = 0x56535400; // "VST\0", low byte replaced by the kind
    private static final byte PROBE = 'P';
    private static final byte ECHO = 'E';
    static final int MIN_PAYLOAD = 4 + 8 + 4 + 4 + 4 + 8;
    /** After the last probe or a quiet spell, the receiver lingers this long so its echoes get written. */
    private static final Duration RECEIVER_LINGER = Duration.ofMillis(300);
    /** The receiver gives up this long after the last probe it saw, if the final one never comes. */
    private static final Duration RECEIVER_QUIET = Duration.ofSeconds(3);

    private final Settings settings;
    private final int baud;
    private final Progress progress;

    /** @param baud used for the line settings and in explanations */
    public SerialLinkCheck(Settings settings, int baud, Progress progress) {
        this.settings = Objects.requireNonNull(settings);
        this.baud = baud;
        this.progress = Objects.requireNonNull(progress);
    }

    public Result runSender(String device) {
        var drops = newDrops();
        var t = new SerialTransport(0, "serial-test", device, baud, drops);
        try (t) {
            return sender(t, drops, device);
        }
    }

    public Result runReceiver(String device) {
        var drops = newDrops();
        var t = new SerialTransport(0, "serial-test", device, baud, drops);
        try (t) {
            return receiver(t, drops, device);
        }
    }

    /** Both ends of one cable on this machine: a receiver on {@code peerDevice}, the sender on {@code device}. */
    public Result runPaired(String device, String peerDevice) {
        var rxDrops = newDrops();
        var txDrops = newDrops();
        var rx = new SerialTransport(1, "serial-test-rx", peerDevice, baud, rxDrops);
        var tx = new SerialTransport(0, "serial-test-tx", device, baud, txDrops);
        try (rx; tx) {
            var echoer = new Echoer(rx, rxDrops, false);
            try {
                rx.start(echoer);
            } catch (IOException e) {
                return cannotOpen(Role.PAIRED, peerDevice, e);
            }
            Result s = sender(tx, txDrops, device);
            if (s.verdict() == Verdict.NO_LINK && s.sent() == 0) {
                return s; // could not open the sender's device: already explained
            }
            long corrupted = s.corrupted() + rxDrops.count("serial-crc");
            long garbage = s.garbageBytes() + rxDrops.count("serial-garbage");
            return judgeSender(Role.PAIRED, s.sent(), s.received(), corrupted, garbage, s.rtt(),
                    txDrops.count("serial-send-failed") + rxDrops.count("serial-send-failed"),
                    device + " and " + peerDevice);
        }
    }

    /** Runs the sender side on a transport that has not been started; does not close it. */
    public Result sender(Transport t, Drops drops, String where) {
        long runId = ThreadLocalRandom.current().nextLong();
        int count = settings.count();
        long[] rttNanos = new long[count];
        var seen = new BitSet(count);
        var received = new AtomicLong();
        Object lock = new Object();
        try {
            t.start((link, packet, origin) -> {
                long now = System.nanoTime();
                var p = Probe.parse(packet);
                if (p == null || p.kind() != ECHO || p.runId() != runId || p.seq() < 0 || p.seq() >= count) {
                    return; // a stale echo from an earlier run, or someone else's traffic
                }
                synchronized (lock) {
                    if (!seen.get(p.seq())) {
                        seen.set(p.seq());
                        rttNanos[p.seq()] = now - p.sentNanos();
                        received.incrementAndGet();
                        lock.notifyAll();
                    }
                }
            });
        } catch (IOException e) {
            return cannotOpen(Role.SENDER, where, e);
        }
        long start = System.nanoTime();
        long intervalNanos = settings.interval().toNanos();
        int sent = 0;
        try {
            for (int seq = 0; seq < count; seq++) {
                // Scheduled from the start rather than slept between, so send time does not drift the rate.
                sleepUntil(start + seq * intervalNanos);
                t.send(Probe.encode(PROBE, runId, seq, count, (int) settings.interval().toMillis(),
                        System.nanoTime(), settings.payloadBytes()));
                sent++;
                progress.update(sent, received.get(), drops.count("serial-crc"));
            }
            long deadline = System.nanoTime() + settings.replyTimeout().toNanos();
            synchronized (lock) {
                while (received.get() < sent) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Long> samples = new ArrayList<>();
        synchronized (lock) {
            for (int i = seen.nextSetBit(0); i >= 0; i = seen.nextSetBit(i + 1)) {
                samples.add(rttNanos[i]);
            }
        }
        progress.update(sent, samples.size(), drops.count("serial-crc"));
        return judgeSender(Role.SENDER, sent, samples.size(), drops.count("serial-crc"),
                drops.count("serial-garbage"), rtt(samples), drops.count("serial-send-failed"), where);
    }

    /** Runs the receiver side on a transport that has not been started; does not close it. */
    public Result receiver(Transport t, Drops drops, String where) {
        var echoer = new Echoer(t, drops, true);
        try {
            t.start(echoer);
        } catch (IOException e) {
            return cannotOpen(Role.RECEIVER, where, e);
        }
        try {
            echoer.awaitEnd(settings.receiverTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long received;
        long expected;
        long echoed;
        synchronized (echoer) {
            received = echoer.received;
            expected = echoer.expected;
            echoed = echoer.echoed;
        }
        long corrupted = drops.count("serial-crc");
        long garbage = drops.count("serial-garbage");
        progress.update(echoed, received, corrupted);
        long lost = Math.max(0, expected - received);
        Verdict v;
        String why;
        if (received == 0) {
            v = Verdict.NO_LINK;
            why = silence("no probe frames arrived within " + human(settings.receiverTimeout()), garbage, corrupted,
                    "the sender is running");
        } else if (lost == 0 && corrupted == 0) {
            v = Verdict.OK;
            why = "received and echoed all " + received + " probes intact" + garbageNote(garbage);
        } else {
            v = Verdict.DEGRADED;
            why = degraded(lost, expected, corrupted, garbage);
        }
        return new Result(Role.RECEIVER, echoed, received, corrupted, lost, garbage, Optional.empty(), v, why);
    }

    /** Echoes probes back and notices when the sender is done. */
    private final class Echoer implements Transport.InboundHandler {
        private final Transport t;
        private final Drops drops;
        private final boolean reportProgress;
        private BitSet seen = new BitSet();
        long received;
        long expected;
        long echoed;
        long runId;
        long lastSeq = -1;
        long lastProbeNanos;
        long intervalMillis;

        Echoer(Transport t, Drops drops, boolean reportProgress) {
            this.t = t;
            this.drops = drops;
            this.reportProgress = reportProgress;
        }

        @Override
        public void onPacket(int linkIndex, byte[] packet, String origin) {
            var p = Probe.parse(packet);
            if (p == null || p.kind() != PROBE || p.count() <= 0 || p.count() > 100_000 || p.seq() < 0 || p.seq() >= p.count()) {
                return;
            }
            synchronized (this) {
                if (received == 0 || p.runId() != runId) {
                    // A new run (the sender was restarted): count afresh.
                    runId = p.runId();
                    seen = new BitSet(p.count());
                    received = 0;
                    echoed = 0;
                }
                expected = p.count();
                intervalMillis = p.intervalMillis();
                lastProbeNanos = System.nanoTime();
                lastSeq = p.seq();
                if (!seen.get(p.seq())) {
                    seen.set(p.seq());
                    received++;
                }
                notifyAll();
            }
            packet[3] = ECHO;
            t.send(packet);
            long e;
            long r;
            synchronized (this) {
                e = ++echoed;
                r = received;
            }
            if (reportProgress) {
                progress.update(e, r, drops.count("serial-crc"));
            }
        }

        /** Waits for the first probe (up to {@code firstTimeout}), then for the last one or a quiet spell. */
        synchronized void awaitEnd(Duration firstTimeout) throws InterruptedException {
            long deadline = System.nanoTime() + firstTimeout.toNanos();
            while (received == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            // From here the sender's own count and interval bound the run; the quiet limit ends
            // it early if the sender dies or the cable is pulled.
            long hardEnd = System.nanoTime() + expected * Math.max(1, intervalMillis) * 1_000_000L
                    + RECEIVER_QUIET.toNanos() + settings.replyTimeout().toNanos();
            while (lastSeq < expected - 1) {
                long quietEnd = lastProbeNanos + RECEIVER_QUIET.toNanos()
                        + Math.max(1, intervalMillis) * 1_000_000L;
                long left = Math.min(hardEnd, quietEnd) - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            // Let the writer thread put the last echoes on the line before the port closes.
            TimeUnit.NANOSECONDS.timedWait(this, RECEIVER_LINGER.toNanos());
        }
    }

    private Result judgeSender(Role role, long sent, long received, long corrupted, long garbage,
                               Optional<Rtt> rtt, long sendFailed, String where) {
        long lost = sent - received;
        Verdict v;
        String why;
        if (received == 0) {
            v = Verdict.NO_LINK;
            if (sent > 0 && sendFailed >= sent) {
                why = "could not write any frame to " + where + ": the device is not accepting data";
            } else {
                why = silence("no frames came back", garbage, corrupted,
                        role == Role.PAIRED ? "it joins " + where : "the receiver is running");
            }
        } else if (lost == 0 && corrupted == 0) {
            v = Verdict.OK;
            var r = rtt.orElseThrow();
            why = "all " + sent + " frames came back intact; RTT p50 " + human(r.p50()) + ", max " + human(r.max())
                    + garbageNote(garbage);
        } else {
            v = Verdict.DEGRADED;
            why = degraded(lost, sent, corrupted, garbage)
                    + (sendFailed > 0 ? "; " + sendFailed + " frames could not be written" : "");
        }
        return new Result(role, sent, received, corrupted, lost, garbage, rtt, v, why);
    }

    private String silence(String what, long garbage, long corrupted, String lastCheck) {
        if (garbage > 0 || corrupted > 0) {
            // Bytes arrive but never form a frame: the classic sign of mismatched line settings.
            return what + ", but " + garbage + " garbage bytes and " + corrupted
                    + " corrupted frames did: the line is live but garbled; check both ends are at "
                    + baud + " baud 8N1";
        }
        return what + ": check the cable is null-modem, both ends at " + baud + " baud, and " + lastCheck;
    }

    private static String degraded(long lost, long of, long corrupted, long garbage) {
        return String.format(Locale.ROOT, "%d of %d frames lost (%.1f%%), %d corrupted, %d garbage bytes: "
                + "the line works but is unreliable; check the cable, its connectors and the baud rate on both ends",
                lost, of, of == 0 ? 0.0 : 100.0 * lost / of, corrupted, garbage);
    }

    private static String garbageNote(long garbage) {
        return garbage == 0 ? "" : " (" + garbage + " garbage bytes skipped: stale bytes or noise when the port opened)";
    }

    private static Result cannotOpen(Role role, String device, IOException e) {
        return new Result(role, 0, 0, 0, 0, 0, Optional.empty(), Verdict.NO_LINK,
                "cannot open " + device + ": " + e.getMessage()
                        + " (check the path, that no other program holds it, and permissions)");
    }

    static Optional<Rtt> rtt(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return Optional.empty();
        }
        long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return Optional.of(new Rtt(Duration.ofNanos(s[0]), Duration.ofNanos(rank(s, 0.50)),
                Duration.ofNanos(rank(s, 0.99)), Duration.ofNanos(s[s.length - 1])));
    }

    private static long rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Milliseconds with enough decimals to show sub-millisecond pty round trips. */
    public static String human(Duration d) {
        double ms = d.toNanos() / 1e6;
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000);
        }
        return String.format(Locale.ROOT, ms >= 10 ? "%.1fms" : "%.3fms", ms);
    }

    private static Drops newDrops() {
        // Only the counts matter here; the command prints its own summary, so keep the drop log quiet.
        return new Drops(Clock.systemUTC(), Duration.ofMinutes(10));
    }

    private static void sleepUntil(long nanoDeadline) throws InterruptedException {
        long left;
        while ((left = nanoDeadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private record Probe(byte kind, long runId, int seq, int count, int intervalMillis, long sentNanos) {
        static byte[] encode(byte kind, long runId, int seq, int count, int intervalMillis, long sentNanos, int size) {
            var b = ByteBuffer.allocate(size);
            b.putInt(MAGIC | kind).putLong(runId).putInt(seq).putInt(count).putInt(intervalMillis).putLong(sentNanos);
            // A fixed filler pattern: a stuck bit shows up as a CRC failure rather than going unseen in zeros.
            while (b.hasRemaining()) {
                b.put((byte) (0x55 ^ b.position()));
            }
            return b.array();
        }

        /** @return null for anything that is not a probe or echo */
        static Probe parse(byte[] p) {
            if (p.length < MIN_PAYLOAD) {
                return null;
            }
            var b = ByteBuffer.wrap(p);
            int head = b.getInt();
            if ((head & 0xFFFFFF00) != MAGIC) {
                return null;
            }
            return new Probe((byte) head, b.getLong(), b.getInt(), b.getInt(), b.getInt(), b.getLong());
        }
    }
}
