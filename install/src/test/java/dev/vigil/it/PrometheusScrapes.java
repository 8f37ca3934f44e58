package dev.vigil.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Real scrapes of agents' Prometheus endpoints, parsed by the Prometheus client's own parser
 * (Debian's python3-prometheus-client, through {@code scrape_metrics.py}), and the metric names
 * the shipped dashboard and alerting rules query. MetricsBedIT and PromotableLoopbackIT check
 * those names against what real agents export between them.
 */
final class PrometheusScrapes {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path PARSER = Path.of("/usr/lib/python3/dist-packages/prometheus_client/parser.py");
    private static final Path MONITORING = Path.of("src/examples/monitoring");
    /** Metric names in PromQL: ours and the process collector's ({@code up} is Prometheus' own). */
    private static final Pattern METRIC = Pattern.compile("\\b(?:vigil|process)_[a-z_]+\\b");
    /** Exported only by an agent whose cluster file has a promotable clone: PromotableLoopbackIT's. */
    static final Predicate<String> NEEDS_PROMOTABLE_CLONE = name -> name.startsWith("vigil_resource_promot");

    private PrometheusScrapes() {}

    /** One parsed sample. */
    record Sample(String name, Map<String, String> labels, double value) {}

    /** One scrape of one agent: its samples, or why there were none. */
    record Scrape(List<Sample> samples, String error) {
        boolean ok() {
            return error == null;
        }

        Optional<Double> value(String name, String... labels) {
            var want = new LinkedHashMap<String, String>();
            for (int i = 0; i < labels.length; i += 2) want.put(labels[i], labels[i + 1]);
            return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(want.entrySet()))
                    .map(Sample::value).findFirst();
        }

        double get(String name, String... labels) {
            return value(name, labels).orElseThrow(() -> new AssertionError("no " + name + " " + List.of(labels) + " in the scrape"));
        }

        Set<String> names() {
            var names = new TreeSet<String>();
            samples.forEach(s -> names.add(s.name()));
            return names;
        }
    }

    /** Copies the scraper into {@code dir}; returns its path. */
    static Path script(Path dir) throws IOException {
        Path script = dir.resolve("scrape_metrics.py");
        try (InputStream in = PrometheusScrapes.class.getResourceAsStream("scrape_metrics.py")) {
            Files.copy(in, script);
        }
        return script;
    }

    /** The command that scrapes every URL of {@code urls} (node → URL) with one python process. */
    static List<String> command(Path script, Map<String, String> urls) {
        var cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        cmd.addAll(urls.values());
        return cmd;
    }

    /** What the scraper printed, by node. */
    static Map<String, Scrape> parse(String stdout, Map<String, String> urls) throws IOException {
        JsonNode json = new ObjectMapper().readTree(stdout);
        var out = new LinkedHashMap<String, Scrape>();
        for (var e : urls.entrySet()) {
            var one = json.get(e.getValue());
            if (one.has("error")) {
                out.put(e.getKey(), new Scrape(List.of(), one.get("error").asText()));
                continue;
            }
            var samples = new ArrayList<Sample>();
            for (var s : one.get("samples")) {
                var labels = new LinkedHashMap<String, String>();
                s.get(1).fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
                samples.add(new Sample(s.get(0).asText(), labels, s.get(2).asDouble()));
            }
            out.put(e.getKey(), new Scrape(samples, null));
        }
        return out;
    }

    /** Panels and their targets' queries. */
    static Set<String> dashboardMetrics() throws IOException {
        return metricsIn(new ObjectMapper().readTree(MONITORING.resolve("vigil-dashboard.json").toFile()), "panels", "targets");
    }

    /** Rule groups and their rules' expressions. */
    static Set<String> ruleMetrics() throws IOException {
        return metricsIn(new YAMLMapper().readTree(MONITORING.resolve("vigil-alerts.yml").toFile()), "groups", "rules");
    }

    /** The metric names in the {@code expr} of every {@code inner} item of every {@code outer} item. */
    private static Set<String> metricsIn(JsonNode root, String outer, String inner) {
        var names = new TreeSet<String>();
        for (var o : root.get(outer)) {
            for (var i : o.get(inner)) {
                var m = METRIC.matcher(i.get("expr").asText());
                while (m.find()) names.add(m.group());
            }
        }
        return names;
    }
}
