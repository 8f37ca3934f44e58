package dev.vigil.transport;

import dev.vigil.time.LogRateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts everything the agent refused to accept, per reason, and logs it with a rate limit:
 * a flood of forged packets must be visible in {@code vigil status} without filling the disk.
 *
 * <p>Thread-safe; shared by every transport and the packet verifier of one agent.
 */
public final class Drops {
    private static final Logger LOG = LoggerFactory.getLogger("dev.vigil.drops");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LogRateLimiter logLimit;

    /**
     * @param logInterval at most one log line per reason per interval; the next line says how
     *                    many were suppressed in between
     */
    public Drops(Clock clock, Duration logInterval) {
        this.logLimit = new LogRateLimiter(clock, logInterval);
    }

    /**
     * Counts one drop. {@code reason} is a stable, lower-case, hyphenated key (it appears in
     * {@code vigil status --json} under {@code drops}); {@code detail} goes only to the log.
     */
    public void drop(String reason, String detail) {
        add(reason, 1, detail);
    }

    public void add(String reason, long amount, String detail) {
        counts.computeIfAbsent(reason, r -> new LongAdder()).add(amount);
        long skipped = logLimit.admit(reason);
        if (skipped > 0) {
            LOG.warn("dropped ({}): {} [{} more {} drops since the last report]", reason, detail, skipped, reason);
        } else if (skipped == 0) {
            LOG.warn("dropped ({}): {}", reason, detail);
        }
    }

    public long count(String reason) {
        var c = counts.get(reason);
        return c == null ? 0 : c.sum();
    }

    /** Sorted by reason, for stable output. */
    public Map<String, Long> snapshot() {
        var out = new TreeMap<String, Long>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
