package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Alerts on a real failover (docs/alerts.md): three agents on the HA bed run the classic web
 * group with fencing and four alerts — Pacemaker's sample file agent, a mail to aiosmtpd and a
 * webhook to an HTTP server in this JVM (both reached from the nodes at the client namespace's
 * address; the webhook through a socat bridge over a Unix socket, which crosses namespaces), and
 * a hung agent ({@code sleep 1000}, timeout 2 s) beside them. ha1, the active node and the
 * coordinator, is killed: each cluster-wide event arrives once (ha2 and ha3 both survive; only
 * ha2, the new coordinator, tells), the hung agent is killed at its timeout, and the takeover
 * stays within the bound FailoverBedIT holds it to without alerts. Needs root, the bed's tools,
 * pacemaker-common, python3-aiosmtpd and socat.
 */
@Tag("integration")
class AlertsBedIT {
    /**
     * lan, not fast: the assertion is that each event is told exactly once, and at fast (deadtime
     * 250 ms) a loaded 2-core machine made the survivors declare each other dead after the
     * failover (correctly told, each partition's coordinator telling its own view).
     */
    private static final Timing TIMING = TimingPreset.LAN.timing();
    /** FailoverBedIT's bound for a takeover with fencing: detection, the fence, the group's three starts. */
    private static final Duration FAILOVER_BOUND = TIMING.deadtime().plus(TIMING.keepalive()).plus(Duration.ofSeconds(1))
            .plus(Duration.ofSeconds(20)).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT.multipliedBy(3));
    /** JVMs, initdead (10 s at lan), probes, the group's start. */
    private static final Duration STARTUP = Duration.ofSeconds(60).plus(TIMING.initdead());
    private static final Duration HUNG_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Every delivery of the failover, bounded by the alerts' timeouts: at most 14 deliveries on 4
     * alert threads, none longer than 10 s (the file agent's and the mail's timeouts).
     */
    private static final Duration ALERTS_BOUND = Duration.ofSeconds(10).multipliedBy(4).plusSeconds(10);
    private static final Path SAMPLE = Path.of("/usr/share/pacemaker/alerts/alert_file.sh.sample");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private static final String TEMPLATE = """
            cluster: alerts
            auth: {keyfile: KEYFILE}
            timing: {preset: lan}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: data, agent: "ocf:vigil:Filesystem", params: {device: ${DISK}, directory: ${MOUNT}, fstype: ext4}}
              - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0}}
              - {id: web,  agent: "ocf:vigil:apache", params: {configfile: ${NODE_APACHE_CONF}}}
            groups:
              - {id: www, members: [data, vip, web], prefer: ha1}
            policy: {auto_failback: false, no_quorum: stop}
            ${FENCING}
            alerts:
              - {name: file, kind: agent, path: @WORK@/alert_file.sh, recipients: [@WORK@/alerts.log],
                 events: [node-dead, node-fenced, resource-moved], timeout: 10s}
              - {name: hung, kind: agent, path: @WORK@/hang.sh, events: [node-dead, node-fenced, resource-moved],
                 timeout: 2s}
              - {name: mail, kind: smtp, smtp: {host: ${CLIENT_ADDR}, port: 2525, from: vigil@example.com},
                 recipients: [ops@example.com], events: [node-dead], timeout: 10s}
              - {name: hook, kind: webhook, url: "http://${CLIENT_ADDR}:8080/hook", events: [node-dead, resource-moved],
                 timeout: 10s}
            """;

    private Path workDir;
    private BedCluster cluster;
    private HttpServer hook;
    private final List<String> hookBodies = new CopyOnWriteArrayList<>();
    private final List<Process> helpers = new ArrayList<>();

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping alerts on the HA bed: " + why.orElse(""));
        assumeTrue(Files.isReadable(SAMPLE), "needs Pacemaker's sample alert agents (apt-get install pacemaker-common)");
        assumeTrue(Files.isExecutable(PYTHON), "needs Debian's python3 with python3-aiosmtpd");
        // Short: the webhook bridge's Unix socket lives here (108 bytes at most).
        workDir = Files.createTempDirectory("val");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (Process p : helpers) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            if (hook != null) {
                hook.stop(0);
            }
            if (cluster != null) {
                cluster.close();
                assertThat(cluster.bed().leftovers()).as("what bed %s left behind", cluster.bed().name()).isEmpty();
            }
        } finally {
            if (workDir != null) {
                keepLogs();
                try (Stream<Path> files = Files.walk(workDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void aFailoverIsToldOnceByEachAlertAndAHungAgentDelaysNothing() throws Exception {
        Path agent = executable("alert_file.sh", Files.readString(SAMPLE));
        Path hungPids = workDir.resolve("hung.pids");
        Path hang = executable("hang.sh", "#!/bin/sh\necho $$ >> " + hungPids + "\nexec sleep 1000\n");
        Path log = workDir.resolve("alerts.log");
        Path mailDir = Files.createDirectories(workDir.resolve("mail"));
        startWebhookServer();

        cluster = BedCluster.create(3, workDir, TEMPLATE.replace("@WORK@", workDir.toString()));
        var bed = cluster.bed();
        String clientNs = bed.clientNamespace();
        String clientAddr = bed.fact("CLIENT_ADDR");
        // The nodes reach the client's address: the mail server runs there, and the webhook's bridge.
        Path smtpScript = workDir.resolve("smtp_server.py");
        try (InputStream in = AlertsBedIT.class.getResourceAsStream("/dev/vigil/alerts/smtp_server.py")) {
            Files.copy(in, smtpScript);
        }
        var smtp = helper("ip", "netns", "exec", clientNs, PYTHON.toString(), smtpScript.toString(), clientAddr + ":2525",
                mailDir.toString());
        assertThat(new BufferedReader(new InputStreamReader(smtp.getInputStream(), StandardCharsets.UTF_8)).readLine())
                .as("aiosmtpd in the client namespace").isEqualTo("ready");
        Path bridge = workDir.resolve("hook.sock");
        helper("socat", "UNIX-LISTEN:" + bridge + ",fork", "TCP:127.0.0.1:" + hook.getAddress().getPort());
        await("the webhook bridge's socket").atMost(Duration.ofSeconds(10)).until(() -> Files.exists(bridge));
        helper("ip", "netns", "exec", clientNs, "socat", "TCP-LISTEN:8080,bind=" + clientAddr + ",fork,reuseaddr",
                "UNIX-CONNECT:" + bridge);

        cluster.startAll();
        await("the client gets the page from ha1").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.servedBy(Duration.ofMillis(500)).orElse(""), "ha1"::equals);
        await("every agent settled").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.status("ha3").filter(s -> s.resources() != null
                        && s.resources().waitingFor().isEmpty() && s.resources().pending().isEmpty()).isPresent());
        List<String> before = Files.exists(log) ? Files.readAllLines(log) : List.of();
        int hookBefore = hookBodies.size();

        long t0 = System.nanoTime();
        cluster.killNode("ha1");
        String taker = await("the client gets the page from ha2 or ha3").atMost(FAILOVER_BOUND.plusSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> cluster.servedBy(Duration.ofMillis(500)).orElse(""),
                        n -> n.equals("ha2") || n.equals("ha3"));
        Duration takeover = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("AlertsBedIT: ha1 killed, %s serves after %d ms (a hung alert agent configured)%n",
                taker, takeover.toMillis());
        assertThat(takeover).as("the takeover, with a hung alert agent beside it").isLessThan(FAILOVER_BOUND);

        // Pacemaker's sample agent: one line per event, though two nodes survived to tell it.
        List<String> expected = new ArrayList<>(List.of("Node 'ha1' is now 'lost'",
                "Fencing Operation reboot of ha1 by ha2 for vigil@ha2: OK"));
        for (String r : List.of("data", "vip", "web")) {
            expected.add("Resource operation 'move' for '" + r + "' on '" + taker + "': ok");
        }
        await("the file agent's lines").atMost(ALERTS_BOUND).pollInterval(Duration.ofMillis(200))
                .until(() -> newLines(log, before).size() >= expected.size());
        Thread.sleep(HUNG_TIMEOUT.plusSeconds(3).toMillis()); // room for a second sender's duplicates to show
        assertThat(newLines(log, before)).as("alerts.log after the kill")
                .map(l -> l.replaceFirst("^\\d\\d:\\d\\d:\\d\\d\\.\\d{6}: ", ""))
                .containsExactlyInAnyOrderElementsOf(expected);

        // The mail: one, from the new coordinator.
        await("a mail reaches aiosmtpd").atMost(ALERTS_BOUND).until(() -> mails(mailDir).size() >= 1);
        assertThat(mails(mailDir)).singleElement().satisfies(m -> assertThat(Files.readString(m))
                .contains("X-Rcpt: ops@example.com", "Subject: [vigil alerts] node-dead: node ha1 is dead",
                        "sent by:  ha2"));

        // The webhook: the documented JSON, node-dead once and one move per resource.
        var json = new ObjectMapper();
        List<JsonNode> bodies = new ArrayList<>();
        for (String b : hookBodies.subList(hookBefore, hookBodies.size())) {
            bodies.add(json.readTree(b));
        }
        assertThat(bodies).filteredOn(b -> b.get("event").asText().equals("node-dead")).singleElement().satisfies(b -> {
            assertThat(b.get("version").asInt()).isEqualTo(1);
            assertThat(b.get("cluster").asText()).isEqualTo("alerts");
            assertThat(b.get("sender").asText()).isEqualTo("ha2");
            assertThat(b.get("node").asText()).isEqualTo("ha1");
            assertThat(b.get("kind").asText()).isEqualTo("node");
        });
        assertThat(bodies).filteredOn(b -> b.get("event").asText().equals("resource-moved"))
                .extracting(b -> b.get("resource").asText() + " " + b.get("details").get("from").asText() + "→"
                        + b.get("details").get("to").asText())
                .containsExactlyInAnyOrder("data ha1→" + taker, "vip ha1→" + taker, "web ha1→" + taker);

        // The hung agent: killed at its timeout each time, counted, nothing left running.
        await("the hung agent's runs time out").atMost(ALERTS_BOUND).until(() -> cluster.status("ha2")
                .map(s -> s.alerts().getOrDefault("timed_out", 0L)).orElse(0L) >= 5);
        var counters = cluster.status("ha2").orElseThrow().alerts();
        System.out.println("AlertsBedIT: ha2's alert counters " + counters);
        assertThat(counters.get("dropped")).isZero();
        assertThat(cluster.status("ha3").orElseThrow().alerts().get("sent")).as("ha3 told nothing").isZero();
        for (String pid : Files.readAllLines(hungPids)) {
            assertThat(running(pid.strip())).as("hung agent %s", pid).isFalse();
        }
    }

    private static List<String> newLines(Path log, List<String> before) throws IOException {
        List<String> now = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return now.subList(Math.min(before.size(), now.size()), now.size());
    }

    private static List<Path> mails(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.toString().endsWith(".tmp")).toList();
        }
    }

    private static boolean running(String pid) throws IOException {
        Path stat = Path.of("/proc", pid, "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException e) {
            return false; // gone while we looked
        }
        char state = s.charAt(s.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
    }

    private void startWebhookServer() throws IOException {
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            hookBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
    }

    private Process helper(String... argv) throws IOException {
        var p = new ProcessBuilder(argv).redirectError(workDir.resolve("helpers.log").toFile()).start();
        helpers.add(p);
        return p;
    }

    private Path executable(String name, String text) throws IOException {
        Path p = workDir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** The cluster file, the agents' logs and the alerts' output, kept under target/ for whoever reads a failure. */
    private void keepLogs() throws IOException {
        Path keep = Path.of("target/alerts-it").toAbsolutePath();
        Files.createDirectories(keep);
        try (Stream<Path> files = Files.list(workDir)) {
            for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, keep.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
