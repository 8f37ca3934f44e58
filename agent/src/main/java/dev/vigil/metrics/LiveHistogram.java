package dev.vigil.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A histogram family with fixed ("classic") buckets, one set of counts per label set, observed
 * where the operations finish (a few per failover, so a lock per series costs nothing). Exposed
 * as Prometheus expects: cumulative {@code _bucket} series with {@code le}, ending at {@code
 * le="+Inf"}, then {@code _sum} and {@code _count}.
 */
final class LiveHistogram {
    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final double[] upperBounds;
    private final ConcurrentHashMap<List<String>, Series> series = new ConcurrentHashMap<>();

    /** @param upperBounds ascending, without +Inf (added) */
    LiveHistogram(String name, String help, double[] upperBounds, String... labelNames) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (!(upperBounds[i - 1] < upperBounds[i])) throw new IllegalArgumentException("buckets must ascend: " + List.of(upperBounds));
        }
        this.name = name;
        this.help = help;
        this.upperBounds = upperBounds.clone();
        this.labelNames = List.of(labelNames);
    }

    /** The series exists from now on, every bucket at 0. */
    LiveHistogram touch(String... labelValues) {
        of(labelValues);
        return this;
    }

    void observe(double value, String... labelValues) {
        of(labelValues).observe(value);
    }

    private Series of(String... labelValues) {
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " has labels " + labelNames + ", given " + List.of(labelValues));
        }
        return series.computeIfAbsent(List.of(labelValues), k -> new Series(upperBounds.length + 1));
    }

    MetricFamily collect() {
        var samples = new ArrayList<MetricFamily.Sample>();
        series.forEach((values, s) -> {
            long[] counts;
            double sum;
            synchronized (s) {
                counts = s.counts.clone();
                sum = s.sum;
            }
            long cumulative = 0;
            for (int i = 0; i < counts.length; i++) {
                cumulative += counts[i];
                double le = i < upperBounds.length ? upperBounds[i] : Double.POSITIVE_INFINITY;
                samples.add(new MetricFamily.Sample(name + "_bucket", labels(values, TextFormat.number(le)), cumulative));
            }
            samples.add(new MetricFamily.Sample(name + "_sum", labels(values, null), sum));
            samples.add(new MetricFamily.Sample(name + "_count", labels(values, null), cumulative));
        });
        return new MetricFamily(name, help, MetricFamily.Type.HISTOGRAM, samples);
    }

    private Map<String, String> labels(List<String> values, String le) {
        var m = MetricFamily.labelMap(MetricFamily.pairs(labelNames, values));
        if (le != null) m.put("le", le);
        return m;
    }

    /** One label set's bucket counts (not cumulative) and sum, guarded by itself. */
    private final class Series {
        final long[] counts;
        double sum;

        Series(int buckets) {
            counts = new long[buckets];
        }

        synchronized void observe(double value) {
            int i = 0;
            while (i < upperBounds.length && value > upperBounds[i]) i++;
            counts[i]++;
            sum += value;
        }
    }
}
