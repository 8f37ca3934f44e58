package dev.vigil.coordination;

import dev.vigil.fencing.FenceAction;
import dev.vigil.control.HistoryReport;
import dev.vigil.fencing.FenceReport;
import dev.vigil.fencing.FenceResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's fencing: at most one fence per node at a time, run off the coordination
 * thread, its outcome posted back to it; a failed fence is retried after {@link #FENCE_RETRY}.
 */
final class NodeFencing {
    // Logged as Coordination, as before the split: operators grep the journal for that name.
    private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);
    private static final Duration FENCE_RETRY = Duration.ofSeconds(5);

    private final ClusterKnowledge k;
    private final Coordination.Fencer fencer;
    private final Set<String> fencesRunning = new HashSet<>();
    private final Map<String, Instant> fenceRetryAt = new HashMap<>();
    /**
     * Fence agents run here. Started with this object (on the agent's main thread), never from
     * the coordination thread: that thread runs real-time, a thread inherits its creator's
     * scheduling policy, and a fence agent forked from a real-time thread would run real-time.
     */
    private final ThreadPoolExecutor fenceWorkers;

    NodeFencing(ClusterKnowledge k, Coordination.Fencer fencer) {
        this.k = k;
        this.fencer = fencer;
        this.fenceWorkers = prestartedPool(k.config.nodeNames().size(), "vigil-fence-");
    }

    /** Whether any fence is still running (a request is answered only when none is). */
    boolean anyRunning() {
        return !fencesRunning.isEmpty();
    }

    /** An operator's fence: no priority delay (the devices' own delays still apply). */
    void fence(String node, String reason) {
        fence(node, reason, Duration.ZERO);
    }

    /**
     * @param delay how long to wait before the devices run: the priority_fencing_delay that
     *              {@link dev.vigil.scheduler.FencingPriority} gives this fence, zero for most
     */
    void fence(String node, String reason, Duration delay) {
        if (fencesRunning.contains(node)) return;
        var retryAt = fenceRetryAt.get(node);
        if (retryAt != null && k.monotonic.instant().isBefore(retryAt)) return;
        fencesRunning.add(node);
        if (delay.isZero()) {
            LOG.warn("fencing node {} ({})", node, reason);
        } else {
            LOG.warn("fencing node {} ({}) after waiting {} ms (priority_fencing_delay)", node, reason, delay.toMillis());
        }
        fenceWorkers.execute(() -> {
            FenceReport report;
            try {
                report = fencer.fence(node, delay);
            } catch (RuntimeException | Error e) {
                // Whatever went wrong, the fence did not happen, and the coordinator must hear so:
                // a silent thread death would leave the takeover waiting for ever.
                report = new FenceReport(node, FenceAction.OFF, false, List.of());
                LOG.error("fencing node {} threw", node, e);
            }
            var r = report;
            // Recorded here, off the coordination thread and before the outcome is acted on: the
            // fencing history is what survives the fenced node's return (k.fenced forgets it then).
            k.history.fence(new HistoryReport.FenceRecord(k.wallClock.millis(), node, k.self,
                    r.action().name().toLowerCase(java.util.Locale.ROOT),
                    r.attempts().stream().map(NodeFencing::describe).toList(), r.fenced(), reason));
            k.post.accept(() -> {
                fencesRunning.remove(node);
                if (r.fenced()) {
                    LOG.warn("node {} fenced", node);
                    k.fenced.add(node);
                    k.lost.remove(node);
                    fenceRetryAt.remove(node);
                } else {
                    LOG.error("FENCING OF NODE {} FAILED: its resources will not start elsewhere until it is fenced "
                            + "or comes back; retrying in {} s. Attempts: {}", node, FENCE_RETRY.toSeconds(), r.attempts());
                    fenceRetryAt.put(node, k.monotonic.instant().plus(FENCE_RETRY));
                }
            });
        });
    }

    /** One device operation in words: {@code ipmi-ha1 reboot ha1: SUCCESS (exit 0, 1200 ms)}. */
    static String describe(FenceResult a) {
        return a.deviceId() + " " + a.action().name().toLowerCase(java.util.Locale.ROOT)
                + a.target().map(t -> " " + t).orElse("") + ": " + a.outcome()
                + " (" + (a.exitCode().isPresent() ? "exit " + a.exitCode().getAsInt() + ", " : "")
                + a.duration().toMillis() + " ms)"
                + (a.reason() == null || a.reason().isEmpty() ? "" : " " + a.reason());
    }

    void shutdown() {
        fenceWorkers.shutdown();
    }

    /** At most one fence per node runs at a time, so one thread per node is enough. */
    private static ThreadPoolExecutor prestartedPool(int threads, String prefix) {
        var n = new AtomicInteger();
        var pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    var t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }
}
