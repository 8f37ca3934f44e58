package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's guided drill through the real OpenSSH client in a private tmux server at 80×24,
 * against a real cluster: three agents on 127.0.0.71-73 (lan preset) running a group www of
 * StateFile resources, {@code vigil console} as its own process through the launcher, and a
 * {@code switchover} drill of www to ha3 with a command probe that answers while web runs anywhere.
 * The start of web on ha3 is held (the StateFile agent's hold file) so the run can be watched in
 * the middle: the stop on ha2 is on the timeline and the probe strip shows the outage before the
 * verdict exists. A viewer is refused first.
 */
@Tag("integration")
class DrillRoomLoopbackIT {
    private static StateFileAgentInstall fixture;
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");

    @TempDir
    Path dir;
    private TestCluster cluster;
    private Process console;
    private SshInTmux ui;

    @BeforeAll
    static void installFixture() throws IOException {
        fixture = StateFileAgentInstall.install("vigil-drillroom");
    }

    @AfterAll
    static void removeFixture() throws IOException {
        fixture.remove();
    }

    @AfterEach
    void stop() throws Exception {
        if (ui != null) ui.close();
        if (console != null) {
            console.destroy();
            if (!console.waitFor(10, TimeUnit.SECONDS)) console.destroyForcibly();
        }
        if (cluster != null) cluster.close();
    }

    @Test
    void anOperatorRunsAGuidedSwitchoverWatchingItLiveAndAViewerCannotStartOne() throws Exception {
        long pid = ProcessHandle.current().pid();
        int heartbeatPort = 20000 + (int) ((pid + 17) % 20000);
        int controlPort = 40000 + (int) ((pid + 17) % 20000);
        var services = Files.createDirectories(dir.resolve("services"));
        cluster = new TestCluster(dir, """
                cluster: room
                auth: {keyfile: KEYFILE}
                timing: {preset: lan}
                control: {port: %d}
                nodes:
                  - {name: ha1, address: 127.0.0.71}
                  - {name: ha2, address: 127.0.0.72}
                  - {name: ha3, address: 127.0.0.73}
                links:
                  - {type: udp, mode: unicast, port: %d}
                resources:
                  - {id: vip, agent: "ocf:%s:StateFile", params: {statedir: %s}, monitor: {interval: 2s}}
                  - {id: web, agent: "ocf:%s:StateFile", params: {statedir: %s}, monitor: {interval: 2s}}
                groups:
                  - {id: www, members: [vip, web], prefer: ha2}
                """.formatted(controlPort, heartbeatPort, fixture.provider(), services, fixture.provider(), services), Map.of());
        // the drill file where the console looks by default: next to its cluster file
        Files.writeString(dir.resolve("drills.yaml"), """
                drills:
                  - name: www-to-ha3
                    description: planned move of www to ha3
                    kind: switchover
                    target: www
                    to: ha3
                    probes:
                      - {name: web, command: "ls %s | grep -q '^state-.*-web$'", interval: 250ms, timeout: 2s}
                    expect:
                      service_back_within: 25s
                      resources: {www: ha3}
                      fenced: false
                    limits: {budget: 50s, settle: 30s}
                """.formatted(services));
        for (var n : NODES) cluster.start(n);
        await("www runs on ha2, seen by every agent").atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (var n : NODES) {
                var r = cluster.status(n);
                assertThat(r).as("%s answers", n).isPresent();
                assertThat(r.get().nodes()).extracting(StatusReport.NodeReport::state).containsOnly("alive");
                assertThat(r.get().resources().resources()).allSatisfy(x -> assertThat(x.runningOn()).containsExactly("ha2"));
            }
        });

        int sshPort;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            sshPort = probe.getLocalPort();
        }
        ui = new SshInTmux(dir, sshPort, PATIENCE);
        Path operatorKey = ui.keygen("ed25519", "otto on call");
        Path viewerKey = ui.keygen("ecdsa", "vera@desk");
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "role=operator " + Files.readString(SshInTmux.pub(operatorKey)) + Files.readString(SshInTmux.pub(viewerKey)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        var log = dir.resolve("console.log");
        Path audit = dir.resolve("audit.log");
        Path state = dir.resolve("drill-state");
        console = new ProcessBuilder(VigilHome.launcher().toString(), "console", "--config", cluster.configFile().toString(),
                "--listen", "127.0.0.1:" + sshPort, "--authorized-keys", keys.toString(),
                "--host-key", dir.resolve("console/host_ed25519").toString(), "--audit-log", audit.toString(),
                "--drill-state-dir", state.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the console listens").atMost(PATIENCE).until(() -> Files.readString(log).contains("vigil console: listening on"));

        // A viewer sees the catalogue and the preconditions, and cannot start the drill.
        String vera = ui.openUi(viewerKey, "vera", 80, 24, dir.resolve("vera.exit"));
        await("the dashboard").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(vera)).contains("vera (viewer)"));
        ui.send(vera, "D");
        await("the catalogue").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(vera))
                .contains("dashboard > drills").contains("www-to-ha3").contains("switchover of www to ha3")
                .contains("expects: back within 25s; www on ha3; not fenced"));
        ui.send(vera, "Enter");
        await("preconditions for a viewer").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(vera))
                .contains("✓ every node online").contains("Starting a drill needs the operator role; you are viewer."));
        ui.send(vera, "Enter");
        await("refused").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(vera)).contains("refused: drill needs the operator role"));
        assertThat(Files.readAllLines(audit)).singleElement().satisfies(l -> assertThat(l).contains("\"user\":\"vera\"",
                "\"action\":\"drill\"", "\"target\":\"www-to-ha3\"", "\"outcome\":\"refused: drill needs the operator role"));
        ui.send(vera, "q");

        // The operator: preconditions, a typed confirmation, the run watched live, the verdict.
        String otto = ui.openUi(operatorKey, "otto", 80, 24, dir.resolve("otto.exit"));
        await("the dashboard").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto)).contains("otto (operator)"));
        ui.send(otto, "D");
        await("the catalogue").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto)).contains("www-to-ha3"));
        ui.send(otto, "Enter");
        await("every precondition holds").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto))
                .contains("✓ quorum").contains("✓ every node online").contains("✓ no other drill running")
                .contains("All preconditions hold"));
        assertThat(ui.capture(otto)).doesNotContain("✗");
        Files.writeString(services.resolve("hold-start-ha3-web"), "");
        ui.send(otto, "Enter");
        await("the confirmation").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto)).contains("Type its name (www-to-ha3)"));
        ui.send(otto, "-l", "www-to-ha3");
        ui.send(otto, "Enter");

        // Held in the start of web on ha3: the run is in the middle, the screen live.
        await("web's start on ha3 is held").atMost(PATIENCE).until(() -> Files.exists(services.resolve("start-held-ha3-web")));
        await("the live timeline and the probe strip in the outage").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto))
                .contains("drill www-to-ha3: running").contains("Timeline (ms from the injection):")
                .containsPattern("stop .*web stopped on ha2").containsPattern("start .*vip started on ha3").containsPattern("web +\\|+X+").contains("a abort and restore"));
        String held = ui.capture(otto);
        System.out.println("DrillRoomLoopbackIT: the run held in web's start on ha3, at 80x24:\n" + held);
        assertThat(held.lines().filter(l -> l.contains("web stopped on ha2"))).as("each stop once, though three agents report it")
                .hasSize(1);
        var started = auditLines(audit).get(1);
        assertThat(started.get("user").asText()).isEqualTo("otto");
        assertThat(started.get("action").asText()).isEqualTo("drill");
        assertThat(started.get("target").asText()).matches("www-to-ha3 run \\d{8}T\\d{6}\\.\\d{3}Z-www-to-ha3");
        assertThat(started.get("outcome").asText()).isEqualTo("started: switchover of www to ha3");
        String id = started.get("target").asText().substring("www-to-ha3 run ".length());
        Files.writeString(services.resolve("release-ha3-web"), "");

        await("the verdict").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto))
                .contains("drill www-to-ha3: verdict").contains("Verdict: PASS").contains("Client gap: ")
                .contains("✓ www ends on ha3").contains("Restored:"));
        await("the end audited").atMost(PATIENCE).until(() -> auditLines(audit).size() == 3);
        var ended = auditLines(audit).get(2);
        assertThat(ended.get("target").asText()).isEqualTo("www-to-ha3 run " + id);
        assertThat(ended.get("outcome").asText()).startsWith("pass: every expectation held (gap ");
        var report = new ObjectMapper().readTree(state.resolve("reports/" + id + ".json").toFile());
        assertThat(report.get("verdict").asText()).isEqualTo("pass");
        assertThat(report.get("gapMs").asLong()).as("the outage covers the held start").isPositive();
        assertThat(ui.capture(otto)).contains("Client gap: " + report.get("gapMs").asLong() + " ms");
        System.out.println("DrillRoomLoopbackIT: the verdict at 80x24:\n" + ui.capture(otto));

        ui.send(otto, "r");
        await("the report view").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto))
                .contains("verdict > report").contains("Phases (ms from the start of the run").contains("  observe "));
        ui.send(otto, "q");
        await("q leaves").atMost(PATIENCE).untilAsserted(() -> assertThat(Files.readString(dir.resolve("otto.exit")).strip()).isEqualTo("0"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static List<JsonNode> auditLines(Path audit) throws IOException {
        var out = new ArrayList<JsonNode>();
        for (String l : Files.readAllLines(audit)) out.add(new ObjectMapper().readTree(l));
        return out;
    }
}
