package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.it.PrometheusScrapes.Scrape;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pacemaker's own promotable test agent, {@code ocf:pacemaker:Stateful} (package
 * pacemaker-resource-agents), unmodified under two real agents on 127.0.0.71/72: it sets its
 * promotion score with {@code crm_attribute --promotion} (Vigil's, found through HA_SBIN_DIR),
 * one instance is promoted, {@code vigil status} shows the roles and scores, and when the promoted
 * node's agent is killed the other instance is promoted. Both agents serve Prometheus metrics:
 * their scrapes (parsed by the Prometheus client's parser) show the promoted instance and the
 * promotion, and contain every role metric the shipped dashboard and alerting rules query
 * (MetricsBedIT checks the rest; its bed runs no promotable clone).
 *
 * <p>Each node's Stateful keeps its state file in a directory of its own (HA_VARRUN), as two
 * machines would; the killed node's file stays "Promoted", as a real daemon would keep running.
 */
@Tag("integration")
class PromotableLoopbackIT {
    private static final Path STATEFUL = Path.of("/usr/lib/ocf/resource.d/pacemaker/Stateful");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) cluster.close();
    }

    private ConditionFactory eventually(String what) {
        // Deadtime 250 ms and monitors every 500 ms: 15 s is many times what any step needs.
        return await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100));
    }

    private Path varrun(String node) {
        return dir.resolve("run-" + node);
    }

    /** What node's Stateful says of itself: Promoted, Unpromoted, or empty when stopped. */
    private Optional<String> role(String node) throws Exception {
        Path f = varrun(node).resolve("Stateful-db.state");
        return Files.exists(f) ? Optional.of(Files.readString(f).strip()) : Optional.empty();
    }

    /**
     * The actions in Stateful's envfile, in order: {@code start ha1}, {@code notify pre-promote ha2}
     * (each block starts with {@code ### ACTION @ DATE ###}, then the sorted environment).
     */
    private List<String> actions() throws Exception {
        var result = new ArrayList<String>();
        String action = null;
        String node = "";
        String type = "";
        String operation = "";
        for (String line : Files.readAllLines(dir.resolve("env"))) {
            if (line.startsWith("### ") && line.contains(" @ ")) {
                action = line.substring(4, line.indexOf(" @ "));
                node = "";
                type = "";
                operation = "";
            } else if (line.equals("###") && action != null) {
                result.add(action + (action.equals("notify") ? " " + type + "-" + operation : "") + " " + node);
                action = null;
            } else if (line.startsWith("OCF_RESKEY_CRM_meta_on_node=")) {
                node = line.substring(line.indexOf('=') + 1);
            } else if (line.startsWith("OCF_RESKEY_CRM_meta_notify_type=")) {
                type = line.substring(line.indexOf('=') + 1);
            } else if (line.startsWith("OCF_RESKEY_CRM_meta_notify_operation=")) {
                operation = line.substring(line.indexOf('=') + 1);
            }
        }
        return result;
    }

    /** The real CLI, bounded: {@code vigil status ...}. */
    private static Commands.Result vigil(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, null, Duration.ofSeconds(60));
    }

    /** Each agent's scrape, parsed by python3-prometheus-client; an agent that does not answer has an error. */
    private static Map<String, Scrape> scrape(Path script, Map<String, String> urls) throws Exception {
        var r = Commands.run(PrometheusScrapes.command(script, urls), null, Duration.ofSeconds(30));
        assertThat(r.exit()).as("scrape_metrics.py: %s", r.stderr()).isZero();
        return PrometheusScrapes.parse(r.stdout(), urls);
    }

    /** A TCP port free on both nodes' addresses now (the UDP link's number is the pid's). */
    private static int freeMetricsPort() throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            int port;
            try (var s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.71"))) {
                port = s.getLocalPort();
            }
            try (var s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.72"))) {
                return port;
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        throw new AssertionError("no TCP port free on both 127.0.0.71 and 127.0.0.72 in 10 tries");
    }

    @Test
    void statefulIsPromotedOnOneNodeAndFailsOverWhenItsNodeDies() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(STATEFUL), "needs pacemaker-resource-agents (" + STATEFUL + ")");
        Assumptions.assumeTrue(Files.isRegularFile(PrometheusScrapes.PARSER),
                "needs python3-prometheus-client (" + PrometheusScrapes.PARSER + ")");
        int port = 20000 + (int) ((ProcessHandle.current().pid() + 11) % 20000);
        int metricsPort = freeMetricsPort();
        var urls = Map.of("ha1", "http://127.0.0.71:" + metricsPort + "/metrics", "ha2", "http://127.0.0.72:" + metricsPort + "/metrics");
        cluster = new TestCluster(dir, """
                cluster: promotable
                auth: {keyfile: KEYFILE}
                timing: {preset: fast}
                nodes:
                  - {name: ha1, address: 127.0.0.71}
                  - {name: ha2, address: 127.0.0.72}
                links:
                  - {type: udp, mode: unicast, port: %d}
                metrics: {listen: ":%d"}
                resources:
                  - id: db
                    agent: "ocf:pacemaker:Stateful"
                    promotable: true
                    notify: true
                    params: {envfile: %s}
                    monitor: [{interval: 500ms, role: Promoted}, {interval: 600ms, role: Unpromoted}]
                policy: {two_node_unsafe: true}
                """.formatted(port, metricsPort, dir.resolve("env")), Map.of());
        for (var n : List.of("ha1", "ha2")) {
            Files.createDirectories(varrun(n));
            cluster.start(n, "HA_VARRUN", varrun(n) + "/");
        }

        // Stateful sets 5 on start: both equal, so the first node in the file is promoted.
        eventually("db promoted on ha1, unpromoted on ha2").untilAsserted(() -> {
            assertThat(role("ha1")).as(cluster.logs()).contains("Promoted");
            assertThat(role("ha2")).contains("Unpromoted");
        });
        eventually("status --json shows the roles and the scores Stateful set").untilAsserted(() -> {
            var status = vigil("status", "--json", "--socket", cluster.socket("ha2").toString());
            assertThat(status.exit()).as(status.stderr()).isZero();
            JsonNode row = JSON.readTree(status.stdout()).get("resources").get("resources").get(0);
            assertThat(row.get("roles").toString()).isEqualTo("{\"ha1\":\"Promoted\",\"ha2\":\"Unpromoted\"}");
            // Stateful's scores: 10 when promoted, 5 when not.
            assertThat(row.get("promotionScores").toString()).isEqualTo("{\"ha1\":\"10\",\"ha2\":\"5\"}");
            assertThat(row.get("states").get("ha1").asText()).isEqualTo("promoted");
        });
        // Stateful's envfile: every action it ran with its environment, in order. The promote on
        // ha1 came between the pre and the post notifications of both instances.
        eventually("post-promote notifications ran").untilAsserted(() -> {
            var actions = actions();
            int promote = actions.indexOf("promote ha1");
            assertThat(promote).as(String.join("\n", actions)).isPositive();
            assertThat(actions.subList(0, promote)).contains("notify pre-promote ha1", "notify pre-promote ha2");
            assertThat(actions.subList(promote, actions.size()))
                    .contains("notify post-promote ha1", "notify post-promote ha2");
        });
        assertThat(Files.readString(dir.resolve("env"))).contains("OCF_RESKEY_CRM_meta_notify_promote_uname=ha1")
                .contains("OCF_RESKEY_CRM_meta_notify_slave_uname=ha1 ha2")
                .contains("OCF_RESKEY_CRM_meta_promoted_max=1").contains("OCF_RESKEY_CRM_meta_clone_max=2");
        var text = vigil("status", "--socket", cluster.socket("ha1").toString());
        assertThat(text.stdout()).contains("Promoted ha1; Unpromoted ha2").contains("promotion scores: ha1=10 ha2=5");
        // Both agents' metrics: the promoted instance on ha1, the unpromoted one on ha2.
        var script = PrometheusScrapes.script(dir);
        var before = new HashMap<String, Scrape>();
        eventually("both agents' scrapes show db promoted on ha1 only").untilAsserted(() -> {
            before.putAll(scrape(script, urls));
            for (var s : before.values()) {
                assertThat(s.ok()).as(s.error() + "").isTrue();
                assertThat(s.get("vigil_resource_promoted", "resource", "db", "node", "ha1")).isEqualTo(1);
                assertThat(s.get("vigil_resource_promoted", "resource", "db", "node", "ha2")).isZero();
            }
        });
        assertThat(before.get("ha2").get("vigil_resource_promotions_total", "resource", "db", "node", "ha2"))
                .as("counted from 0, so increase() sees the first").isZero();

        // kill -9: ha1 dies without a word (its Stateful file stays "Promoted", as a daemon would).
        cluster.kill("ha1");
        eventually("ha2 promoted").untilAsserted(() -> assertThat(role("ha2")).as(cluster.logs()).contains("Promoted"));
        eventually("status on ha2 shows it promoted with score 10").untilAsserted(() -> {
            var status = vigil("status", "--json", "--socket", cluster.socket("ha2").toString());
            JsonNode row = JSON.readTree(status.stdout()).get("resources").get("resources").get(0);
            assertThat(row.get("roles").toString()).isEqualTo("{\"ha2\":\"Promoted\"}");
            // ha1's transient score left with it.
            assertThat(row.get("promotionScores").toString()).isEqualTo("{\"ha2\":\"10\"}");
        });
        var after = new HashMap<String, Scrape>();
        eventually("ha2's scrape shows its instance promoted, once").untilAsserted(() -> {
            after.putAll(scrape(script, urls));
            var s = after.get("ha2");
            assertThat(s.ok()).as(s.error() + "").isTrue();
            assertThat(s.get("vigil_resource_promoted", "resource", "db", "node", "ha2")).isEqualTo(1);
            assertThat(s.value("vigil_resource_promoted", "resource", "db", "node", "ha1").orElse(0.0)).isZero();
            assertThat(s.get("vigil_resource_promotions_total", "resource", "db", "node", "ha2")).isEqualTo(1);
        });
        assertThat(after.get("ha1").ok()).as("ha1's endpoint went with its agent").isFalse();

        // The role metrics the shipped dashboard and alerting rules query are what these real agents export.
        var exported = new TreeSet<String>();
        before.values().forEach(s -> exported.addAll(s.names()));
        exported.addAll(after.get("ha2").names());
        var roles = new TreeSet<String>(PrometheusScrapes.dashboardMetrics());
        roles.addAll(PrometheusScrapes.ruleMetrics());
        roles.removeIf(PrometheusScrapes.NEEDS_PROMOTABLE_CLONE.negate());
        assertThat(roles).as("role metrics of the dashboard and the rules")
                .contains("vigil_resource_promoted", "vigil_resource_promotions_total").isSubsetOf(exported);
    }
}
