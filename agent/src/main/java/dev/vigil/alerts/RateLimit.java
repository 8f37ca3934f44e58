package dev.vigil.alerts;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * At most {@code count} sends in any window of {@code per} (a sliding window: the times of the
 * last {@code count} sends are kept). On the monotonic clock, so a wall-clock step neither opens
 * nor shuts it. Thread-safe.
 */
final class RateLimit {
    private final int count;
    private final long perNanos;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Long> sent = new ArrayDeque<>();

    RateLimit(int count, Duration per, LongSupplier nanoTime) {
        this.count = count;
        this.perNanos = per.toNanos();
        this.nanoTime = nanoTime;
    }

    /** True, and counted, when one more send fits in the window now. */
    synchronized boolean tryAcquire() {
        long now = nanoTime.getAsLong();
        while (!sent.isEmpty() && now - sent.peekFirst() >= perNanos) {
            sent.pollFirst();
        }
        if (sent.size() >= count) {
            return false;
        }
        sent.addLast(now);
        return true;
    }
}
