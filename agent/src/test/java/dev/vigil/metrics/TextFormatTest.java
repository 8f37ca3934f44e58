package dev.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import dev.vigil.membership.MembershipEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exposition formats Vigil writes itself, read back by Prometheus' own parsers: {@code promtool
 * check metrics} (Debian's prometheus package; Prometheus' Go parser and its lint rules) and the
 * text and OpenMetrics parsers of Debian's python3-prometheus-client. Nothing here matches strings
 * against what a parser would accept: the parsers say.
 */
class TextFormatTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long TOOL_TIMEOUT_S = 60;

    @TempDir
    Path dir;

    /** Help and label values with every character that needs escaping, and a histogram. */
    static List<MetricFamily> awkward() {
        var h = new LiveHistogram("vigil_test_duration_seconds", "Durations", new double[] {0.01, 0.5, 2}, "op");
        h.observe(0.3, "start");
        h.observe(0.5, "start");
        h.observe(7, "start");
        h.touch("stop");
        var c = new LiveCounter("vigil_test_events", "Events; a backslash \\ and a\nnewline, \"quoted\"", "what");
        c.inc("back\\slash \"quote\"\nnew line");
        c.inc("back\\slash \"quote\"\nnew line");
        c.touch("ünïcode ✓");
        return List.of(c.collect(), h.collect(),
                MetricFamily.gauge("vigil_test_level", "Gauge values").add(-0.25, "k", "a").add(1e20, "k", "b")
                        .add(Double.NaN, "k", "c").add(Double.POSITIVE_INFINITY, "k", "d").add(3, "k", "e").build());
    }

    @Test
    void theTextFormatIsExactlyPrometheus004() {
        var c = new LiveCounter("vigil_x", "Help with \\ and\nnewline", "peer");
        c.inc("a\"b\\c\nd");
        var h = new LiveHistogram("vigil_d_seconds", "D", new double[] {0.5, 1}, "op");
        h.observe(0.75, "start");
        assertThat(TextFormat.write(List.of(c.collect(), h.collect(), MetricFamily.gauge("vigil_g", "G").add(2).build()), false))
                .isEqualTo("""
                        # HELP vigil_x_total Help with \\\\ and\\nnewline
                        # TYPE vigil_x_total counter
                        vigil_x_total{peer="a\\"b\\\\c\\nd"} 1.0
                        # HELP vigil_d_seconds D
                        # TYPE vigil_d_seconds histogram
                        vigil_d_seconds_bucket{le="0.5",op="start"} 0.0
                        vigil_d_seconds_bucket{le="1.0",op="start"} 1.0
                        vigil_d_seconds_bucket{le="+Inf",op="start"} 1.0
                        vigil_d_seconds_sum{op="start"} 0.75
                        vigil_d_seconds_count{op="start"} 1.0
                        # HELP vigil_g G
                        # TYPE vigil_g gauge
                        vigil_g 2.0
                        """);
        assertThat(TextFormat.write(List.of(c.collect()), true)).as("OpenMetrics: the family without _total, # EOF")
                .startsWith("# HELP vigil_x Help").contains("# TYPE vigil_x counter\nvigil_x_total{").endsWith("# EOF\n");
    }

    @Test
    void promtoolAcceptsTheAgentsScrapeWithoutALintWarning() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Debian's prometheus package) is not installed");
        var scrape = fullScrape();
        scrape.addAll(awkward());
        var r = run(TextFormat.write(scrape, false), PROMTOOL.toString(), "check", "metrics");
        // Exit 3 is lint findings only (a parse error is 1); the one finding is a name that predates
        // this writer, which the shipped dashboard and rules query: renaming it would break them.
        assertThat(r.output().lines().toList()).as("promtool check metrics, exit %d", r.exit())
                .containsExactly("vigil_resource_fail_count non-histogram and non-summary metrics should not have \"_count\" suffix");
        assertThat(r.exit()).isEqualTo(3);
    }

    @Test
    void pythonsTextAndOpenMetricsParsersReadBackEverySample() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/usr/lib/python3/dist-packages/prometheus_client/parser.py")),
                "Debian's python3-prometheus-client is not installed");
        var families = fullScrape();
        families.addAll(awkward());
        for (boolean om : new boolean[] {false, true}) {
            var parsed = parse(TextFormat.write(families, om), om);
            assertThat(parsed.keySet()).as("families, OpenMetrics %s", om)
                    .containsExactlyInAnyOrderElementsOf(families.stream().map(MetricFamily::name).toList());
            for (var f : families) {
                var p = parsed.get(f.name());
                assertThat(p.get("type").asText()).as(f.name()).isEqualTo(f.type().word);
                assertThat(p.get("help").asText()).as(f.name()).isEqualTo(f.help());
                assertThat(samples(p)).as("%s, OpenMetrics %s", f.name(), om).isEqualTo(expected(f));
            }
        }
    }

    /** What an agent serves after a failover: every family of AgentMetricsTest's scrape, events counted. */
    private List<MetricFamily> fullScrape() throws Exception {
        var metrics = new AgentMetrics(AgentMetricsTest.twoNodes(dir), "ha1", AgentMetricsTest::afterFailover);
        metrics.onMembership(new MembershipEvent(MembershipEvent.Kind.DEAD, "ha2", 7, 4, Instant.EPOCH));
        metrics.historyTap().fence(new FenceRecord(2, "ha2", "ha1", "reboot", List.of("f1"), true, ""));
        metrics.historyTap().operation(new OperationRecord(4, "ha1", "www", "start", "OK", 0, null, 180L, false));
        return new ArrayList<>(metrics.scrape());
    }

    /** (sample name, sorted labels, value) of each sample, as the parsers report them. */
    private static Set<String> expected(MetricFamily f) {
        var out = new HashSet<String>();
        for (var s : f.samples()) out.add(s.name() + new TreeMap<>(s.labels()) + "=" + TextFormat.number(s.value()));
        return out;
    }

    private static Set<String> samples(JsonNode family) {
        var out = new HashSet<String>();
        for (var s : family.get("samples")) {
            var labels = new TreeMap<String, String>();
            s.get(1).fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(s.get(0).asText() + labels + "=" + TextFormat.number(pythonFloat(s.get(2).asText())));
        }
        return out;
    }

    /** A python float's repr: {@code 0.25}, {@code 1e+20}, {@code nan}, {@code inf}, {@code -inf}. */
    private static double pythonFloat(String repr) {
        return switch (repr) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(repr);
        };
    }

    /** family name -> {type, help, samples: [[name, {labels}, value]]}, as python's parser read them. */
    private Map<String, JsonNode> parse(String exposition, boolean openMetrics) throws Exception {
        var script = dir.resolve("parse.py");
        Files.writeString(script, """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_families
                text = sys.stdin.read()
                parse = om_families if sys.argv[1] == "om" else text_string_to_metric_families
                out = {}
                for f in parse(text):
                    out[f.name] = {"type": f.type, "help": f.documentation,
                                   "samples": [[s.name, s.labels, repr(float(s.value))]
                                               for s in f.samples]}
                print(json.dumps(out))
                """);
        var r = run(exposition, PYTHON.toString(), script.toString(), openMetrics ? "om" : "text");
        assertThat(r.exit()).as("python's parser: %s", r.output()).isZero();
        var out = new java.util.LinkedHashMap<String, JsonNode>();
        new ObjectMapper().readTree(r.output()).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private record Result(int exit, String output) {}

    private Result run(String stdin, String... cmd) throws Exception {
        var in = dir.resolve("in.txt");
        var out = dir.resolve("out.txt");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        var p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(TOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " hung for " + TOOL_TIMEOUT_S + " s");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }
}
