package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    private int sshPort;
    private final List<String> tmuxServers = new ArrayList<>();

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
        for (String s : tmuxServers) {
            run(List.of("tmux", "-L", s, "kill-server"), Duration.ofSeconds(5));
            Files.deleteIfExists(Path.of(System.getenv().getOrDefault("TMUX_TMPDIR", "/tmp"),
                    "tmux-" + new com.sun.security.auth.module.UnixSystem().getUid(), s));
        }
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

        Path operatorKey = keygen("ed25519", "otto on call");
        Path viewerKey = keygen("ecdsa", "vera@desk");
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "role=operator " + Files.readString(pub(operatorKey)) + Files.readString(pub(viewerKey)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            sshPort = probe.getLocalPort();
        }
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
        String vera = openUi(viewerKey, "vera");
        await("the dashboard").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(vera)).contains("vera (viewer)"));
        keys(vera, "D");
        await("the catalogue").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(vera))
                .contains("dashboard > drills").contains("www-to-ha3").contains("switchover of www to ha3")
                .contains("expects: back within 25s; www on ha3; not fenced"));
        keys(vera, "Enter");
        await("preconditions for a viewer").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(vera))
                .contains("✓ every node online").contains("Starting a drill needs the operator role; you are viewer."));
        keys(vera, "Enter");
        await("refused").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(vera)).contains("refused: drill needs the operator role"));
        assertThat(Files.readAllLines(audit)).singleElement().satisfies(l -> assertThat(l).contains("\"user\":\"vera\"",
                "\"action\":\"drill\"", "\"target\":\"www-to-ha3\"", "\"outcome\":\"refused: drill needs the operator role"));
        keys(vera, "q");

        // The operator: preconditions, a typed confirmation, the run watched live, the verdict.
        String otto = openUi(operatorKey, "otto");
        await("the dashboard").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto)).contains("otto (operator)"));
        keys(otto, "D");
        await("the catalogue").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto)).contains("www-to-ha3"));
        keys(otto, "Enter");
        await("every precondition holds").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto))
                .contains("✓ quorum").contains("✓ every node online").contains("✓ no other drill running")
                .contains("All preconditions hold"));
        assertThat(capture(otto)).doesNotContain("✗");
        Files.writeString(services.resolve("hold-start-ha3-web"), "");
        keys(otto, "Enter");
        await("the confirmation").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto)).contains("Type its name (www-to-ha3)"));
        run(List.of("tmux", "-L", otto, "send-keys", "-t", "ui", "-l", "www-to-ha3"), PATIENCE);
        keys(otto, "Enter");

        // Held in the start of web on ha3: the run is in the middle, the screen live.
        await("web's start on ha3 is held").atMost(PATIENCE).until(() -> Files.exists(services.resolve("start-held-ha3-web")));
        await("the live timeline and the probe strip in the outage").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto))
                .contains("drill www-to-ha3: running").contains("Timeline (ms from the injection):")
                .containsPattern("stop .*web stopped on ha2").containsPattern("start .*vip started on ha3").containsPattern("web +\\|+X+").contains("a abort and restore"));
        String held = capture(otto);
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

        await("the verdict").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto))
                .contains("drill www-to-ha3: verdict").contains("Verdict: PASS").contains("Client gap: ")
                .contains("✓ www ends on ha3").contains("Restored:"));
        await("the end audited").atMost(PATIENCE).until(() -> auditLines(audit).size() == 3);
        var ended = auditLines(audit).get(2);
        assertThat(ended.get("target").asText()).isEqualTo("www-to-ha3 run " + id);
        assertThat(ended.get("outcome").asText()).startsWith("pass: every expectation held (gap ");
        var report = new ObjectMapper().readTree(state.resolve("reports/" + id + ".json").toFile());
        assertThat(report.get("verdict").asText()).isEqualTo("pass");
        assertThat(report.get("gapMs").asLong()).as("the outage covers the held start").isPositive();
        assertThat(capture(otto)).contains("Client gap: " + report.get("gapMs").asLong() + " ms");
        System.out.println("DrillRoomLoopbackIT: the verdict at 80x24:\n" + capture(otto));

        keys(otto, "r");
        await("the report view").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(otto))
                .contains("verdict > report").contains("Phases (ms from the start of the run").contains("  observe "));
        keys(otto, "q");
        await("q leaves").atMost(PATIENCE).untilAsserted(() -> assertThat(Files.readString(dir.resolve("otto.exit")).strip()).isEqualTo("0"));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private record Result(int exit, String out, String err) {}

    private static List<JsonNode> auditLines(Path audit) throws IOException {
        var out = new ArrayList<JsonNode>();
        for (String l : Files.readAllLines(audit)) out.add(new ObjectMapper().readTree(l));
        return out;
    }

    /** {@code ssh} into the text UI inside a fresh private tmux server at 80×24; the server's name. */
    private String openUi(Path key, String user) throws Exception {
        String tmux = "vigil-room-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        tmuxServers.add(tmux);
        String sshLine = String.join(" ", List.of("ssh", "-p", String.valueOf(sshPort), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-F", "/dev/null", "-i", key.toString(), "-t", user + "@127.0.0.1"));
        var started = run(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "80", "-y", "24",
                "sh", "-c", sshLine + "; echo $? > " + dir.resolve(user + ".exit") + "; sleep 30"), PATIENCE);
        assertThat(started.exit()).as(started.err()).isZero();
        return tmux;
    }

    private void keys(String tmux, String key) throws Exception {
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", key), PATIENCE);
    }

    private String capture(String tmux) throws Exception {
        return run(List.of("tmux", "-L", tmux, "capture-pane", "-p", "-t", "ui"), PATIENCE).out();
    }

    private Path keygen(String type, String comment) throws Exception {
        Path key = dir.resolve("id_" + type + "_" + comment.replaceAll("[^a-z]", ""));
        var r = run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", key.toString()), PATIENCE);
        assertThat(r.exit()).as(r.err()).isZero();
        return key;
    }

    private static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    /** Output in files, so a client that hangs cannot hang the test past {@code timeout}. */
    private Result run(List<String> command, Duration timeout) throws Exception {
        var out = Files.createTempFile(dir, "out", ".txt");
        var err = Files.createTempFile(dir, "err", ".txt");
        var p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out after " + timeout + ": " + command + "; stderr: " + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
