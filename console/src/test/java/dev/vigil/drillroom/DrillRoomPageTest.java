package dev.vigil.drillroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import dev.vigil.drill.DrillClock;
import dev.vigil.drill.fault.Faults;
import dev.vigil.drill.fault.ShellCommands;
import dev.vigil.drill.probe.InProcessProbes;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drill.run.DrillRun;
import dev.vigil.tui.ConsoleBackend;
import dev.vigil.tui.Screens;
import dev.vigil.tui.TuiOptions;
import dev.vigil.tui.TuiSession;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drill room on Lanterna's virtual terminal at 80×24, running the drill library's real
 * {@link DrillRun} (a real switchover fault, a real TCP probe against a loopback socket) against a
 * fake control channel the test holds mid-injection.
 */
class DrillRoomPageTest {
    static final Duration PATIENCE = Duration.ofSeconds(10);
    static final String DRILLS = """
            drills:
              - name: web-switchover
                description: planned move of the web service to ha2
                kind: switchover
                target: www
                to: ha2
                probes:
                  - {name: port, tcp: "127.0.0.1:%d", interval: 50ms, timeout: 1s}
                expect:
                  service_back_within: 5s
                  resources: {www: ha2}
                limits: {budget: 30s, settle: 20s}
            """;

    @TempDir
    Path dir;
    private final FakeCluster cluster = new FakeCluster();
    private ServerSocket service;
    private DefaultVirtualTerminal terminal;
    private AuditLog audit;
    private Thread ui;
    private ReportStore store;

    @BeforeEach
    void files() throws Exception {
        service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Files.writeString(dir.resolve("drills.yaml"), DRILLS.formatted(service.getLocalPort()));
        store = new ReportStore(dir.resolve("state"));
    }

    @AfterEach
    void stop() throws Exception {
        cluster.release.countDown();
        if (ui != null) {
            ui.interrupt();
            ui.join(5000);
        }
        if (audit != null) audit.close();
        service.close();
    }

    /** The settings the session runs with (its running drills are what a stopping console aborts). */
    private DrillRoomSettings settings;

    DrillRoomSettings settings() {
        DrillStarter starter = (d, listener) -> {
            var clock = DrillClock.system();
            var probes = new InProcessProbes(d.probes(), clock);
            var run = new DrillRun(d, cluster, () -> Faults.create(d, cluster, new ShellCommands(), Optional.empty(), List.of()),
                    probes, store, clock, listener, DrillRun.Settings.DEFAULT);
            return new DrillStarter.Prepared(run, probes::samples, () -> { });
        };
        return new DrillRoomSettings(dir.resolve("drills.yaml"), store, starter,
                () -> "web-nightly: drill web-switchover, cron \"0 0 3 * * ?\" in UTC\n  next: 2026-12-06 03:00:00 UTC\n");
    }

