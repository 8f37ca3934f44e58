package dev.vigil.watchdog;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pets the watchdog while, and only while, this node is healthy and quorate (docs/fencing.md,
 * "Watchdog self-fencing"). The safety argument: a node the rest of the cluster declared lost is
 * either frozen (then this thread is frozen too and pets nothing), or hung in part (the heartbeat
 * sender or the coordination loop stopped making progress: checked here), or cut off (then it has
 * no quorum within its own deadtime, since quorum is a majority the others hold). In every case
 * the device resets it within its timeout, so after timeout × 2 the others may take it as reset.
 *
 * <p>States: {@code waiting} (not armed: this node has not been quorate yet; a node that never was
 * ran nothing), {@code petting}, {@code not-petting} (armed, unhealthy: the reset is coming unless
 * health returns first), {@code disarmed} (clean shutdown, magic close), {@code failed} (the device
 * could not be opened or written: logged, and the reset follows if it was armed).
 */
public final class WatchdogPetter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchdogPetter.class);

    /** What the agent's threads did lately: read on every pet. */
    public record Signals(boolean quorate, long beatsSent, long coordinationSteps) {}

    /** For {@code vigil status}: see {@link #snapshot}. */
    public record Snapshot(String device, boolean standIn, Duration timeout, String state,
                           Optional<Duration> sinceLastPet, String reason) {}

    public enum State { WAITING, PETTING, NOT_PETTING, DISARMED, FAILED }

    private final WatchdogDevice device;
    private final Duration timeout;
    private final Duration interval;
    private final Duration senderLimit;
    private final Duration coordinationLimit;
    private final Supplier<Signals> signals;
    private final Clock monotonic;
    private final Thread thread;

    private volatile State state = State.WAITING;
    private volatile String reason = "not quorate yet";
    private volatile Instant lastPet;
    private long lastBeats = -1;
    private Instant beatsMoved;
    private long lastSteps = -1;
    private Instant stepsMoved;

    /**
     * @param senderLimit       longest time without a heartbeat sent (deadtime: after it the peers
     *                          have declared this node dead anyway)
     * @param coordinationLimit longest time without a coordination step (it ticks every second)
     */
    public WatchdogPetter(WatchdogDevice device, Duration timeout, Duration senderLimit, Duration coordinationLimit,
                          Supplier<Signals> signals, Clock monotonic) {
        this.device = device;
        this.timeout = timeout;
        this.interval = petInterval(timeout);
        this.senderLimit = senderLimit;
        this.coordinationLimit = coordinationLimit;
        this.signals = signals;
        this.monotonic = monotonic;
        this.thread = new Thread(this::loop, "vigil-watchdog");
        this.thread.setDaemon(true);
    }

    /** A quarter of the timeout, at most a second: three pets may be lost before a reset. */
    static Duration petInterval(Duration timeout) {
        return new dev.vigil.config.WatchdogSpec(dev.vigil.config.WatchdogSpec.DEFAULT_DEVICE, java.util.Map.of(), timeout)
                .petInterval();
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (state != State.DISARMED && !Thread.currentThread().isInterrupted()) {
            tick();
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: judge health, then arm or pet, or not. */
    synchronized void tick() {
        if (state == State.DISARMED || state == State.FAILED) return;
        Optional<String> problem = problem(signals.get(), monotonic.instant());
        try {
            if (problem.isPresent()) {
                if (state == State.PETTING) {
                    LOG.error("WATCHDOG: not petting {} any more ({}): this node will be reset within {} s unless "
                            + "that ends first", device.path(), problem.get(), timeout.toSeconds());
                    state = State.NOT_PETTING;
                }
                reason = problem.get();
                return;
            }
            if (!device.armed()) {
                device.arm();
                LOG.warn("watchdog {} armed ({}timeout {} s): a hung agent or a loss of quorum resets this node",
                        device.path(), device.standIn() ? "a stand-in's FIFO, " : "", timeout.toSeconds());
            } else if (state == State.NOT_PETTING) {
                LOG.warn("watchdog {}: petting again ({} has ended)", device.path(), reason);
            }
            device.pet();
            lastPet = monotonic.instant();
            state = State.PETTING;
            reason = "";
        } catch (IOException e) {
            LOG.error("WATCHDOG {} FAILED: {}", device.path(), e.toString());
            state = State.FAILED;
            reason = e.getMessage();
        }
    }

    /** Why not to pet now; empty when healthy and quorate. */
    Optional<String> problem(Signals s, Instant now) {
        if (s.beatsSent() != lastBeats) {
            lastBeats = s.beatsSent();
            beatsMoved = now;
        }
        if (s.coordinationSteps() != lastSteps) {
            lastSteps = s.coordinationSteps();
            stepsMoved = now;
        }
        if (!s.quorate()) {
            return Optional.of(state == State.WAITING ? "not quorate yet" : "quorum lost");
        }
        if (Duration.between(beatsMoved, now).compareTo(senderLimit) > 0) {
            return Optional.of("no heartbeat sent for " + Duration.between(beatsMoved, now).toMillis() + " ms");
        }
        if (Duration.between(stepsMoved, now).compareTo(coordinationLimit) > 0) {
            return Optional.of("the coordination loop has not run for " + Duration.between(stepsMoved, now).toMillis()
                    + " ms");
        }
        return Optional.empty();
    }

    public Snapshot snapshot() {
        Instant last = lastPet;
        return new Snapshot(device.path().toString(), device.standIn(), timeout,
                state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                last == null ? Optional.empty() : Optional.of(Duration.between(last, monotonic.instant())), reason);
    }

    /** A clean shutdown (resources stopped, the cluster told): the magic close disarms the device. */
    @Override
    public synchronized void close() {
        State before = state;
        state = State.DISARMED;
        reason = "agent stopped cleanly";
        thread.interrupt();
        try {
            device.disarm();
            if (before != State.WAITING) LOG.info("watchdog {} disarmed (magic close)", device.path());
        } catch (IOException e) {
            LOG.error("watchdog {} could not be disarmed: {}; it will reset this node", device.path(), e.toString());
        }
    }
}
