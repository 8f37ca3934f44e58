package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import dev.vigil.it.PrometheusScrapes.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prometheus metrics during a real failover on the HA bed (about 20 s): two agents serve {@code metrics:
 * {listen: ":9469"}} on their node addresses; the bed's client namespace (Prometheus' place)
 * scrapes both before and while ha1 dies (every process on it killed), and ha2's scrapes show the
 * death, then the fence, then the move, in that order. Every scrape is parsed by the Prometheus
 * client's own parser (Debian's python3-prometheus-client), never by string matching. The shipped
 * dashboard's and alerting rules' expressions name only metrics these real scrapes contain (the
 * roles of a promotable clone, which this bed does not run, are PromotableLoopbackIT's to find).
 * Needs root, the bed's tools and python3-prometheus-client.
 */
@Tag("integration")
class MetricsBedIT {
    /** lan (deadtime 1 s): the test is about what the scrapes show, not speed; a loaded machine must not fake a death. */
    private static final Timing TIMING = TimingPreset.LAN.timing();
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20); // BedCluster's devices
    private static final Duration DECISION_SLACK = Duration.ofSeconds(1);
    /** Detection (a young peer gets the joining deadtime), the fence, then the VIP's start. */
    private static final Duration TAKEOVER_BOUND = Timing.JOINING_DEADTIME.plus(TIMING.keepalive()).plus(DECISION_SLACK)
            .plus(FENCE_TIMEOUT).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT);
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int PORT = 9469;

    private static final String TEMPLATE = """
            cluster: metrics
            auth: {keyfile: KEYFILE}
            timing: {preset: lan}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            metrics: {listen: ":9469"}
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}}
            groups:
              - {id: service, members: [vip], prefer: ha1}
            policy: {auto_failback: false, no_quorum: stop}
            ${FENCING}
            """;

    private BedCluster cluster;
    private Path workDir;
    private Path script;

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the metrics test on the HA bed: " + why.orElse(""));
        assumeTrue(Files.isRegularFile(PrometheusScrapes.PARSER),
                "skipping the metrics test: Debian's python3-prometheus-client is not installed");
        workDir = Files.createTempDirectory("vmx");
        script = PrometheusScrapes.script(workDir);
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
                assertThat(cluster.bed().leftovers()).as("what bed %s left behind", cluster.bed().name()).isEmpty();
            }
        } finally {
            keepLogs();
        }
    }

    @Test
    void scrapesDuringAFailoverShowTheDeathTheFenceAndTheMove() throws Exception {
        long t0 = System.nanoTime();
        cluster = BedCluster.create(2, workDir, TEMPLATE);
        cluster.startAll();
        var urls = Map.of("ha1", url("ha1"), "ha2", url("ha2"));

        // Both agents up, the VIP on ha1 as both see it (asked over the control socket: no fork per poll).
        until(STARTUP, () -> cluster.runningOn("ha2", "vip"), on -> on.equals(List.of("ha1")));
        var before = until(Duration.ofSeconds(10), () -> scrape(urls), s -> s.get("ha1").ok() && s.get("ha2").ok()
                && s.values().stream().allMatch(x -> x.value("vigil_members").orElse(0.0) == 2
                        && x.value("vigil_resource_state", "resource", "vip", "node", "ha1", "state", "started").orElse(0.0) == 1));
        for (var node : List.of("ha1", "ha2")) {
            var s = before.get(node);
            assertThat(s.get("vigil_coordinator", "coordinator", "ha1")).as("%s names ha1 the coordinator", node).isEqualTo(1);
            assertThat(s.get("vigil_is_coordinator")).isEqualTo(node.equals("ha1") ? 1 : 0);
            assertThat(s.get("vigil_quorate")).isEqualTo(1);
            assertThat(s.get("vigil_peer_state", "peer", other(node), "state", "alive")).isEqualTo(1);
            assertThat(s.get("vigil_peer_deaths_total", "peer", other(node))).isZero();
            assertThat(s.get("vigil_resource_moves_total", "resource", "vip")).isZero();
            assertThat(s.get("process_resident_memory_bytes")).isPositive();
        }
        assertThat(before.get("ha1").get("vigil_resource_operation_duration_seconds_count", "operation", "start", "resource", "vip"))
                .as("ha1 started the VIP once").isEqualTo(1);

        cluster.killNode("ha1");
        long killedAt = System.nanoTime();
        var during = new ArrayList<Scrape>();
        var after = until(TAKEOVER_BOUND, () -> {
            var s = scrape(Map.of("ha2", url("ha2"))).get("ha2");
            during.add(s);
            return s;
        }, s -> s.ok() && s.value("vigil_resource_state", "resource", "vip", "node", "ha2", "state", "started").orElse(0.0) == 1);
        log("ha1 killed: ha2's scrapes show the VIP started on ha2 after %d ms (%d scrapes); RSS before: ha1 %.1f MB, "
                + "ha2 %.1f MB; ha2 after the takeover %.1f MB", (System.nanoTime() - killedAt) / 1_000_000, during.size(),
                megabytes(before.get("ha1")), megabytes(before.get("ha2")), megabytes(after));

        assertThat(after.get("vigil_peer_deaths_total", "peer", "ha1")).isEqualTo(1);
        assertThat(after.get("vigil_peer_state", "peer", "ha1", "state", "dead")).isEqualTo(1);
        assertThat(after.get("vigil_fences_total", "target", "ha1", "result", "success")).isEqualTo(1);
        assertThat(after.get("vigil_fences_total", "target", "ha1", "result", "failure")).isZero();
        assertThat(after.get("vigil_resource_moves_total", "resource", "vip")).isEqualTo(1);
        assertThat(after.get("vigil_members")).isEqualTo(1);
        assertThat(after.get("vigil_is_coordinator")).isEqualTo(1);
        assertThat(after.get("vigil_resource_operation_duration_seconds_count", "operation", "start", "resource", "vip")).isEqualTo(1);
        // In order: nothing moves before the fence, and no fence before the death.
        for (var s : during.stream().filter(Scrape::ok).toList()) {
            if (s.get("vigil_resource_moves_total", "resource", "vip") > 0) {
                assertThat(s.get("vigil_fences_total", "target", "ha1", "result", "success")).as("fenced before the move").isEqualTo(1);
            }
            if (s.get("vigil_fences_total", "target", "ha1", "result", "success") > 0) {
                assertThat(s.get("vigil_peer_deaths_total", "peer", "ha1")).as("dead before fenced").isEqualTo(1);
            }
        }
        var down = scrape(Map.of("ha1", url("ha1"))).get("ha1");
        assertThat(down.ok()).as("ha1's endpoint went with its node (Prometheus' up == 0)").isFalse();

        // The shipped dashboard and rules name only what real agents export; the roles of a
        // promotable clone come from PromotableLoopbackIT's agents (this bed runs none).
        var exported = new TreeSet<>(before.get("ha1").names());
        exported.addAll(before.get("ha2").names());
        exported.addAll(after.names());
        var notRoles = PrometheusScrapes.NEEDS_PROMOTABLE_CLONE.negate();
        assertThat(PrometheusScrapes.dashboardMetrics()).as("metrics the dashboard's panels query").isNotEmpty()
                .filteredOn(notRoles).isSubsetOf(exported);
        assertThat(PrometheusScrapes.ruleMetrics()).as("metrics the alerting rules query").isNotEmpty()
                .filteredOn(notRoles).isSubsetOf(exported);
        log("wall time %d s", (System.nanoTime() - t0) / 1_000_000_000);
    }

    private static double megabytes(Scrape s) {
        return s.get("process_resident_memory_bytes") / (1024.0 * 1024.0);
    }

    private static String other(String node) {
        return node.equals("ha1") ? "ha2" : "ha1";
    }

    private String url(String node) {
        return "http://" + cluster.bed().address(node) + ":" + PORT + "/metrics";
    }

    /** Scrapes from the client namespace, one python process for all the URLs. */
    private Map<String, Scrape> scrape(Map<String, String> urls) throws IOException {
        var r = cluster.bed().client(Duration.ofSeconds(30), PrometheusScrapes.command(script, urls).toArray(String[]::new));
        assertThat(r.exit()).as("scrape_metrics.py: %s", r.stderr()).isZero();
        return PrometheusScrapes.parse(r.stdout(), urls);
    }

    interface Attempt<T> {
        T get() throws IOException;
    }

    /** Retries every 200 ms until {@code done} holds, at most {@code bound}; fails with the last value otherwise. */
    private static <T> T until(Duration bound, Attempt<T> attempt, java.util.function.Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        T last;
        do {
            last = attempt.get();
            if (done.test(last)) return last;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not reached within " + bound + "; last: " + last);
    }

    private void keepLogs() throws IOException {
        if (workDir == null || !Files.isDirectory(workDir)) return;
        var logDir = Path.of("target/metrics-it").toAbsolutePath();
        Files.createDirectories(logDir);
        try (Stream<Path> files = Files.list(workDir)) {
            for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, logDir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            for (var p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("MetricsBedIT: " + String.format(format, args));
    }
}
