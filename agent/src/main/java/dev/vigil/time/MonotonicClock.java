package dev.vigil.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that never jumps: wall-clock time at creation plus {@link System#nanoTime()}
 * elapsed since. Timeouts measured with it survive NTP steps and manual date changes, which
 * would otherwise declare every peer dead (clock forward) or none for hours (clock back).
 */
public final class MonotonicClock extends Clock {
    private final Instant origin;
    private final long originNanos;

    private MonotonicClock(Instant origin, long originNanos) {
        this.origin = origin;
        this.originNanos = originNanos;
    }

    public static MonotonicClock create() {
        return new MonotonicClock(Instant.now(), System.nanoTime());
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