    void open(Role role) throws Exception {
        audit = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC());
        terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
        var op = new Operator(role.configName() + "1", "SHA256:abc", "key of " + role.configName(), role);
        var backend = new ConsoleBackend() {
            @Override
            public StatusReport status() {
                return cluster.status();
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                throw new AssertionError("the drill room sends no verb through the session: " + verb);
            }

            @Override
            public AutoCloseable subscribe(Consumer<StatusReport> onStatus) {
                onStatus.accept(cluster.status());
                return () -> { };
            }
        };
        settings = settings();
        var options = TuiOptions.defaults().withScreens(Screens.standard().with(DrillRoom.entry(settings)));
        var session = new TuiSession(terminal, backend, op, audit, options);
        ui = new Thread(session::run, "drillroom-test-ui");
        ui.start();
        awaitScreen("cluster web");
    }

    String screen() {
        var size = terminal.getTerminalSize();
        var sb = new StringBuilder();
        for (int y = 0; y < size.getRows(); y++) {
            for (int x = 0; x < size.getColumns(); x++) sb.append(terminal.getCharacter(x, y).getCharacterString());
            sb.append('\n');
        }
        return sb.toString();
    }

    void awaitScreen(String... texts) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> assertThat(screen()).contains(texts));
    }

    void key(char c) {
        terminal.addInput(new KeyStroke(c, false, false));
    }

    void key(KeyType t) {
        terminal.addInput(new KeyStroke(t));
    }

    void type(String s) {
        for (char c : s.toCharArray()) key(c);
    }

    void openGuidedRun() {
        key('D');
        awaitScreen("dashboard > drills", "web-switchover", "switchover of www to ha2", "expects back within 5s; www on ha2");
        key(KeyType.Enter);
        awaitScreen("drill web-switchover: preconditions", "✓ quorum");
    }

    @Test
    void anOperatorConfirmsByTypingTheNameAndSeesTheTimelineLiveThenTheVerdictAndItIsAudited() throws Exception {
        open(Role.OPERATOR);
        openGuidedRun();
        awaitScreen("All preconditions hold", "Enter run (asks for its name)");
        assertThat(screen()).doesNotContain("✗");
        key(KeyType.Enter);
        awaitScreen("drill web-switchover: confirm", "This injects a real fault", "Type its name (web-switchover)");
        type("web-switchovr");
        key(KeyType.Enter);
        awaitScreen("not confirmed: type web-switchover exactly");
        assertThat(cluster.adminCalls).isEmpty();
        type("web-switchover");
        awaitScreen("> web-switchover_");
        key(KeyType.Enter);

        // held in the injection: the run is on its own thread, the screen is live
        awaitScreen("drill web-switchover: running", "phase inject", "Timeline (ms from the injection):", "a abort and restore");
        awaitScreen("port       |"); // the probe strip: answered samples
        cluster.push("ha2", "membership", "ha3", "ha3 says hello"); // chatter: not on the live timeline
        cluster.push("ha2", "resource", "ha2", "web started on ha2");
        awaitScreen("ha2: web started on ha2");
        assertThat(screen()).doesNotContain("ha3 says hello");
        var started = audit.tail(10);
        assertThat(started).hasSize(1);
        assertThat(started.get(0).action()).isEqualTo("drill");
        assertThat(started.get(0).target()).matches("web-switchover run \\d{8}T\\d{6}\\.\\d{3}Z-web-switchover");
        assertThat(started.get(0).outcome()).isEqualTo("started: switchover of www to ha2");
        cluster.release.countDown();

        awaitScreen("drill web-switchover: verdict", "Verdict: PASS", "Client gap: 0 ms", "✓ www ends on ha2", "Restored:");
        awaitFaultInsideTheClusterLock("move www ha2", "clear www");
        String id = started.get(0).target().substring("web-switchover run ".length());
        assertThat(store.ids()).containsExactly(id);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(audit.tail(10)).hasSize(2));
        var ended = audit.tail(10).get(1);
        assertThat(ended.target()).isEqualTo("web-switchover run " + id);
        assertThat(ended.outcome()).startsWith("pass: ").endsWith("(gap 0 ms)");
        assertThat(ended.user()).isEqualTo("operator1");

        // the report view, from the verdict and from the history
        key('r');
        awaitScreen("verdict > report", "Drill web-switchover (switchover of www), report", "Phases (ms from the start of the run",
                "  observe ");
        key(KeyType.End);
        awaitScreen("Timeline (ms from the injection):", "+", "inject", "restore");
        key(KeyType.Escape);
        key(KeyType.Escape);
        key(KeyType.Escape);
        key('D');
        key('r');
        awaitScreen("dashboard > drills > reports", "PASS");
        key(KeyType.Enter);
        awaitScreen("reports > report", id.substring(0, 20), "Verdict: PASS");
    }

    @Test
    void escBeforeTheConfirmationAndAtItChangesNothing() throws Exception {
        open(Role.OPERATOR);
        openGuidedRun();
        awaitScreen("All preconditions hold");
        key(KeyType.Enter);
        awaitScreen("drill web-switchover: confirm");
        type("web-switchover");
        key(KeyType.Escape);
        awaitScreen("not started: nothing was done");
        key(KeyType.Escape);
        awaitScreen("dashboard > drills");
        Thread.sleep(200); // what a run would have started by now
        assertThat(cluster.adminCalls).isEmpty();
        assertThat(store.ids()).isEmpty();
        assertThat(audit.tail(10)).isEmpty();
    }

    @Test
    void aViewerSeesTheCataloguePreconditionsAndScheduleButIsRefusedAndAudited() throws Exception {
        open(Role.VIEWER);
        openGuidedRun();
        awaitScreen("Starting a drill needs the operator role; you are viewer.");
        assertThat(screen()).doesNotContain("Enter run");
        key(KeyType.Enter);
        awaitScreen("refused: drill needs the operator role; viewer1 (SHA256:abc) is viewer");
        assertThat(screen()).doesNotContain("Type its name");
        var a = audit.tail(10);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).action()).isEqualTo("drill");
        assertThat(a.get(0).outcome()).startsWith("refused: drill needs the operator role");
        assertThat(cluster.adminCalls).isEmpty();
        key(KeyType.Escape);
        // the catalogue follows a resize: at 120 columns a row has room for all it expects
        terminal.setTerminalSize(new TerminalSize(120, 30));
        awaitScreen("> web-switchover  switchover of www to ha2  expects back within 5s; www on ha2");
        assertThat(screen().lines().toList()).hasSize(30);
        terminal.setTerminalSize(new TerminalSize(80, 24));
        awaitScreen("expects: back within 5s; www on ha2");
        assertThat(screen().lines().toList()).hasSize(24).allSatisfy(l -> assertThat(l).hasSize(80));
        key('s');
        awaitScreen("dashboard > drills > schedule", "read-only", "next: 2026-12-06 03:00:00 UTC");
    }

    @Test
    void aDegradedClusterIsRefusedWithTheReasonAndNothingIsDone() throws Exception {
        cluster.down = "ha3";
        open(Role.OPERATOR);
        key('D');
        awaitScreen("web-switchover");
        key(KeyType.Enter);
        awaitScreen("drill web-switchover: refused", "✗ every node online", "✗ Refused: every node online");
        key(KeyType.Enter);
        Thread.sleep(100);
        assertThat(screen()).doesNotContain("Type its name");
        // fixed: c checks again
        cluster.down = null;
        key('c');
        awaitScreen("All preconditions hold");
        assertThat(cluster.adminCalls).isEmpty();
    }

    @Test
    void anAbortDuringTheRunRestoresAndReportsAbortedAndIsAudited() throws Exception {
        runUntilItNeverSettles();
        key('a');
        awaitScreen("aborting web-switchover: restoring first");
        cluster.unsettled = false; // restore waits for a settled cluster
        awaitScreen("Verdict: ABORTED", "the operator aborted the drill", "Restored:");
        awaitFaultInsideTheClusterLock("move www ha2", "clear www");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(audit.tail(10)).extracting(AuditLog.Entry::action)
                .containsExactly("drill", "drill-abort", "drill"));
        var a = audit.tail(10);
        assertThat(a.get(1).target()).isEqualTo(a.get(0).target());
        assertThat(a.get(2).outcome()).startsWith("aborted: ");
        assertThat(store.abortRequested()).isFalse();
    }

    /** An operator starts the drill; from the move on the cluster never settles, so only an abort ends it. */
    private void runUntilItNeverSettles() throws Exception {
        open(Role.OPERATOR);
        openGuidedRun();
        awaitScreen("All preconditions hold");
        key(KeyType.Enter);
        type("web-switchover");
        key(KeyType.Enter);
        awaitScreen("phase inject");
        cluster.unsettled = true;
        cluster.release.countDown();
        awaitScreen("phase observe");
    }

    /** `vigil console` stopped (SIGTERM) mid-drill: its shutdown hook aborts the run and returns once it is restored and reported. */
    @Test
    void aConsoleStoppingMidDrillAbortsItAndWaitsForItsRestoreAndReport() throws Exception {
        runUntilItNeverSettles();
        assertThat(settings.running().isEmpty()).isFalse();

        var said = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var late = new java.util.concurrent.atomic.AtomicReference<List<String>>();
        var stopping = new Thread(() -> {
            try {
                late.set(settings.running().abortAndWait(store, said::add));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "console-stop-hook");
        stopping.start();
        awaitScreen("phase restore");
        assertThat(stopping.isAlive()).as("still waiting for restore").isTrue();
        cluster.unsettled = false; // restore waits for a settled cluster
        // The hook's own bound: budget 30 s + settle 20 s.
        stopping.join(Duration.ofSeconds(50).plus(PATIENCE).toMillis());
        assertThat(late.get()).as("every drill reported in time").isEmpty();
        assertThat(said).singleElement().asString().startsWith("aborting drill web-switchover (run ")
                .endsWith("): restoring first, waiting up to 50 s for its report");
        // Already there when the hook returns: the report, the restore and the audit of the verdict.
        assertThat(store.ids()).singleElement().satisfies(id -> assertThat(store.load(id).orElseThrow().verdict()).isEqualTo("aborted"));
        assertThat(cluster.adminCalls).contains("clear www");
        assertThat(audit.tail(10)).last().satisfies(e -> assertThat(e.outcome()).startsWith("aborted: "));
        assertThat(settings.running().isEmpty()).isTrue();
    }

    /** The switchover's requests, between the cluster's drill lock taken and released (after the report). */
    private void awaitFaultInsideTheClusterLock(String... fault) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            var calls = java.util.List.copyOf(cluster.adminCalls);
            assertThat(calls).hasSize(fault.length + 2);
            assertThat(calls.get(0)).startsWith("drill-begin ");
            assertThat(calls.subList(1, calls.size() - 1)).containsExactly(fault);
            assertThat(calls.get(calls.size() - 1)).startsWith("drill-end ");
        });
    }
}
