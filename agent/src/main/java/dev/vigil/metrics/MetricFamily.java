package dev.vigil.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One metric family of a scrape, as Prometheus' exposition formats have it: a name, a help text,
 * a type, and its samples, each already under its exposed name (a counter's {@code _total}, a
 * histogram's {@code _bucket}/{@code _sum}/{@code _count}). The agent builds these afresh at
 * every scrape; {@link TextFormat} writes them.
 *
 * @param name the family's name: a counter's without {@code _total}, a histogram's without suffix
 */
record MetricFamily(String name, String help, Type type, List<Sample> samples) {

    enum Type {
        GAUGE("gauge"), COUNTER("counter"), HISTOGRAM("histogram");

        final String word;

        Type(String word) {
            this.word = word;
        }
    }

    /** One line of the exposition: {@code labels} sorted by name, as the client libraries write them. */
    record Sample(String name, Map<String, String> labels, double value) {
        Sample {
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        }
    }

    MetricFamily {
        samples = List.copyOf(samples);
    }

    static Builder gauge(String name, String help) {
        return new Builder(name, help, Type.GAUGE, name);
    }

    /** @param name without the {@code _total} every sample gets */
    static Builder counter(String name, String help) {
        return new Builder(name, help, Type.COUNTER, name + "_total");
    }

    /** A gauge or counter family being filled, one sample per label set. */
    static final class Builder {
        private final String name;
        private final String help;
        private final Type type;
        private final String sampleName;
        private final List<Sample> samples = new ArrayList<>();

        private Builder(String name, String help, Type type, String sampleName) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.sampleName = sampleName;
        }

        /** @param labels name, value, name, value, ... */
        Builder add(double value, String... labels) {
            samples.add(new Sample(sampleName, labelMap(labels), value));
            return this;
        }

        MetricFamily build() {
            return new MetricFamily(name, help, type, samples);
        }
    }

    /** {@code names} and {@code values} interleaved: name, value, name, value, ... */
    static String[] pairs(List<String> names, List<String> values) {
        var out = new String[names.size() * 2];
        for (int i = 0; i < names.size(); i++) {
            out[2 * i] = names.get(i);
            out[2 * i + 1] = values.get(i);
        }
        return out;
    }

    static Map<String, String> labelMap(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs: " + List.of(namesAndValues));
        }
        var m = new TreeMap<String, String>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }
}
