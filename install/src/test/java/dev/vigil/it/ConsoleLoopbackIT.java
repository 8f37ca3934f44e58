package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.TimingPreset;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator console against real agents: three agents on 127.0.0.21-23 (lan preset) running a
 * group www of StateFile resources, {@code vigil console} as its own process through the launcher
 * following them over their TCP control ports (its default: the cluster file's nodes in order),
 * and the real OpenSSH client inside a private tmux server; a drill file next to the cluster file
 * for the drill room (the guided drill).
 */
@Tag("integration")
class ConsoleLoopbackIT {
    private static StateFileAgentInstall fixture;
    private static final Duration DEADTIME = TimingPreset.LAN.timing().deadtime();
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");

    @TempDir
    Path dir;
    private TestCluster cluster;
    private Process console;
    private int sshPort;
    private Path operatorKey;
    private Path viewerKey;
    private Path strangerKey;
    private SshInTmux ui;

    @BeforeAll
    static void installFixture() throws IOException {
        fixture = StateFileAgentInstall.install("vigil-con");
    }

    @AfterAll
    static void removeFixture() throws IOException {
        fixture.remove();
    }

    @BeforeEach
    void start() throws Exception {
        long pid = ProcessHandle.current().pid();
        int heartbeatPort = 20000 + (int) ((pid + 11) % 20000);
        int controlPort = 40000 + (int) ((pid + 11) % 20000);
        var states = Files.createDirectories(dir.resolve("services"));
        cluster = new TestCluster(dir, """
                cluster: con
                auth: {keyfile: KEYFILE}
                timing: {preset: lan}
                control: {port: %d}
                nodes:
                  - {name: ha1, address: 127.0.0.21}
                  - {name: ha2, address: 127.0.0.22}
                  - {name: ha3, address: 127.0.0.23}
                links:
                  - {type: udp, mode: unicast, port: %d}
                resources:
                  - {id: vip, agent: "ocf:%s:StateFile", params: {statedir: %s}, monitor: {interval: 2s}}
                  - {id: web, agent: "ocf:%s:StateFile", params: {statedir: %s}, monitor: {interval: 2s}}
                groups:
                  - {id: www, members: [vip, web], prefer: ha2}
                """.formatted(controlPort, heartbeatPort, fixture.provider(), states, fixture.provider(), states), Map.of());
        // the drill room's drill file where the console looks by default: next to its cluster file
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
                """.formatted(states));
        for (var n : NODES) cluster.start(n);
        await("all three agents see each other").atMost(TestCluster.AGENTS_UP).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (var n : NODES) {
                        var r = cluster.status(n);
                        assertThat(r).as("%s answers", n).isPresent();
                        assertThat(r.get().nodes()).extracting(StatusReport.NodeReport::state).containsOnly("alive");
                    }
                });

        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            sshPort = probe.getLocalPort();
        }
        ui = new SshInTmux(dir, sshPort, PATIENCE);
        operatorKey = keygen("ed25519", "otto on call");
        viewerKey = keygen("ecdsa", "vera@desk");
        strangerKey = keygen("ed25519", "stranger");
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "role=operator " + Files.readString(pub(operatorKey)) + Files.readString(pub(viewerKey)));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));

        var log = dir.resolve("console.log");
        console = new ProcessBuilder(VigilHome.launcher().toString(), "console", "--config", cluster.configFile().toString(),
                "--listen", "127.0.0.1:" + sshPort, "--authorized-keys", keys.toString(),
                "--host-key", dir.resolve("console/host_ed25519").toString(), "--audit-log", dir.resolve("audit.log").toString(),
                "--drill-state-dir", dir.resolve("drill-state").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("the console listens").atMost(PATIENCE).until(() -> Files.readString(log).contains("vigil console: listening on"));
        assertThat(Files.readString(log)).contains("agents 127.0.0.21:" + controlPort + ",127.0.0.22:" + controlPort
                + ",127.0.0.23:" + controlPort);
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
    void theDashboardShowsTheRealNodesFollowsResizesAndShowsKilledAgentsDeadWithinDeadtimePlusASecond() throws Exception {
        String tmux = openUi(operatorKey, "otto", 100, 30);
        await("the dashboard lists the nodes").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux))
                .contains("cluster con").contains("ha1").contains("ha2").contains("ha3").contains("group www")
                .contains("otto (operator)"));
        assertThat(widthOfLineWith(capture(tmux), "otto (operator)")).isEqualTo(100);

        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", "132", "-y", "40"), PATIENCE);
        await("the layout follows the resize").atMost(PATIENCE)
                .untilAsserted(() -> assertThat(widthOfLineWith(capture(tmux), "otto (operator)")).isEqualTo(132));

        // An agent the console does not talk to: its peers notice, and push it.
        long killed = System.nanoTime();
        cluster.kill("ha3");
        Duration seen = awaitDead(tmux, "ha3", killed);
        System.out.println("ConsoleLoopbackIT: ha3 on screen as dead " + seen.toMillis() + " ms after kill -9");
        assertThat(seen).as("ha3 shown dead %s after the kill", seen).isLessThanOrEqualTo(DEADTIME.plusSeconds(1));
        assertThat(seen).isPositive();

        // The agent the console talks to (first in the file): it follows ha2 instead, which sees ha1 die.
        killed = System.nanoTime();
        cluster.kill("ha1");
        seen = awaitDead(tmux, "ha1", killed);
        System.out.println("ConsoleLoopbackIT: ha1 (the console's agent) on screen as dead " + seen.toMillis() + " ms after kill -9");
        assertThat(seen).as("ha1 shown dead %s after the kill", seen).isLessThanOrEqualTo(DEADTIME.plusSeconds(1));
        assertThat(Files.readString(dir.resolve("console.log"))).contains("lost the event stream of the agent at 127.0.0.21");

        // Verbs over ssh go to a living agent too.
        var status = ssh(viewerKey, "vera", "vigil status --json");
        assertThat(status.exit()).as(status.err()).isZero();
        var report = new ObjectMapper().readTree(status.out());
        assertThat(report.get("node").asText()).isEqualTo("ha2");

        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "q"), PATIENCE);
        await("q leaves").atMost(PATIENCE).untilAsserted(() -> assertThat(Files.exists(dir.resolve("ui.exit"))).isTrue());
    }

    /** How long after {@code killedAt} (nanoTime) the screen showed {@code node} dead, polling it every 20 ms. */
    private Duration awaitDead(String tmux, String node, long killedAt) throws Exception {
        long from = killedAt;
        long deadline = from + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (capture(tmux).lines().anyMatch(l -> l.contains(node) && l.contains("[DEAD]"))) {
                return Duration.ofNanos(System.nanoTime() - from);
            }
            Thread.sleep(20);
        }
        throw new AssertionError(node + " never shown dead:\n" + capture(tmux) + "\n" + cluster.logs());
    }

    @Test
    void aViewerHasNoMoveAndAForcedOneIsRefusedAndAuditedWhileStrangersAndPasswordsAreRefused() throws Exception {
        String tmux = openUi(viewerKey, "vera", 80, 24);
        await("the dashboard").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).contains("group www")
                .contains("vera (viewer)"));
        await("www placed").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).containsPattern("group www.*Started ha2"));
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "Tab"), PATIENCE);
        await("www selected").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).contains("> group www"));
        var footer = capture(tmux).lines().toList();
        assertThat(String.join("\n", footer.subList(footer.size() - 2, footer.size())))
                .doesNotContain("m move").contains("Enter details");
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "m"), PATIENCE);
        await("refused").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).contains("refused: move needs the operator role"));

        var forced = ssh(viewerKey, "vera", "vigil resource move www ha1");
        assertThat(forced.exit()).isEqualTo(1);
        assertThat(forced.err()).contains("refused: move needs the operator role");
        var audit = Files.readAllLines(dir.resolve("audit.log"));
        assertThat(audit).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"user\":\"vera\"", "\"role\":\"viewer\"",
                "\"action\":\"move\"", "\"outcome\":\"refused: move needs the operator role"));
        // nothing moved: www stays on its preferred node
        assertThat(cluster.status("ha1").orElseThrow().resources().resources())
                .allSatisfy(r -> assertThat(r.runningOn()).containsExactly("ha2"));

        var stranger = ssh(strangerKey, "mallory", "vigil status");
        assertThat(stranger.exit()).isEqualTo(255);
        assertThat(stranger.err()).contains("Permission denied");
        var password = run(List.of("ssh", "-p", String.valueOf(sshPort), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "PubkeyAuthentication=no", "-o",
                "PreferredAuthentications=password,keyboard-interactive", "-F", "/dev/null", "mallory@127.0.0.1",
                "vigil status"), PATIENCE);
        assertThat(password.exit()).isEqualTo(255);
        assertThat(password.err()).contains("Permission denied");
    }

    /**
     * Issue 18 items 4 and 6, through the real OpenSSH client: while a move's stop is held, the
     * dashboard shows web Stopping ha2 (not Started ha2); after a monitor failure the history
     * screen shows the failed monitor with its return code.
     */
    @Test
    void aMoveShowsStoppingAndTheHistoryScreenShowsAFailedMonitor() throws Exception {
        String tmux = openUi(operatorKey, "otto", 120, 40);
        await("www placed").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).containsPattern("group www.*Started ha2"));
        var services = dir.resolve("services");
        Files.writeString(services.resolve("hold-stop-ha2-web"), "");
        var move = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return ssh(operatorKey, "otto", "vigil resource move www ha3");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("web Stopping ha2 on the dashboard").atMost(PATIENCE)
                .untilAsserted(() -> assertThat(capture(tmux)).containsPattern("web .*Stopping ha2"));
        Files.writeString(services.resolve("release-ha2-web"), "");
        assertThat(move.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS).exit()).isZero();
        await("www on ha3").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).containsPattern("group www.*Started ha3"));

        Files.delete(services.resolve("state-ha3-web")); // the service dies behind the cluster's back
        await("the failed monitor is in the agent's history").atMost(PATIENCE).untilAsserted(() ->
                assertThat(ssh(operatorKey, "otto", "vigil history --resource web").out())
                        .contains("web monitor on ha3: FAILED NOT_RUNNING (rc 7)"));
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "h"), PATIENCE);
        await("the history screen").atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux))
                .contains("dashboard > history").contains("web monitor on ha3: FAILED NOT_RUNNING (rc 7)"));
    }

    /**
     * The console's guided drill (issue 12) at 80×24: a viewer sees the catalogue and the
     * preconditions and is refused; the operator's switchover of www to ha3, confirmed by typing its
     * name, is watched in the middle (web's start on ha3 held with the StateFile agent's hold file):
     * the stop on ha2 once and the start of vip on ha3 on the live timeline, the probe strip in the
     * outage; then the verdict, the audit lines with the run id, the report and its view.
     */
    @Test
    void aGuidedDrillIsWatchedLiveToItsVerdictAndAuditedAndAViewerCannotStartOne() throws Exception {
        var services = dir.resolve("services");
        Path audit = dir.resolve("audit.log");
        Path state = dir.resolve("drill-state");
        await("www runs on ha2").atMost(PATIENCE).untilAsserted(() -> assertThat(cluster.status("ha1").orElseThrow()
                .resources().resources()).allSatisfy(x -> assertThat(x.runningOn()).containsExactly("ha2")));
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
        System.out.println("ConsoleLoopbackIT: the run held in web's start on ha3, at 80x24:\n" + held);
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
        System.out.println("ConsoleLoopbackIT: the verdict at 80x24:\n" + ui.capture(otto));

        ui.send(otto, "r");
        await("the report view").atMost(PATIENCE).untilAsserted(() -> assertThat(ui.capture(otto))
                .contains("verdict > report").contains("Phases (ms from the start of the run").contains("  observe "));
        ui.send(otto, "q");
        await("q leaves").atMost(PATIENCE).untilAsserted(() -> assertThat(Files.readString(dir.resolve("otto.exit")).strip()).isEqualTo("0"));
    }

    private static List<com.fasterxml.jackson.databind.JsonNode> auditLines(Path audit) throws IOException {
        var out = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        for (String l : Files.readAllLines(audit)) out.add(new ObjectMapper().readTree(l));
        return out;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** {@code ssh} into the text UI inside a fresh private tmux server of cols x rows; the server's name. */
    private String openUi(Path key, String user, int cols, int rows) throws Exception {
        return ui.openUi(key, user, cols, rows, dir.resolve("ui.exit"));
    }

    private String capture(String tmux) throws Exception {
        return ui.capture(tmux);
    }

    private static int widthOfLineWith(String screen, String text) {
        return screen.lines().filter(l -> l.contains(text)).findFirst().map(l -> l.stripTrailing().length()).orElse(-1);
    }

    private Path keygen(String type, String comment) throws Exception {
        return ui.keygen(type, comment);
    }

    private static Path pub(Path key) {
        return SshInTmux.pub(key);
    }

    private SshInTmux.Result ssh(Path key, String user, String command) throws Exception {
        return ui.ssh(key, user, command);
    }

    private SshInTmux.Result run(List<String> command, Duration timeout) throws Exception {
        return ui.run(command, timeout);
    }
}
