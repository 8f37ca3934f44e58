package dev.vigil.tui;

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
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole UI on Lanterna's virtual terminal: what is on screen after statuses, keys and resizes. */
class TuiSessionTest {
    @TempDir Path dir;

    private DefaultVirtualTerminal terminal;
    private Thread ui;
    private final FakeBackend backend = new FakeBackend();

    static final class FakeBackend implements ConsoleBackend {
        volatile StatusReport current = Fixtures.cluster("alive", "ha1");
        volatile Consumer<StatusReport> subscriber;
        final List<List<String>> admin = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile java.util.Optional<Outage> outage = java.util.Optional.empty();
        volatile java.util.Optional<Failover> failover = java.util.Optional.empty();

        @Override
        public java.util.Optional<Outage> outage() {
            return outage;
        }

        @Override
        public java.util.Optional<Failover> lastFailover() {
            return failover;
        }

        /** When set, status() waits for it: an agent that froze with its connection open. */
        volatile java.util.concurrent.CountDownLatch frozen;
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public StatusReport status() {
            asked.incrementAndGet();
            var f = frozen;
            if (f != null) {
                try {
                    f.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return current;
        }

        /** What the agent keeps; null as from an agent without history. */
        volatile dev.vigil.control.HistoryReport history;

        @Override
        public dev.vigil.control.HistoryReport history() {
            return history;
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            admin.add(concat(verb, args));
            return new ControlProtocol.AdminOutcome(true, args.get(0) + " runs on " + args.get(1));
        }

        @Override
        public AutoCloseable subscribe(Consumer<StatusReport> onStatus) {
            subscriber = onStatus;
            onStatus.accept(current);
            return () -> closed = true;
        }

        void push(StatusReport s) {
            current = s;
            subscriber.accept(s);
        }

        private static List<String> concat(String verb, List<String> args) {
            var l = new java.util.ArrayList<String>();
            l.add(verb);
            l.addAll(args);
            return l;
        }
    }

    private AuditLog start(Role role, int cols, int rows) throws IOException {
        return start(role, cols, rows, Clock.fixed(Instant.parse("2026-11-21T18:00:00Z"), ZoneOffset.UTC));
    }

    private AuditLog start(Role role, int cols, int rows, Clock clock) throws IOException {
        var audit = new AuditLog(dir.resolve("audit.log"), Clock.fixed(Instant.parse("2026-11-21T18:00:00Z"), ZoneOffset.UTC));
        terminal = new DefaultVirtualTerminal(new TerminalSize(cols, rows));
        var op = new Operator(role.configName() + "1", "SHA256:abc", "key of " + role.configName(), role);
        var options = TuiOptions.defaults().withClock(clock);
        var session = new TuiSession(terminal, backend, op, audit, options);
        ui = new Thread(session::run, "tui-test");
        ui.start();
        return audit;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (ui != null && ui.isAlive()) {
            ui.interrupt();
            ui.join(5000);
        }
    }

    private String screen() {
        var size = terminal.getTerminalSize();
        var sb = new StringBuilder();
        for (int y = 0; y < size.getRows(); y++) {
            for (int x = 0; x < size.getColumns(); x++) sb.append(terminal.getCharacter(x, y).getCharacterString());
            sb.append('\n');
        }
        return sb.toString();
    }

    private void awaitScreen(String text) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(screen()).contains(text));
    }

    private void key(char c) {
        terminal.addInput(new KeyStroke(c, false, false));
    }

    private void key(KeyType t) {
        terminal.addInput(new KeyStroke(t));
    }

