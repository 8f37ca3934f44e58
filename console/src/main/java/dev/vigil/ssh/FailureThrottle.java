package dev.vigil.ssh;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Slows down whoever keeps failing to log in: after {@code free} failures each further one makes
 * it wait {@code first}, then twice as long, and so on up to {@code max}. A success, or {@code
 * forgetAfter} without failures, clears the record. Memory is bounded: past {@code maxAddresses}
 * the least recently seen is dropped.
 *
 * <p>"Whoever" is any key with equals: the console counts per offered public key ({@link
 * KeyId}) once a key is offered, and per address only for sessions that offered none, so that one
 * local user failing with one key cannot lock out another user's key from the same address
 * (everyone shares 127.0.0.1 with the default listen address). Waiting costs the server nothing:
 * a throttled key is refused without being looked up, an address at accept; no thread sleeps.
 */
public final class FailureThrottle {
    public record Policy(int free, Duration first, Duration max, Duration forgetAfter, int maxAddresses) {
        public Policy {
            if (free < 0 || maxAddresses < 1 || first.isNegative() || first.isZero() || max.compareTo(first) < 0
                    || forgetAfter.compareTo(max) < 0) {
                throw new IllegalArgumentException("bad throttle policy " + this);
            }
        }

        /** Two typos free, then 1 s, 2 s, 4 s ... up to a minute; forgotten after 15 quiet minutes. */
        public static Policy defaults() {
            return new Policy(2, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(15), 10_000);
        }
    }

    /** A public key, by its SHA256 fingerprint, as the unit of accounting once a key is offered. */
    public record KeyId(String fingerprint) {}

    private record Record(int failures, Instant last, Instant until) {}

    private final Clock clock;
    private final Policy policy;
    private final LinkedHashMap<Object, Record> records;

    public FailureThrottle(Clock clock, Policy policy) {
        this.clock = Objects.requireNonNull(clock);
        this.policy = Objects.requireNonNull(policy);
        this.records = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Record> eldest) {
                return size() > policy.maxAddresses();
            }
        };
    }

    /** How long {@code address} (or a {@link KeyId}) must still wait before its next try; zero if not at all. */
    public synchronized Duration waitFor(Object address) {
        var r = live(address);
        if (r == null) {
            return Duration.ZERO;
        }
        var left = Duration.between(clock.instant(), r.until());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Records one failure; returns how long the address must now wait. */
    public synchronized Duration failed(Object address) {
        return failed(address, policy.max());
    }

    /** As {@link #failed(Object)}, the wait bounded by {@code cap} (below the policy's own maximum). */
    public synchronized Duration failed(Object address, Duration cap) {
        var now = clock.instant();
        var r = live(address);
        int failures = r == null ? 1 : r.failures() + 1;
        var delay = delay(failures);
        if (delay.compareTo(cap) > 0) delay = cap;
        records.put(address, new Record(failures, now, now.plus(delay)));
        return delay;
    }

    /** How many failures are on record for it (0 once forgotten). */
    public synchronized int failures(Object address) {
        var r = live(address);
        return r == null ? 0 : r.failures();
    }

    public synchronized void succeeded(Object address) {
        records.remove(address);
    }

    /** How many addresses are remembered. */
    public synchronized int tracked() {
        return records.size();
    }

    Duration delay(int failures) {
        int over = failures - policy.free();
        if (over <= 0) {
            return Duration.ZERO;
        }
        // doubling past 2^20 seconds is far beyond any sane max; cap the shift to avoid overflow
        var d = policy.first().multipliedBy(1L << Math.min(over - 1, 20));
        return d.compareTo(policy.max()) > 0 ? policy.max() : d;
    }

    private Record live(Object address) {
        var r = records.get(address);
        if (r != null && Duration.between(r.last(), clock.instant()).compareTo(policy.forgetAfter()) >= 0) {
            records.remove(address);
            return null;
        }
        return r;
    }
}
