package dev.vigil.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A counter family incremented where things happen (the membership and coordination threads), one
 * {@link LongAdder} per label set: an increment never blocks, a scrape reads the sums. Label
 * values are given in the order of the label names.
 */
final class LiveCounter {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final ConcurrentHashMap<List<String>, LongAdder> series = new ConcurrentHashMap<>();

    /** @param name without the {@code _total} the exposition adds */
    LiveCounter(String name, String help, String... labelNames) {
        this.name = name;
        this.help = help;
        this.labelNames = List.of(labelNames);
    }

    /** The series exists from now on, at 0 until incremented, so {@code increase()} sees its first event. */
    LiveCounter touch(String... labelValues) {
        of(labelValues);
        return this;
    }

    void inc(String... labelValues) {
        of(labelValues).increment();
    }

    private LongAdder of(String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " has labels " + labelNames + ", given " + List.of(labelValues));
        }
        return series.computeIfAbsent(List.of(labelValues), k -> new LongAdder());
    }

    MetricFamily collect() {
        var f = MetricFamily.counter(name, help);
        series.forEach((values, n) -> f.add(n.sum(), MetricFamily.pairs(labelNames, values)));
        return f.build();
    }
}
