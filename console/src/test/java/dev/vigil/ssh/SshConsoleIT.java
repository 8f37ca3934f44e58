package dev.vigil.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.access.AuditLog;
import dev.vigil.cli.AgentConnection;
import dev.vigil.cli.RemoteCli;
import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.ControlServer;
import dev.vigil.control.StatusReport;
import dev.vigil.control.EventBus;
import dev.vigil.tui.StreamingBackend;
import dev.vigil.tui.TuiOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The console against the real OpenSSH client: an in-JVM {@link ConsoleServer} whose agent is a
 * {@link FakeAgent} behind a real control socket, and {@code ssh} run as a process, for exec
 * requests directly and for the text UI inside a private tmux server.
 */
@Tag("integration")
class SshConsoleIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final FakeAgent agent = new FakeAgent();
    private ControlServer control;
    private AuditLog audit;
    private EventBus events;
    private StreamingBackend backend;
    private ConsoleServer console;
    private int port;
    private Path operatorKey;
    private Path viewerKey;
    private Path adminKey;
    private Path strangerKey;
    private final List<String> tmuxSockets = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        operatorKey = keygen("ed25519", "otto on call");
        viewerKey = keygen("ecdsa", "vera@desk");
        adminKey = keygen("rsa", "ada");
        strangerKey = keygen("ed25519", "stranger");
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "# console keys\n"
                + "role=operator " + Files.readString(pub(operatorKey))
                + Files.readString(pub(viewerKey)) // no role: viewer
                + "role=admin " + Files.readString(pub(adminKey)));
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        var socket = dir.resolve("agent.sock");
        events = new EventBus(Clock.systemUTC(), agent::status, EventBus.DEFAULT_STATUS_INTERVAL, EventBus.DEFAULT_QUEUE_CAPACITY);
        control = new ControlServer(socket, agent, events);
        control.start();
        audit = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC());
        logs.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConsoleServer.class)).addAppender(logs);
        console = consoleOn(0, lenient());
        port = console.port();
    }

    private ConsoleServer consoleOn(int listenPort, FailureThrottle throttle) throws IOException {
        AgentConnection cluster = AgentConnection.over(new ControlClient(dir.resolve("agent.sock")));
        if (backend == null) {
            backend = new StreamingBackend(ControlClient.unix(dir.resolve("agent.sock")));
        }
        var server = new ConsoleServer(new ConsoleServer.Settings(new InetSocketAddress("127.0.0.1", listenPort),
                dir.resolve("state/host_ed25519")), new AuthorizedKeysFile(dir.resolve("authorized_keys")), throttle,
                new RemoteCli(cluster, audit), ShellSessionFactory.tui(backend, audit, TuiOptions.defaults()));
        server.start();
        return server;
    }

    private static FailureThrottle lenient() {
        return new FailureThrottle(Clock.systemUTC(),
                new FailureThrottle.Policy(1000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 100));
    }

    @AfterEach
    void stop() throws Exception {
        for (String s : tmuxSockets) {
            run(List.of("tmux", "-L", s, "kill-server"), Duration.ofSeconds(5));
        }
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConsoleServer.class)).detachAppender(logs);
        if (console != null) console.close();
        if (backend != null) backend.close();
        if (control != null) control.close();
        if (events != null) events.close();
        if (audit != null) audit.close();
    }

    // ---- exec ---------------------------------------------------------------------------------

    @Test
    void ed25519EcdsaAndRsaKeysLogInAndRunAVerb() throws Exception {
        for (var key : List.of(operatorKey, viewerKey, adminKey)) {
            var r = ssh(key, "otto", "vigil status --json");
            assertThat(r.exit()).as(key + ": " + r.err()).isZero();
            var report = ControlProtocol.mapper().readValue(r.out(), StatusReport.class);
            assertThat(report.cluster()).isEqualTo("web");
            assertThat(report.nodes()).extracting(StatusReport.NodeReport::name).containsExactly("ha1", "ha2");
        }
    }

    @Test
    void theHostKeyIsTheSameAfterARestart() throws Exception {
        var knownHosts = dir.resolve("known_hosts");
        var first = ssh(operatorKey, "otto", List.of("-o", "StrictHostKeyChecking=accept-new",
                "-o", "UserKnownHostsFile=" + knownHosts), "vigil status");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(Files.readString(knownHosts)).contains("ssh-ed25519");
        var fingerprint = console.hostKeyFingerprint();

        console.close();
        console = consoleOn(port, lenient());
        assertThat(console.hostKeyFingerprint()).isEqualTo(fingerprint);
        var again = ssh(operatorKey, "otto", List.of("-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + knownHosts), "vigil status");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("ha2");
    }

    @Test
    void anUnknownKeyAndAPasswordAreRefused() throws Exception {
        var stranger = ssh(strangerKey, "root", "vigil status");
        assertThat(stranger.exit()).isEqualTo(255);
        assertThat(stranger.err()).contains("Permission denied (publickey)");

        var password = ssh(null, "root", List.of("-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "NumberOfPasswordPrompts=1"),
                "vigil status");
        assertThat(password.exit()).isEqualTo(255);
        assertThat(password.err()).contains("Permission denied (publickey)");
        assertThat(agent.received).isEmpty();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(messages())
                .anyMatch(m -> m.contains("left without logging in (user root, keys not in") && m.contains("SHA256:"))
                .anyMatch(m -> m.contains("left without logging in (user unknown, no key offered (passwords are not accepted))")));
    }

    @Test
    void fiftyFailedKeyLoginsFromLoopbackDoNotLockOutAnotherKeyFromLoopback() throws Exception {
        // The production policy: two failures free, then 1 s, 2 s, ... up to a minute.
        var strict = consoleOn(0, new FailureThrottle(Clock.systemUTC(), FailureThrottle.Policy.defaults()));
        try {
            var onStrict = List.of("-p", String.valueOf(strict.port()));
            for (int i = 0; i < 50; i++) {
                var failed = ssh(strangerKey, "mallory", onStrict, "vigil status");
                assertThat(failed.exit()).isEqualTo(255);
            }
            // Another local user, another key, the same 127.0.0.1: in at once.
            long t0 = System.nanoTime();
            var legitimate = ssh(operatorKey, "otto", onStrict, "vigil status");
            assertThat(legitimate.exit()).as(legitimate.err()).isZero();
            assertThat(legitimate.out()).contains("ha2");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(PATIENCE);
            // Who was refused and why: the stranger's key, named by fingerprint, throttled.
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(messages())
                    .anyMatch(m -> m.contains("left without logging in (user mallory, keys not in")
                            && m.contains("its next try with SHA256:"))
                    .anyMatch(m -> m.contains("refused (user mallory): key SHA256:")
                            && m.contains("is throttled after repeated failed logins")));
        } finally {
            strict.close();
        }
    }

    @Test
    void anAddressThatOffersNoKeyWaitsOnlyBriefly() throws Exception {
        var strict = consoleOn(0, new FailureThrottle(Clock.systemUTC(), new FailureThrottle.Policy(0,
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMinutes(1), 100)));
        try {
            var failed = ssh(null, "root", List.of("-p", String.valueOf(strict.port()), "-o", "PubkeyAuthentication=no",
                    "-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=1"), "vigil status");
            assertThat(failed.exit()).isEqualTo(255);
            // Without a key only the address can be held to account: bounded, whatever the policy says.
            await().atMost(PATIENCE).until(() -> messages().stream().anyMatch(m -> m.contains("next connection waits "
                    + ConsoleServer.ADDRESS_MAX_WAIT.toSeconds() + " s")));
            var waiting = ssh(operatorKey, "otto", List.of("-p", String.valueOf(strict.port())), "vigil status");
            assertThat(waiting.exit()).isEqualTo(255);
            assertThat(waiting.err()).doesNotContain("Permission denied");
            Thread.sleep(ConsoleServer.ADDRESS_MAX_WAIT.toMillis());
            assertThat(ssh(operatorKey, "otto", List.of("-p", String.valueOf(strict.port())), "vigil status").exit()).isZero();
            // the console on its usual port is untouched by another server's throttle
            assertThat(ssh(operatorKey, "otto", "vigil status").exit()).isZero();
        } finally {
            strict.close();
        }
    }

    @Test
    void aViewersMoveIsRefusedAndAuditedWhileAnOperatorsGoesThrough() throws Exception {
        var viewer = ssh(viewerKey, "vera", "vigil resource move www ha2");
        assertThat(viewer.exit()).isEqualTo(1);
        assertThat(viewer.err()).contains("refused: move needs the operator role; vera (SHA256:").contains(") is viewer");
        assertThat(agent.received).isEmpty();

        var operator = ssh(operatorKey, "otto", "vigil resource move www ha2");
        assertThat(operator.exit()).as(operator.err()).isZero();
        assertThat(operator.out()).isEqualTo("move www ha2: done\n");
        assertThat(agent.received).containsExactly("move www ha2");

        var entries = audit.tail(10);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).satisfies(e -> {
            assertThat(e.user()).isEqualTo("vera");
            assertThat(e.role()).isEqualTo("viewer");
            assertThat(e.keyComment()).isEqualTo("vera@desk");
            assertThat(e.keyFingerprint()).startsWith("SHA256:");
            assertThat(e.action()).isEqualTo("move");
            assertThat(e.target()).isEqualTo("www ha2");
            assertThat(e.outcome()).startsWith("refused: ");
        });
        assertThat(entries.get(1)).satisfies(e -> {
            assertThat(e.user()).isEqualTo("otto");
            assertThat(e.role()).isEqualTo("operator");
            assertThat(e.keyComment()).isEqualTo("otto on call");
            assertThat(e.outcome()).isEqualTo("ok: move www ha2: done");
        });
    }

    @Test
    void exitStatusesReachTheClient() throws Exception {
        assertThat(ssh(operatorKey, "otto", "vigil node standby ha9").exit()).isEqualTo(1);
        assertThat(ssh(operatorKey, "otto", "vigil no-such-verb").exit()).isEqualTo(2);
        var unclosed = ssh(operatorKey, "otto", "vigil resource move 'www ha2");
        assertThat(unclosed.exit()).isEqualTo(2);
        assertThat(unclosed.err()).contains("the quote ' is never closed");
        assertThat(ssh(operatorKey, "otto", "vigil status --socket /tmp/x.sock").exit()).isEqualTo(2);
        control.close();
        var noAgent = ssh(operatorKey, "otto", "vigil status");
        assertThat(noAgent.exit()).isEqualTo(3);
        assertThat(noAgent.err()).contains("no agent answers");
        control = null;
    }

    @Test
    void withATtyLinesEndInCrLfAndWithoutOneInLf() throws Exception {
        var plain = ssh(operatorKey, "otto", "vigil status");
        assertThat(plain.exit()).isZero();
        assertThat(plain.out()).contains("\n").doesNotContain("\r");
        var tty = ssh(operatorKey, "otto", List.of("-tt"), "vigil status");
        assertThat(tty.exit()).as(tty.err()).isZero();
        assertThat(tty.out()).contains("ha2").contains("\r\n").doesNotContainPattern("[^\r]\n");
    }

    @Test
    void vigilConsoleRunsAsItsOwnProcessAndStopsOnSigterm() throws Exception {
        int free;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        var log = dir.resolve("console.log");
        var javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.VigilCommand",
                "console", "--socket", dir.resolve("agent.sock").toString(), "--listen", "127.0.0.1:" + free,
                "--authorized-keys", dir.resolve("authorized_keys").toString(), "--host-key", dir.resolve("own/host").toString(),
                "--audit-log", dir.resolve("own/audit.log").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await().atMost(PATIENCE).until(() -> Files.readString(log).contains("vigil console: listening on 127.0.0.1:" + free));
            var r = ssh(adminKey, "ada", List.of("-p", String.valueOf(free)), "vigil node standby ha2");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(agent.received).containsExactly("standby ha2");
            assertThat(Files.readString(dir.resolve("own/audit.log"))).contains("\"user\":\"ada\"", "\"role\":\"admin\"",
                    "\"action\":\"standby\"", "\"outcome\":\"ok: standby ha2: done\"");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("own/host")))).isEqualTo("rw-------");
        } finally {
            process.destroy(); // SIGTERM: the shutdown hook stops the server
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).isEqualTo(143);
    }

    // ---- the text UI in a real terminal ---------------------------------------------------------

    @Test
    void theTextUiInTmuxShowsTheNodesFollowsResizesIgnoresCtrlCAndQuitsCleanly() throws Exception {
        String tmux = "vigil-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        tmuxSockets.add(tmux);
        Path exit = dir.resolve("ssh.exit");
        String sshLine = String.join(" ", sshArgs(operatorKey, "otto", List.of())).replace("'", "");
        var started = run(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "100",
                "-y", "30", "sh", "-c", sshLine + "; echo $? > " + exit + "; sleep 30"), PATIENCE);
        assertThat(started.exit()).as(started.err()).isZero();

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).contains("ha1").contains("ha2")
                .contains("web").contains("otto (operator)"));
        assertThat(widthOfLineWith(capture(tmux), "otto (operator)")).isEqualTo(100);
        assertThat(capture(tmux).lines().count()).isLessThanOrEqualTo(30);

        var resized = run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", "140", "-y", "40"), PATIENCE);
        assertThat(resized.exit()).as(resized.err()).isZero();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(widthOfLineWith(capture(tmux), "otto (operator)")).isEqualTo(140));
        assertThat(capture(tmux)).contains("ha1").contains("ha2");

        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "C-c"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux)).contains("Ctrl-C does nothing here"));
        assertThat(Files.exists(exit)).isFalse();
        assertThat(ssh(viewerKey, "vera", "vigil status").exit()).isZero(); // the server lives on

        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "q"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(Files.exists(exit)).isTrue());
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(Files.readString(exit, StandardCharsets.UTF_8).strip()).isEqualTo("0"));
        assertThat(capture(tmux)).doesNotContain("otto (operator)"); // the screen was restored
    }

    /**
     * Issue 18: shrinking 100×30 → 80×24 left old text on the header and footer lines. Every line
     * after a shrink, a grow and a Ctrl-L must equal a fresh login's at the same size.
     */
    @Test
    void everyResizeAndCtrlLRepaintsTheWholeScreenAsAFreshLoginWouldShowIt() throws Exception {
        String tmux = "vigil-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        tmuxSockets.add(tmux);
        String sshLine = String.join(" ", sshArgs(operatorKey, "otto", List.of())).replace("'", "");
        for (var s : List.of(List.of("ui", "100", "30"), List.of("fresh80", "80", "24"), List.of("fresh100", "100", "30"))) {
            var cmd = new ArrayList<>(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session"));
            cmd.addAll(List.of("-d", "-s", s.get(0), "-x", s.get(1), "-y", s.get(2), "sh", "-c", sshLine + "; sleep 30"));
            var started = run(cmd, PATIENCE);
            assertThat(started.exit()).as(started.err()).isZero();
        }
        for (String s : List.of("ui", "fresh80", "fresh100")) {
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, s)).contains("ha2").contains("otto (operator)"));
        }
        // the terminal itself: tmux keeps what it showed when a window shrinks
        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", "80", "-y", "24"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).isEqualTo(capture(tmux, "fresh80")));
        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", "100", "-y", "30"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).isEqualTo(capture(tmux, "fresh100")));
        // after another screen and Ctrl-L (a full clear and redraw), still exactly what a fresh login shows
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "-l", "?"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).contains("Moving around"));
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "-l", "d"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).doesNotContain("Moving around"));
        run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "C-l"), PATIENCE);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).isEqualTo(capture(tmux, "fresh100")));
    }

    /**
     * Issue 18: kill the console's agent and the screen says so within deadtime + 1 s (deadtime
     * from the status the agent served); with a second agent reachable the console follows it.
     */
    @Test
    void aLostAgentIsSaidOnTheScreenWithinDeadtimeAndTheConsoleFailsOverToTheNextAgent() throws Exception {
        // a console of its own over two agents: the fixture's and a second one on another socket
        var other = new FakeAgent();
        var second = new dev.vigil.control.ControlHandler() {
            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                return other.admin(verb, args);
            }

            @Override
            public ControlProtocol.AdminOutcome applyConfig(String text) {
                return other.applyConfig(text);
            }

            @Override
            public StatusReport status() {
                var s = FakeAgent.twoNodes();
                return new StatusReport(s.cluster(), "ha2", s.incarnation(), s.view(), s.members(), s.configVersion(),
                        s.timing(), s.votes(), s.nodes(), s.drops(), s.heartbeat(), s.resources());
            }
        };
        var bus2 = new EventBus(Clock.systemUTC(), second::status, EventBus.DEFAULT_STATUS_INTERVAL, EventBus.DEFAULT_QUEUE_CAPACITY);
        var control2 = new ControlServer(dir.resolve("agent2.sock"), second, bus2);
        var both = new StreamingBackend(ControlClient.anyOf(List.of(ControlClient.unix(dir.resolve("agent.sock")),
                ControlClient.unix(dir.resolve("agent2.sock")))), "agent.sock,agent2.sock");
        var server = new ConsoleServer(new ConsoleServer.Settings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("state2/host")),
                new AuthorizedKeysFile(dir.resolve("authorized_keys")), lenient(),
                new RemoteCli(AgentConnection.over(ControlClient.unix(dir.resolve("agent.sock"))), audit),
                ShellSessionFactory.tui(both, audit, TuiOptions.defaults()));
        server.start();
        try {
            String tmux = "vigil-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            tmuxSockets.add(tmux);
            String sshLine = String.join(" ", sshArgs(operatorKey, "otto", List.of())).replace("'", "")
                    .replace("-p " + port, "-p " + server.port());
            var started = run(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "100",
                    "-y", "30", "sh", "-c", sshLine + "; sleep 30"), PATIENCE);
            assertThat(started.exit()).as(started.err()).isZero();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).contains("seen from ha1"));
            Duration bound = Duration.ofMillis(FakeAgent.twoNodes().timing().deadtimeMs()).plusSeconds(1);

            // the only agent dies: the screen says so within the bound, greyed under a banner
            control.close();
            events.close();
            long t0 = System.nanoTime();
            await().atMost(bound).pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(capture(tmux, "ui")).contains("[NO AGENT since").contains("NOT as it is now")
                            .contains("lost the agent at " + dir.resolve("agent.sock")));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(bound);
            // a new login sees no stale status as current either
            run(List.of("tmux", "-L", tmux, "new-session", "-d", "-s", "late", "-x", "100", "-y", "30", "sh", "-c",
                    sshLine + "; sleep 30"), PATIENCE);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "late")).contains("NO AGENT"));
            assertThat(capture(tmux, "late")).doesNotContain("seen from ha1");

            // a second agent comes up: the console follows it and says it moved
            control2.start();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "ui")).contains("seen from ha2")
                    .doesNotContain("NO AGENT"));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(capture(tmux, "late")).contains("seen from ha2"));
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(capture(tmux, "ui")).contains("now following " + dir.resolve("agent2.sock")));
            // (the socket paths are long: the rest of the line, "(lost …agent.sock at HH:MM:SS)", is cut at 100 columns)
        } finally {
            server.close();
            both.close();
            control2.close();
            bus2.close();
            control = null;
            events = null;
        }
    }

    private String capture(String tmux, String session) throws Exception {
        return run(List.of("tmux", "-L", tmux, "capture-pane", "-p", "-t", session), PATIENCE).out();
    }

    private String capture(String tmux) throws Exception {
        var r = run(List.of("tmux", "-L", tmux, "capture-pane", "-p", "-t", "ui"), PATIENCE);
        return r.out();
    }

    private static int widthOfLineWith(String screen, String text) {
        return screen.lines().filter(l -> l.contains(text)).findFirst().map(l -> l.stripTrailing().length()).orElse(-1);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private record Result(int exit, String out, String err) {}

    private Path keygen(String type, String comment) throws Exception {
        Path key = dir.resolve("id_" + type + "_" + comment.replaceAll("[^a-z]", ""));
        var r = run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", key.toString()), PATIENCE);
        assertThat(r.exit()).as(r.err()).isZero();
        return key;
    }

    private static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    private List<String> sshArgs(Path key, String user, List<String> extra) {
        var args = new ArrayList<>(List.of("ssh", "-p", String.valueOf(port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-F", "/dev/null"));
        if (key != null) {
            args.addAll(List.of("-i", key.toString()));
        }
        // ssh keeps the first value it is given for each option: the test's own go in front
        args.addAll(1, extra);
        args.add(user + "@127.0.0.1");
        return args;
    }

    private Result ssh(Path key, String user, String command) throws Exception {
        return ssh(key, user, List.of(), command);
    }

    private Result ssh(Path key, String user, List<String> extra, String command) throws Exception {
        var args = sshArgs(key, user, extra);
        args.add(command);
        return run(args, PATIENCE);
    }

    /** Runs a process with its output in files, so a client that hangs cannot hang the test past {@code timeout}. */
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

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

}