    /** Issue 18: a lost agent is said across the screen, first thing in the header, and the old body is greyed. */
    @Test
    void aLostAgentIsSaidAcrossTheScreenAndAFailoverIsAnnounced() throws Exception {
        start(Role.OPERATOR, 80, 24);
        awaitScreen("cluster web");
        backend.outage = java.util.Optional.of(new ConsoleBackend.Outage(Instant.parse("2026-11-21T17:09:50Z"),
                Instant.parse("2026-11-21T17:09:49Z"), "10.0.0.1:7695", "Connection reset", "reconnecting to 10.0.0.1:7695,10.0.0.2:7695"));
        awaitScreen("[NO AGENT since 17:09:50]  NOT CURRENT: last good status 17:09:49");
        awaitScreen("Below: the cluster as it was at 17:09:49, NOT"); // the whole frame, not one half-painted
        var s = screen();
        assertThat(s).contains("!! lost the agent at 10.0.0.1:7695 at 17:09:50: Connection reset; reconnecting")
                .contains("Below: the cluster as it was at 17:09:49, NOT").contains("ha2").doesNotContain("quorum yes");
        // greyed: every cell of the old body is drawn in the dim colour
        int row = s.lines().toList().indexOf(s.lines().filter(l -> l.startsWith("  ha2 ")).findFirst().orElseThrow());
        assertThat(terminal.getCharacter(2, row).getForegroundColor()).isEqualTo(com.googlecode.lanterna.TextColor.ANSI.BLACK_BRIGHT);

        backend.outage = java.util.Optional.empty();
        backend.failover = java.util.Optional.of(new ConsoleBackend.Failover(Instant.parse("2026-11-21T17:09:51Z"),
                "10.0.0.1:7695", "10.0.0.2:7695"));
        awaitScreen("now following 10.0.0.2:7695 (lost 10.0.0.1:7695 at 17:09:51)");
        assertThat(screen()).contains("quorum yes").doesNotContain("NO AGENT");
    }

