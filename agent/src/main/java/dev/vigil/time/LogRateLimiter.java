package dev.vigil.time;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets at most one log line per reason through per interval, and says how many were held back:
 * a flood (forged packets, refused connections, a full disk retried on every heartbeat, a
 * monitor that leaves a child behind on every run) stays visible without filling the disk.
 *
 * <pre>
 *   long skipped = limiter.admit("control-refused");
 *   if (skipped >= 0) LOG.warn("refused {}{}", peer, LogRateLimiter.suppressed(skipped));
 * </pre>
 *
 * <p>Reasons must come from a small fixed set (a refusal kind, an operation), never from what a
 * peer sends or its address: each reason keeps a small entry for the life of the limiter.
 * Thread-safe.
 */
public final class LogRateLimiter {
    /** What {@link #admit} returns for a line that must not be logged. */
    public static final long SUPPRESS = -1;

    private final Clock clock;
    private final long intervalMillis;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public LogRateLimiter(Clock clock, Duration interval) {
        if (interval.isNegative()) throw new IllegalArgumentException("negative interval " + interval);
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /**
     * One occurrence of {@code reason}.
     *
     * @return {@link #SUPPRESS} if it must not be logged; otherwise how many occurrences of the
     *         same reason were suppressed since the last one logged (0 for the first)
     */
    public long admit(String reason) {
        return windows.computeIfAbsent(reason, r -> new Window()).admit(clock.millis());
    }

    /** {@code ""} for 0, else {@code " [n more like this since the last report]"}: for the end of a line. */
    public static String suppressed(long skipped) {
        return skipped <= 0 ? "" : " [" + skipped + " more like this since the last report]";
    }

    private final class Window {
        private boolean logged;
        private long lastLogged;
        private long suppressed;

        synchronized long admit(long now) {
            if (!logged || now - lastLogged >= intervalMillis || now < lastLogged) {
                logged = true;
                lastLogged = now;
                long skipped = suppressed;
                suppressed = 0;
                return skipped;
            }
            suppressed++;
            return SUPPRESS;
        }
    }
}
