package dev.vigil.transport.serial;

import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The agent's side of the setup wizard's serial link test (control op {@code serial-test}): one
 * {@link SerialLinkCheck} at a time, one end of the cable per agent, the sender ({@code send}) on
 * one node and the echoer ({@code echo}) on the other. A test runs on a thread of its own at normal
 * priority, never on the agent's real-time threads, and is bounded in time by the request; the
 * caller polls {@link #progress()} for the live counts and the verdict.
 *
 * <p>A device one of the agent's configured heartbeat links uses is refused: the test would steal
 * its frames (and its frames would garble the test). Devices are compared by their real path, so a
 * udev symlink to the same port is caught too.
 */
public final class SerialLinkTestService {
    public enum Role { SEND, ECHO }

    /** Between probes; as {@code vigil serial-test}'s default. */
    public static final Duration INTERVAL = Duration.ofMillis(50);
    /** The longest send: the wizard's tests are seconds, not minutes. */
    public static final Duration MAX_SEND = Duration.ofSeconds(60);
    /** The longest an echoer waits for its first probe. */
    public static final Duration MAX_ECHO_WAIT = Duration.ofMinutes(2);
    /** The sender waits this long for stragglers after its last probe. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);
    /** How long a start may take to open the device before it answers. */
    static final Duration OPEN_WAIT = Duration.ofSeconds(5);

    /**
     * What {@code progress} answers.
     *
     * @param state       idle (no test since the agent started), running or done
     * @param rtt         empty while running, for an echoer, and when nothing came back
     * @param verdict     OK, DEGRADED or NO_LINK once done; empty before
     */
    public record State(String state, Role role, String device, int baud, long sent, long received, long corrupted,
                        long lost, Optional<SerialLinkCheck.Rtt> rtt, Optional<SerialLinkCheck.Verdict> verdict,
                        String explanation) {
        static final State IDLE = new State("idle", Role.SEND, "", 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(),
                "no serial test has run on this agent");

        public boolean running() {
            return state.equals("running");
        }
    }

    /** A request this agent will not run, with why. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private final Supplier<Set<String>> linkDevices;
    private final Opener opener;

    /** Makes the (not yet started) transport of a test; its drops are the ones the check counts. */
    interface Opener {
        Transport open(String device, int baud, Drops drops);
    }
    private State state = State.IDLE;

    /**
     * @param linkDevices the devices of this node's configured serial heartbeat links
     */
    public SerialLinkTestService(Supplier<Set<String>> linkDevices) {
        this(linkDevices, (device, baud, drops) -> new SerialTransport(0, "serial-test", device, baud, drops));
    }

    /** Tests: another way to open a device (the baud is applied by the real one only). */
    SerialLinkTestService(Supplier<Set<String>> linkDevices, Opener opener) {
        this.linkDevices = linkDevices;
        this.opener = opener;
    }

    /** The current or last test. */
    public synchronized State progress() {
        return state;
    }

    /**
     * Starts one end of a test and answers once its device is open (or could not be): an echoer is
     * listening when this returns, so the sender may start at once.
     *
     * @param duration send: how long to send probes (one each {@link #INTERVAL}); echo: how long to
     *                 wait for the first probe
     */
    public State start(Role role, String device, int baud, Duration duration) throws Refused {
        if (!device.startsWith("/") || device.contains("\0")) throw new Refused("the device must be an absolute path, got '" + device + "'");
        if (baud <= 0 || baud > 4_000_000) throw new Refused("baud must be a positive rate such as 19200, got " + baud);
        Duration max = role == Role.SEND ? MAX_SEND : MAX_ECHO_WAIT;
        if (duration.compareTo(INTERVAL) < 0 || duration.compareTo(max) > 0) {
            throw new Refused("duration must be from " + INTERVAL.toMillis() + "ms to " + max.toSeconds() + "s, got " + duration);
        }
        String real = real(device);
        for (String used : linkDevices.get()) {
            if (real(used).equals(real)) {
                throw new Refused(device + " is the device of a configured heartbeat link on this node: a test would take its frames;"
                        + " test a cable before it is in the cluster file");
            }
        }
        var settings = SerialLinkCheck.Settings.DEFAULTS
                .withCount((int) Math.max(1, duration.toMillis() / INTERVAL.toMillis()))
                .withInterval(INTERVAL).withReplyTimeout(REPLY_TIMEOUT).withReceiverTimeout(duration);
        var opened = new CountDownLatch(1);
        synchronized (this) {
            if (state.running()) {
                throw new Refused("a serial test is running on this agent (" + state.role().name().toLowerCase() + " on "
                        + state.device() + "); wait for it to end");
            }
            state = new State("running", role, device, baud, 0, 0, 0, 0, Optional.empty(), Optional.empty(),
                    role == Role.SEND ? "sending" : "waiting for probes");
        }
        var t = new Thread(() -> run(role, device, baud, settings, opened), "vigil-serial-test");
        t.setDaemon(true); // bounded by the settings; the agent's exit must not wait for it
        t.start();
        try {
            opened.await(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return progress();
    }

    private void run(Role role, String device, int baud, SerialLinkCheck.Settings settings, CountDownLatch opened) {
        SerialLinkCheck.Result result;
        var drops = newDrops();
        try (var t = new Signalling(opener.open(device, baud, drops), opened)) {
            var check = new SerialLinkCheck(settings, baud, this::counts);
            result = role == Role.SEND ? check.sender(t, drops, device) : check.receiver(t, drops, device);
        } catch (RuntimeException e) {
            result = new SerialLinkCheck.Result(role == Role.SEND ? SerialLinkCheck.Role.SENDER : SerialLinkCheck.Role.RECEIVER,
                    0, 0, 0, 0, 0, Optional.empty(), SerialLinkCheck.Verdict.NO_LINK, "the test failed: " + e);
        }
        synchronized (this) {
            state = new State("done", role, device, baud, result.sent(), result.received(), result.corrupted(), result.lost(),
                    result.rtt(), Optional.of(result.verdict()), result.explanation());
        }
        opened.countDown();
    }

    private synchronized void counts(long sent, long received, long corrupted) {
        if (!state.running()) return;
        state = new State("running", state.role(), state.device(), state.baud(), sent, received, corrupted,
                state.role() == Role.SEND ? Math.max(0, sent - received) : 0, Optional.empty(), Optional.empty(), state.explanation());
    }

    private static String real(String device) {
        try {
            return Path.of(device).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return Path.of(device).normalize().toString(); // absent: compared as written
        }
    }

    static Drops newDrops() {
        return new Drops(Clock.systemUTC(), Duration.ofMinutes(10));
    }

    /** The test's transport, telling {@link #start} when the device is open (or failed to open). */
    private record Signalling(Transport inner, CountDownLatch opened) implements Transport {
        @Override
        public int linkIndex() {
            return inner.linkIndex();
        }

        @Override
        public String linkName() {
            return inner.linkName();
        }

        @Override
        public void start(InboundHandler receiver) throws IOException {
            inner.start(receiver);
            opened.countDown(); // a device that failed to open is told once the state says so
        }

        @Override
        public void send(byte[] packet) {
            inner.send(packet);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