    /** Issue 18: an agent that froze with its stream open is stale data once a request waits past deadtime + 1 s. */
    @Test
    void aStatusRequestUnansweredPastDeadtimeShowsTheScreenAsStale() throws Exception {
        var clock = new StreamingBackendTest.ManualClock();
        start(Role.OPERATOR, 80, 24, clock);
        awaitScreen("cluster web");
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.asked.get() >= 1); // the request at start
        Thread.sleep(100);
        int before = backend.asked.get();
        backend.frozen = new java.util.concurrent.CountDownLatch(1);
        clock.advance(Duration.ofMillis(2100)); // nothing pushed for staleAfter: the session asks, and waits
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.asked.get() > before);
        assertThat(screen()).doesNotContain("NO AGENT");
        clock.advance(Duration.ofMillis(2100)); // deadtime 1 s (the fixture's) + 1 s passed without an answer
        awaitScreen("NO AGENT since");
        awaitScreen("the agent has not answered for"); // awaited: a screen read mid-paint shows half a frame
        awaitScreen("NOT as it is now");

        backend.frozen.countDown(); // it answers after all
        awaitScreen("quorum yes");
        assertThat(screen()).doesNotContain("NO AGENT");
    }

    @Test
    void dashboardAt80x24ShowsClusterNodesResourcesAndFooter() throws Exception {
        start(Role.OPERATOR, 80, 24);
        awaitScreen("cluster web");
        var s = screen();
        assertThat(s).contains("quorum yes").contains("coordinator * ha1").contains("ha1 *").contains("ha2")
                .contains("ring0 [#....] 40ms").contains("group www").contains("Started ha1").contains("LATEST EVENTS");
        assertThat(s.lines().toList().get(23)).contains("e events").contains("? help").contains("q quit");
        assertThat(s.lines().toList().get(22)).contains("s standby").contains("Enter details"); // ha1 is selected first
    }

    @Test
    void aPushedChangeIsOnScreenBeforeTheViewWouldCountAsStaleAndBecomesAnEvent() throws Exception {
        start(Role.VIEWER, 80, 24);
        awaitScreen("cluster web");
        long t0 = System.nanoTime();
        backend.push(Fixtures.cluster("dead", "ha1"));
        awaitScreen("[DEAD]");
        // The bound is the console's own promise (a view older than staleAfter is marked stale),
        // not this machine's speed: the loop draws a push at its next tick (20 ms) when it is idle.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TuiOptions.defaults().staleAfter());
        awaitScreen("! node ha3 died");
    }

    @Test
    void relayoutsOnResize() throws Exception {
        start(Role.OPERATOR, 80, 24);
        awaitScreen("cluster web");
        terminal.setTerminalSize(new TerminalSize(120, 40));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            var lines = screen().lines().toList();
            assertThat(lines).hasSize(40);
            assertThat(lines.get(39)).contains("q quit");
            assertThat(lines.get(1)).endsWith("operator1 (operator)"); // right-aligned at the new width
        });
        terminal.setTerminalSize(new TerminalSize(60, 12));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(screen().lines().toList().get(11)).contains("q quit"));
    }

    @Test
    void operatorMovesAGroupAfterConfirmingAndSeesTheOutcome() throws Exception {
        var audit = start(Role.OPERATOR, 120, 40);
        awaitScreen("group www");
        key(KeyType.Tab); // from the nodes to the resources: group www
        awaitScreen("> group www");
        key('m');
        awaitScreen("Move group www to which node?");
        key(KeyType.Enter); // ha2, the first choice
        // wrapped at the dialog's width
        awaitScreen("| Move group www (data, vip, web) from ha1 to ha2: stops web, vip, data on |");
        awaitScreen("| ha1 and starts them on ha2.");
        awaitScreen("[y/N]");
        key('y');
        awaitScreen("done: www runs on ha2");
        assertThat(backend.admin).containsExactly(List.of("move", "www", "ha2"));
        assertThat(audit.tail(10)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("move");
            assertThat(e.target()).isEqualTo("www ha2");
            assertThat(e.outcome()).isEqualTo("ok: www runs on ha2");
            assertThat(e.role()).isEqualTo("operator");
        });
    }

    @Test
    void anythingButYCancelsTheConfirmation() throws Exception {
        start(Role.OPERATOR, 80, 24);
        awaitScreen("cluster web");
        key('s'); // ha1 is selected: standby
        awaitScreen("Put node ha1 in standby");
        key(KeyType.Enter); // Enter is not yes: the default is No
        awaitScreen("cancelled: standby ha1");
        assertThat(backend.admin).isEmpty();
    }

    @Test
    void viewerSeesNoActionKeysAndAForcedOneIsRefusedAndAudited() throws Exception {
        var audit = start(Role.VIEWER, 80, 24);
        awaitScreen("cluster web");
        key(KeyType.Tab);
        awaitScreen("> group www");
        var footer = screen().lines().toList().subList(22, 24);
        assertThat(String.join("\n", footer)).doesNotContain("m move").doesNotContain("b ban").doesNotContain("M maint")
                .contains("Enter details");
        key('m');
        awaitScreen("refused: move needs the operator role");
        assertThat(backend.admin).isEmpty();
        assertThat(audit.tail(10)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("move");
            assertThat(e.outcome()).startsWith("refused: move needs the operator role; viewer1 (SHA256:abc) is viewer");
        });
        key('a'); // the audit screen is for admins
        awaitScreen("the audit screen needs the admin role");
    }

    @Test
    void ctrlCDoesNothingAndQLeavesCleanly() throws Exception {
        start(Role.OPERATOR, 80, 24);
        awaitScreen("cluster web");
        terminal.addInput(new KeyStroke('c', true, false));
        awaitScreen("Ctrl-C does nothing here");
        assertThat(ui.isAlive()).isTrue();
        key('q');
        ui.join(5000);
        assertThat(ui.isAlive()).isFalse();
        assertThat(backend.closed).isTrue();
    }

    @Test
    void ctrlDLeavesToo() throws Exception {
        start(Role.VIEWER, 80, 24);
        awaitScreen("cluster web");
        terminal.addInput(new KeyStroke('d', true, false));
        ui.join(5000);
        assertThat(ui.isAlive()).isFalse();
    }

    @Test
    void detailEventsHelpAndAuditScreensOpenAndEscGoesBack() throws Exception {
        start(Role.ADMIN, 80, 24);
        awaitScreen("cluster web");
        key(KeyType.ArrowDown); // ha2
        key(KeyType.Enter);
        awaitScreen("dashboard > node ha2");
        awaitScreen("incarnation 22");
        key(KeyType.Escape);
        awaitScreen("LATEST EVENTS");
        backend.push(Fixtures.cluster("dead", "ha1"));
        key('e');
        awaitScreen("dashboard > events");
        key('/');
        for (char c : "ha3".toCharArray()) key(c);
        key(KeyType.Enter);
        awaitScreen("1 of 1 events");
        key('?');
        awaitScreen("Moving around");
        key('a');
        awaitScreen("dashboard > audit log");
        awaitScreen("nothing recorded yet");
        key('d');
        awaitScreen("LATEST EVENTS");
    }

    @Test
    void aClosedTerminalEndsTheSessionWithoutThrowing() throws Exception {
        start(Role.VIEWER, 80, 24);
        awaitScreen("cluster web");
        terminal.addInput(new KeyStroke(KeyType.EOF));
        ui.join(5000);
        assertThat(ui.isAlive()).isFalse();
    }

    @Test
    void monochromeKeepsEveryMarker() throws Exception {
        start(Role.VIEWER, 80, 24);
        awaitScreen("cluster web");
        backend.push(Fixtures.cluster("dead", "ha1"));
        key('C');
        awaitScreen("colours off");
        var s = screen();
        assertThat(s).contains("[DEAD]").contains("ha1 *").contains("> ha1");
        int row = s.lines().toList().indexOf(s.lines().filter(l -> l.contains("[DEAD]")).findFirst().orElseThrow());
        int col = s.lines().toList().get(row).indexOf("[DEAD]");
        assertThat(terminal.getCharacter(col, row).getForegroundColor()).isEqualTo(com.googlecode.lanterna.TextColor.ANSI.DEFAULT);
        assertThat(terminal.getCharacter(col, row).isBold()).isTrue();
    }

    @Test
    void pushesToASessionWhoseUiIsStuckNeitherWaitNorPileUp() throws Exception {
        var op = new Operator("v", "SHA256:abc", "key", Role.VIEWER);
        var session = new TuiSession(new DefaultVirtualTerminal(new TerminalSize(80, 24)), backend, op, null);
        // never run: nothing takes the statuses
        for (int i = 0; i < 10 * TuiSession.PUSHED_CAPACITY; i++) {
            session.pushed(Fixtures.cluster(i % 2 == 0 ? "dead" : "alive", "ha1"));
        }
        assertThat(session.pendingStatuses()).isEqualTo(TuiSession.PUSHED_CAPACITY);
    }

    /**
     * Issue 18 item 6: a login starts its event list with the agent's log (from before the login,
     * with the agent's times), and the history screen shows fences and failed operations.
     */
    @Test
    void aLoginSeedsItsEventsFromTheAgentsLogAndTheHistoryScreenShowsFences() throws Exception {
        long t = Instant.parse("2026-11-21T17:09:50Z").toEpochMilli();
        backend.history = new dev.vigil.control.HistoryReport("ha1",
                List.of(new dev.vigil.control.HistoryReport.OperationRecord(t - 5000, "ha1", "web", "monitor",
                        "NOT_RUNNING", 7, "pid file gone", 30L, true)),
                List.of(new dev.vigil.control.HistoryReport.FenceRecord(t + 2000, "ha2", "ha1", "reboot",
                        List.of("ipmi-ha2 reboot ha2: SUCCESS (exit 0, 40 ms)"), true, "ha2 lost")),
                List.of(new dev.vigil.control.HistoryReport.EventRecord(t, "membership", "ha2", "node ha2 is dead")));
        start(Role.OPERATOR, 100, 30);
        awaitScreen("cluster web");
        key('e');
        awaitScreen("node ha2 is dead");
        key(KeyType.Escape);
        key('h');
        awaitScreen("ha1 fenced ha2 (reboot): ha2 lost");
        // whole frames, not one half-painted
        awaitScreen("web monitor on ha1: FAILED NOT_RUNNING (rc 7) pid file gone, 30 ms");
        assertThat(screen()).contains("ipmi-ha2 reboot ha2: SUCCESS (exit 0, 40 ms)");
    }

    /**
     * Issue 18 item 1 and 6: after the console got its agent back, the events of the outage come
     * from the agent's log with their own times (here a death during the outage), not only from
     * the difference between the statuses before and after.
     */
    @Test
    void afterAnOutageTheEventsOfTheGapComeFromTheAgentsLog() throws Exception {
        backend.history = new dev.vigil.control.HistoryReport("ha1", List.of(), List.of(), List.of());
        start(Role.OPERATOR, 100, 30);
        awaitScreen("cluster web");
        var lastGood = Instant.parse("2026-11-21T17:59:50Z"); // the session clock is fixed at 18:00:00
        backend.outage = java.util.Optional.of(new ConsoleBackend.Outage(lastGood.plusMillis(100), lastGood,
                "10.0.0.1:7695", "Connection reset", "reconnecting"));
        awaitScreen("NO AGENT");
        backend.history = new dev.vigil.control.HistoryReport("ha1", List.of(), List.of(), List.of(
                new dev.vigil.control.HistoryReport.EventRecord(lastGood.plusMillis(500).toEpochMilli(), "membership",
                        "ha3", "node ha3 is dead (while the console had no agent)")));
        backend.outage = java.util.Optional.empty();
        key('e');
        awaitScreen("node ha3 is dead (while the console had no agent)");
    }
}
