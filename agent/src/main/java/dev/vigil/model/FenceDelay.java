package dev.vigil.model;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * How long a fence device waits before it powers a node off or reboots it: Pacemaker's
 * {@code pcmk_delay_base} and {@code pcmk_delay_max}, with Pacemaker's rule.
 *
 * <p>The base is fixed, either one value for every target or one per target node (Pacemaker's
 * {@code "node1:1s;node2:5s"} list; a node not in it gets {@link #base}). Without a max the delay
 * is the base. With a max, the delay is the base plus a random whole number of milliseconds in
 * {@code [0, max − base)}, so it stays below the max (Pacemaker: {@code base + rand() % (max − base)}).
 * The configuration refuses a max below a base, which Pacemaker only warns about.
 *
 * @param base        the fixed part for a target not in {@code basePerNode}
 * @param basePerNode target node → its fixed part
 * @param max         the bound of base + random part; zero means no random part
 */
public record FenceDelay(Duration base, Map<String, Duration> basePerNode, Duration max) {
    public static final FenceDelay NONE = new FenceDelay(Duration.ZERO, Map.of(), Duration.ZERO);

    public FenceDelay {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        basePerNode = java.util.Collections.unmodifiableMap(new TreeMap<>(basePerNode));
        if (base.isNegative() || max.isNegative() || basePerNode.values().stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("fence delays cannot be negative");
        }
        if (!max.isZero()) {
            Duration biggest = basePerNode.values().stream().reduce(base, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            if (max.compareTo(biggest) < 0) {
                throw new IllegalArgumentException("delay_max " + max + " is below delay_base " + biggest);
            }
        }
    }

    public boolean none() {
        return base.isZero() && max.isZero() && basePerNode.values().stream().allMatch(Duration::isZero);
    }

    /** The fixed part for fencing {@code node}. */
    public Duration baseFor(String node) {
        return basePerNode.getOrDefault(node, base);
    }

    /** The longest this device can wait before fencing {@code node}. */
    public Duration longestFor(String node) {
        Duration b = baseFor(node);
        return max.isZero() || max.equals(b) ? b : max.minusMillis(1);
    }

    /** This fence's delay for {@code node}, drawing the random part from {@code random}. */
    public Duration pick(String node, RandomGenerator random) {
        Duration b = baseFor(node);
        if (max.isZero() || max.compareTo(b) <= 0) {
            return b;
        }
        return b.plusMillis(random.nextLong(max.minus(b).toMillis()));
    }

    /** The rule in words, for {@code vigil status}: {@code 2s}, {@code 0s + random < 5s}, {@code ha1 5s, others 0s}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        basePerNode.forEach((n, d) -> sb.append(n).append(' ').append(words(d)).append(", "));
        sb.append(basePerNode.isEmpty() ? words(base) : "others " + words(base));
        if (!max.isZero()) {
            sb.append(" + random, total < ").append(words(max));
        }
        return sb.toString();
    }

    /** {@code 1500ms}, {@code 2s}: how the cluster file writes a duration. */
    public static String words(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
