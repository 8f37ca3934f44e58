package dev.vigil.quorum;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node reaches at least one ping target (heartbeat's {@code ping} nodes): a node that
 * reaches none is a poor home for resources, and in a two-node cluster the half that reaches one
 * breaks the tie. Targets are probed with ICMP echo (as root; otherwise Java falls back to TCP
 * port 7) every {@code interval}; one lost round is forgiven, two in a row are not. The targets
 * follow {@code vigil config apply} ({@link #retarget}): a cluster that gains, changes or drops its
 * ping targets uses the new ones at once, both for placement and for fencing's check.
 */
public final class PingMonitor implements BooleanSupplier, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PingMonitor.class);
    private static final int ROUNDS_TO_LOSE = 2;

    private volatile List<String> targets;
    private final Duration interval;
    private final Runnable onChange;
    private final ScheduledExecutorService timer;
    private volatile boolean reachable = true;
    private int failedRounds;
    private boolean started;
    private boolean scheduled;

    public PingMonitor(List<String> targets, Duration interval, Runnable onChange) {
        this.targets = List.copyOf(targets);
        this.interval = interval;
        this.onChange = onChange;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "vigil-ping");
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void start() {
        started = true;
        scheduleIfNeeded();
    }

    /** The targets of a newly applied cluster file; none means "always reachable" again. */
    public synchronized void retarget(List<String> newTargets) {
        var copy = List.copyOf(newTargets);
        if (copy.equals(targets)) return;
        LOG.info("ping targets now {} (were {})", copy, targets);
        targets = copy;
        scheduleIfNeeded();
        // A round decides from the new targets; until then the old verdict stands, except that
        // with no targets at all there is nothing left to fail.
        timer.execute(this::round);
    }

    /** All we probe now (for fencing's log). */
    public List<String> targets() {
        return targets;
    }

    // The probing thread is only created once there is something to probe.
    private void scheduleIfNeeded() {
        if (started && !scheduled && !targets.isEmpty()) {
            timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
            scheduled = true;
        }
    }

    private synchronized void round() {
        var current = targets;
        if (current.isEmpty()) {
            failedRounds = 0;
            changeTo(true, current);
            return;
        }
        boolean any = false;
        for (var target : current) {
            try {
                if (InetAddress.getByName(target).isReachable((int) Math.max(100, interval.toMillis() / 2))) {
                    any = true;
                    break;
                }
            } catch (IOException e) {
                // unresolvable or unreachable: counts as not reached
            }
        }
        failedRounds = any ? 0 : failedRounds + 1;
        changeTo(failedRounds < ROUNDS_TO_LOSE, current);
    }

    private void changeTo(boolean now, List<String> current) {
        if (now != reachable) {
            reachable = now;
            if (now) {
                LOG.info("ping targets {} reachable again", current);
            } else {
                LOG.warn("no ping target of {} reachable", current);
            }
            onChange.run();
        }
    }

    /**
     * Asks now instead of trusting the last round: fencing's heuristic (like ClusterLabs'
     * fence_heuristics_ping). A node whose own cable was cut reaches no target and must not win a
     * fence race against the healthy node. True when no targets are configured.
     */
    public boolean reachableNow(Duration timeout) {
        var current = targets;
        if (current.isEmpty()) return true;
        for (var target : current) {
            try {
                if (InetAddress.getByName(target).isReachable((int) Math.max(1, timeout.toMillis()))) {
                    return true;
                }
            } catch (IOException e) {
                // not reached
            }
        }
        return false;
    }

    @Override
    public boolean getAsBoolean() {
        return reachable;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
