package dev.vigil.ssh;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Slows down an address that keeps failing to log in: after {@code free} failures each further
 * one makes it wait {@code first}, then twice as long, and so on up to {@code max}, before the
 * console accepts its next connection. A success, or {@code forgetAfter} without failures, clears
 * the record. The waiting costs the server nothing (connections are refused at accept, no thread
 * sleeps), and memory is bounded: past {@code maxAddresses} the least recently seen is dropped.
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

    private record Record(int failures, Instant last, Instant until) {}

    private final Clock clock;
    private final Policy policy;
    private final LinkedHashMap<InetAddress, Record> records;

    public FailureThrottle(Clock clock, Policy policy) {
        this.clock = Objects.requireNonNull(clock);
        this.policy = Objects.requireNonNull(policy);
        this.records = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Record> eldest) {
                return size() > policy.maxAddresses();
            }
        };
    }

    /** How long {@code address} must still wait before its next connection is accepted; zero if not at all. */
    public synchronized Duration waitFor(InetAddress address) {
        var r = live(address);
        if (r == null) {
            return Duration.ZERO;
        }
        var left = Duration.between(clock.instant(), r.until());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Records one failure; returns how long the address must now wait. */
    public synchronized Duration failed(InetAddress address) {
        var now = clock.instant();
        var r = live(address);
        int failures = r == null ? 1 : r.failures() + 1;
        var delay = delay(failures);
        records.put(address, new Record(failures, now, now.plus(delay)));
        return delay;
    }

    public synchronized void succeeded(InetAddress address) {
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

    private Record live(InetAddress address) {
        var r = records.get(address);
        if (r != null && Duration.between(r.last(), clock.instant()).compareTo(policy.forgetAfter()) >= 0) {
            records.remove(address);
            return null;
        }
        return r;
    }
}
