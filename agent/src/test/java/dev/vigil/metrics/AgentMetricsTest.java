package dev.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import dev.vigil.control.StatusReport;
import dev.vigil.membership.MembershipEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry an agent serves: state read from a status snapshot, counters fed by events, the endpoint. */
class AgentMetricsTest {
    @TempDir
    Path dir;
    ClusterConfig config;

    @BeforeEach
    void cluster() throws Exception {
        config = twoNodes(dir);
    }

    /** ha1 and ha2 with the apache resource www and metrics on, written into {@code dir}. */
    static ClusterConfig twoNodes(Path dir) throws Exception {
        return twoNodes(dir, "[{id: www, agent: \"ocf:heartbeat:apache\"}]");
    }

    static ClusterConfig twoNodes(Path dir, String resources) throws Exception {
        var key = dir.resolve("authkey");
        Files.writeString(key, "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 127.0.0.1}, {name: ha2, address: 127.0.0.2}]
                links: [{type: udp, mode: unicast}]
                metrics: {listen: "127.0.0.1:9469"}
                resources: RESOURCES
                policy: {two_node_unsafe: true}
                """.replace("RESOURCES", resources));
        return ConfigLoader.load(file);
    }

    /** ha1's view just after ha2 died and www moved to ha1, with a link down and some drops. */
    static StatusReport afterFailover() {
        var ha2 = new StatusReport.NodeReport("ha2", "dead", false, 7, 2_500L,
                List.of(new StatusReport.LinkReport("ucast:694", 0, "down", 2_500L)));
        var ha1 = new StatusReport.NodeReport("ha1", "alive", true, 9, null, List.of());
        var www = new StatusReport.ResourceRow("www", "ocf:heartbeat:apache", null, false, List.of("ha1"),
                Map.of("ha1", "started"), Map.of("ha1", 1), Map.of("ha1", "start: OK"));
        var resources = new StatusReport.ResourcesReport("ha1", true, "fencing tie-breaker", false, List.of(), List.of(), "",
                List.of(), List.of(), List.of(), List.of("ha2"), List.of(www));
        return new StatusReport("web", "ha1", 9, 4, List.of("ha1"), 3,
                new StatusReport.TimingReport("lan", 1000, 3000, 5000, 30000), new StatusReport.VotesReport(1, 2),
                List.of(ha1, ha2), Map.of("forged", 2L, "serial-garbage", 17L),
                new StatusReport.SenderReport(120, 1, 640, 2), resources);
    }

    @Test
    void theStateIsReadFromOneStatusSnapshotPerScrape() {
        var calls = new AtomicInteger();
        var metrics = new AgentMetrics(config, "ha1", () -> {
            calls.incrementAndGet();
            return afterFailover();
        });
        List<MetricFamily> scrape = metrics.scrape();
        assertThat(calls).hasValue(1);
        assertThat(gauge(scrape, "vigil_members", Map.of())).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_config_version", Map.of())).isEqualTo(3);
        assertThat(gauge(scrape, "vigil_peer_state", Map.of("peer", "ha2", "state", "dead"))).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_peer_state", Map.of("peer", "ha2", "state", "alive"))).isEqualTo(0);
        assertThat(gauge(scrape, "vigil_peer_heartbeat_age_seconds", Map.of("peer", "ha2"))).isEqualTo(2.5);
        assertThat(gauge(scrape, "vigil_link_up", Map.of("link", "ucast:694", "peer", "ha2"))).isEqualTo(0);
        assertThat(gauge(scrape, "vigil_link_heartbeat_age_seconds", Map.of("link", "ucast:694", "peer", "ha2"))).isEqualTo(2.5);
        assertThat(counter(scrape, "vigil_heartbeat_slips", Map.of())).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_heartbeat_max_slip_seconds", Map.of())).isEqualTo(0.64);
        assertThat(counter(scrape, "vigil_detector_stalls", Map.of())).isEqualTo(2);
        assertThat(counter(scrape, "vigil_drops", Map.of("reason", "forged"))).isEqualTo(2);
        assertThat(counter(scrape, "vigil_drops", Map.of("reason", "replayed"))).as("known reasons start at 0").isZero();
        assertThat(points(scrape, "vigil_drops")).as("every heartbeat reason; bytes are not packets")
                .hasSize(dev.vigil.heartbeat.DropReason.values().length);
        assertThat(counter(scrape, "vigil_serial_garbage_bytes", Map.of())).isEqualTo(17);
        assertThat(gauge(scrape, "vigil_quorate", Map.of())).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_coordinator", Map.of("coordinator", "ha1"))).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_is_coordinator", Map.of())).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_resource_state", Map.of("node", "ha1", "resource", "www", "state", "started"))).isEqualTo(1);
        assertThat(points(scrape, "vigil_resource_state")).hasSize(StatusCollector.RESOURCE_STATES.size());
        assertThat(gauge(scrape, "vigil_resource_fail_count", Map.of("node", "ha1", "resource", "www"))).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_resource_running_nodes", Map.of("resource", "www"))).isEqualTo(1);
        assertThat(names(scrape)).as("the process collector").contains("process_resident_memory_bytes", "process_cpu_seconds");
    }

    @Test
    void aPromotableClonesRoleIsItsOwnGaugeAndItsInstancesAreStarted() {
        var s = afterFailover();
        var db = new StatusReport.ResourceRow("db", "ocf:pacemaker:Stateful", null, true, List.of("ha1", "ha2"),
                Map.of("ha1", "promoted", "ha2", "started", "ha3", "failed_promoted"), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of(), false, false, Map.of("ha1", "Promoted", "ha2", "Unpromoted"), Map.of());
        var r = s.resources();
        var resources = new StatusReport.ResourcesReport(r.coordinator(), r.quorate(), r.quorum(), r.maintenance(), r.standby(),
                r.constraints(), r.waitingFor(), r.pending(), r.notes(), r.lost(), r.fenced(), List.of(r.resources().get(0), db));
        var withDb = new StatusReport(s.cluster(), s.node(), s.incarnation(), s.view(), s.members(), s.configVersion(),
                s.timing(), s.votes(), s.nodes(), s.drops(), s.heartbeat(), resources);
        var scrape = new AgentMetrics(config, "ha1", () -> withDb).scrape();
        assertThat(gauge(scrape, "vigil_resource_promoted", Map.of("resource", "db", "node", "ha1"))).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_resource_promoted", Map.of("resource", "db", "node", "ha2"))).isEqualTo(0);
        assertThat(gauge(scrape, "vigil_resource_promoted", Map.of("resource", "db", "node", "ha3"))).isEqualTo(0);
        assertThat(points(scrape, "vigil_resource_promoted")).as("only promotable clones have a role").hasSize(3);
        // The state keeps its five values: a promoted instance is started, a failed promoted one failed.
        assertThat(gauge(scrape, "vigil_resource_state", Map.of("node", "ha1", "resource", "db", "state", "started"))).isEqualTo(1);
        assertThat(gauge(scrape, "vigil_resource_state", Map.of("node", "ha3", "resource", "db", "state", "failed"))).isEqualTo(1);
        assertThat(points(scrape, "vigil_resource_state")).hasSize(4 * StatusCollector.RESOURCE_STATES.size());
    }

    @Test
    void alertDeliveriesAreCountedByResultEachFromZero() {
        var s = afterFailover();
        var withAlerts = new StatusReport(s.cluster(), s.node(), s.incarnation(), s.view(), s.members(), s.configVersion(),
                s.timing(), s.votes(), s.nodes(), s.drops(), s.heartbeat(), s.resources(), Map.of("sent", 3L, "timed_out", 1L));
        var scrape = new AgentMetrics(config, "ha1", () -> withAlerts).scrape();
        assertThat(counter(scrape, "vigil_alerts", Map.of("result", "sent"))).isEqualTo(3);
        assertThat(counter(scrape, "vigil_alerts", Map.of("result", "timed_out"))).isEqualTo(1);
        assertThat(counter(scrape, "vigil_alerts", Map.of("result", "dropped"))).as("every result starts at 0").isZero();
        assertThat(points(scrape, "vigil_alerts")).hasSize(dev.vigil.alerts.Alerts.Counter.values().length);
    }

    @Test
    void withoutResourcesThereIsNoQuorumOrResourceMetric() {
        var s = afterFailover();
        var bare = new StatusReport(s.cluster(), s.node(), s.incarnation(), s.view(), s.members(), s.configVersion(), s.timing(),
                s.votes(), s.nodes(), s.drops(), s.heartbeat(), null);
        var scrape = new AgentMetrics(config, "ha1", () -> bare).scrape();
        assertThat(names(scrape)).contains("vigil_members", "vigil_peer_state")
                .doesNotContain("vigil_quorate", "vigil_coordinator", "vigil_resource_state");
    }

    @Test
    void deathsLateBeatsFencesOperationsAndMovesAreCounted() {
        var metrics = new AgentMetrics(config, "ha1", AgentMetricsTest::afterFailover);
        var before = metrics.scrape();
        assertThat(counter(before, "vigil_peer_deaths", Map.of("peer", "ha2"))).as("known peers start at 0").isEqualTo(0);
        assertThat(counter(before, "vigil_fences", Map.of("result", "failure", "target", "ha2"))).isEqualTo(0);
        assertThat(counter(before, "vigil_resource_moves", Map.of("resource", "www"))).isEqualTo(0);

        var at = Instant.EPOCH;
        metrics.onMembership(new MembershipEvent(MembershipEvent.Kind.LATE, "ha2", 7, 3, at));
        metrics.onMembership(new MembershipEvent(MembershipEvent.Kind.DEAD, "ha2", 7, 4, at));
        metrics.onMembership(new MembershipEvent(MembershipEvent.Kind.LEFT, "ha2", 7, 5, at));
        metrics.historyTap().fence(new FenceRecord(1, "ha2", "ha1", "reboot", List.of("f1"), false, "timed out"));
        metrics.historyTap().fence(new FenceRecord(2, "ha2", "ha1", "reboot", List.of("f1"), true, ""));
        metrics.historyTap().fence(new FenceRecord(3, "ha1", "ha2", "reboot", List.of("f1"), true, "")); // ha2 fenced, not us
        metrics.historyTap().operation(new OperationRecord(4, "ha1", "www", "start", "OK", 0, null, 180L, false));
        metrics.historyTap().operation(new OperationRecord(5, "ha1", "www", "monitor", "NOT_RUNNING", 7, null, 40L, true));
        metrics.historyTap().operation(new OperationRecord(6, "ha2", "www", "stop", "OK", 0, null, null, false)); // a peer's
        metrics.onCoordinationStatus(MovesTest.status(), MovesTest.status("ha2", "www", "S"));
        metrics.onCoordinationStatus(MovesTest.status("ha2", "www", "S"), MovesTest.status("ha1", "www", "S"));

        var after = metrics.scrape();
        assertThat(counter(after, "vigil_peer_deaths", Map.of("peer", "ha2"))).as("a LEAVE is no death").isEqualTo(1);
        assertThat(counter(after, "vigil_late_heartbeats", Map.of("peer", "ha2"))).isEqualTo(1);
        assertThat(counter(after, "vigil_fences", Map.of("result", "failure", "target", "ha2"))).isEqualTo(1);
        assertThat(counter(after, "vigil_fences", Map.of("result", "success", "target", "ha2"))).isEqualTo(1);
        assertThat(points(after, "vigil_fences")).as("fences ha2 ran are its own to count").hasSize(2);
        assertThat(counter(after, "vigil_resource_moves", Map.of("resource", "www"))).isEqualTo(1);
        assertThat(counter(after, "vigil_resource_operation_failures", Map.of("operation", "monitor", "resource", "www"))).isEqualTo(1);
        var starts = histogram(after, Map.of("operation", "start", "resource", "www"));
        assertThat(starts.count()).isEqualTo(1);
        assertThat(starts.sum()).isEqualTo(0.18);
        assertThat(histogram(after, Map.of("operation", "stop", "resource", "www")).count()).as("ha2's stop is ha2's").isZero();
    }

    /** So that increase() and the dashboard's promotions see the first one, as they see a first move. */
    @Test
    void aPromotableClonesPromotionsStartAtZeroOnEveryNode() throws Exception {
        var withClone = twoNodes(dir, "[{id: www, agent: \"ocf:heartbeat:apache\"}, "
                + "{id: db, agent: \"ocf:pacemaker:Stateful\", promotable: true}]");
        var metrics = new AgentMetrics(withClone, "ha1", AgentMetricsTest::afterFailover);
        var scrape = metrics.scrape();
        assertThat(counter(scrape, "vigil_resource_promotions", Map.of("resource", "db", "node", "ha1"))).isZero();
        assertThat(counter(scrape, "vigil_resource_promotions", Map.of("resource", "db", "node", "ha2"))).isZero();
        assertThat(points(scrape, "vigil_resource_promotions")).as("www has no role").hasSize(2);
        metrics.onCoordinationStatus(MovesTest.status("ha1", "db", "s", "ha2", "db", "P"),
                MovesTest.status("ha1", "db", "P", "ha2", "db", "S"));
        assertThat(counter(metrics.scrape(), "vigil_resource_promotions", Map.of("resource", "db", "node", "ha1"))).isEqualTo(1);
    }

    @Test
    void theEndpointServesTheTextFormatAndABusyPortCostsOnlyTheMetrics() throws Exception {
        var metrics = new AgentMetrics(config, "ha1", AgentMetricsTest::afterFailover);
        try (metrics; var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var busy = new AgentMetrics(config, "ha1", AgentMetricsTest::afterFailover);
            busy.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()));
            assertThat(busy.port()).isEmpty();
            busy.close();

            metrics.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = metrics.port().orElseThrow();
            var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            assertThat(response.body()).contains("\nvigil_members 1.0\n".substring(1));
        }
        assertThat(metrics.port()).isEmpty();
    }

    private static List<String> names(List<MetricFamily> scrape) {
        return scrape.stream().map(MetricFamily::name).toList();
    }

    /** A gauge's or counter's samples (a counter's under its {@code _total} name). */
    static List<MetricFamily.Sample> points(List<MetricFamily> scrape, String name) {
        return scrape.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + names(scrape))).samples();
    }

    private static double value(List<MetricFamily> scrape, String family, String sample, Map<String, String> labels) {
        return points(scrape, family).stream().filter(p -> p.name().equals(sample) && p.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + sample + labels + " in " + points(scrape, family))).value();
    }

    private static double gauge(List<MetricFamily> scrape, String name, Map<String, String> labels) {
        return value(scrape, name, name, labels);
    }

    private static double counter(List<MetricFamily> scrape, String name, Map<String, String> labels) {
        return value(scrape, name, name + "_total", labels);
    }

    /** A histogram series' count and sum. */
    private record Observed(double count, double sum) {}

    private static Observed histogram(List<MetricFamily> scrape, Map<String, String> labels) {
        String h = "vigil_resource_operation_duration_seconds";
        return new Observed(value(scrape, h, h + "_count", labels), value(scrape, h, h + "_sum", labels));
    }
}
