package dev.vigil.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped monitoring files (install/src/examples/monitoring, docs/metrics.md): Prometheus'
 * own {@code promtool} checks the alerting rules and runs their unit tests; the Grafana dashboard
 * is valid JSON whose every panel queries something. That the queries name metrics the agent
 * really exports is MetricsBedIT's check, against real scrapes (PromotableLoopbackIT's for the
 * roles of a promotable clone).
 */
class MonitoringFilesTest {
    private static final Path DIR = Path.of("src/examples/monitoring");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void promtoolAcceptsTheRulesAndTheirTestsPass() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Debian's prometheus package) is not installed");
        assertThat(promtool("check", "rules", "vigil-alerts.yml")).contains("SUCCESS: 14 rules found");
        assertThat(promtool("test", "rules", "vigil-alerts-test.yml")).contains("SUCCESS");
    }

    @Test
    void everyDashboardPanelQueriesPrometheus() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DIR.resolve("vigil-dashboard.json").toFile());
        assertThat(dashboard.get("uid").asText()).isEqualTo("vigil-cluster");
        var ids = new HashSet<Integer>();
        assertThat(dashboard.get("panels")).isNotEmpty();
        for (var panel : dashboard.get("panels")) {
            var title = panel.get("title").asText();
            assertThat(ids.add(panel.get("id").asInt())).as("panel id of %s is unique", title).isTrue();
            var grid = panel.get("gridPos");
            assertThat(grid.get("x").asInt() + grid.get("w").asInt()).as("%s fits the 24-column grid", title).isLessThanOrEqualTo(24);
            assertThat(panel.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.get("targets")).as("%s has queries", title).isNotEmpty();
            for (var target : panel.get("targets")) {
                assertThat(target.get("expr").asText()).as("a query of %s", title).containsPattern("\\b(vigil|process)_|\\bup\\{");
            }
        }
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
        cmd.addAll(List.of(args));
        var log = Files.createTempFile("promtool", ".out");
        try {
            var p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(PROMTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("promtool " + String.join(" ", args) + " hung for " + PROMTOOL_TIMEOUT);
            }
            var out = Files.readString(log);
            assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
