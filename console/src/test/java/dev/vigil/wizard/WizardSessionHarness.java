package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import dev.vigil.tui.ConsoleBackend;
import dev.vigil.tui.Screens;
import dev.vigil.tui.TuiOptions;
import dev.vigil.tui.TuiSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/** The text UI with the wizards on Lanterna's virtual terminal, a cluster of ha1-ha3, and what a test needs to drive it. */
final class WizardSessionHarness implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** A cluster whose status never changes: the wizards only read its node names. */
    static final class Backend implements ConsoleBackend {
        static StatusReport cluster() {
            var nodes = Stream.of("ha1", "ha2", "ha3")
                    .map(n -> new StatusReport.NodeReport(n, "alive", n.equals("ha1"), 1, 40L, List.of())).toList();
            return new StatusReport("web", "ha1", 1, 1, List.of("ha1", "ha2", "ha3"), 1,
                    new StatusReport.TimingReport("lan", 200, 600, 1000, 2000), new StatusReport.VotesReport(3, 3), nodes,
                    Map.of(), new StatusReport.SenderReport(1, 0, 0, 0), null);
        }

        @Override
        public StatusReport status() throws IOException {
            return Backend.cluster();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            throw new AssertionError("a wizard sends no operator verb: " + verb);
        }

        @Override
        public AutoCloseable subscribe(Consumer<StatusReport> onStatus) {
            onStatus.accept(Backend.cluster());
            return () -> { };
        }
    }

    final Path dir;
    final DefaultVirtualTerminal terminal;
    final AuditLog audit;
    final WizardSettings settings;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Thread ui;

    WizardSessionHarness(Path dir, Role role, int cols, int rows) throws Exception {
        this(dir, role, cols, rows, new WizardSettings(FormTest.recipes(), dir.resolve("saved"), dir.resolve("state").toString(),
                WizardHosts.local()));
    }

    WizardSessionHarness(Path dir, Role role, int cols, int rows, WizardSettings settings) throws Exception {
        this.dir = dir;
        audit = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC());
        this.settings = settings;
        terminal = new DefaultVirtualTerminal(new TerminalSize(cols, rows));
        var op = new Operator(role.configName() + "1", "SHA256:abc", "key of " + role.configName(), role);
        var options = TuiOptions.defaults().withScreens(Screens.standard().with(Wizards.entry(settings)));
        logs.start();
        root().addAppender(logs);
        var session = new TuiSession(terminal, new Backend(), op, audit, options);
        ui = new Thread(session::run, "wizard-test-ui");
        ui.start();
        awaitScreen("cluster web");
    }

    private static ch.qos.logback.classic.Logger root() {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Override
    public void close() throws Exception {
        ui.interrupt();
        ui.join(5000);
        root().detachAppender(logs);
        audit.close();
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

    List<String> lines() {
        return screen().lines().toList();
    }

    void awaitScreen(String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> assertThat(screen()).contains(text));
    }

    void awaitGone(String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> assertThat(screen()).doesNotContain(text));
    }

    void key(char c) {
        terminal.addInput(new KeyStroke(c, false, false));
    }

    void key(KeyType t) {
        terminal.addInput(new KeyStroke(t));
    }

    void keys(KeyType t, int times) {
        for (int i = 0; i < times; i++) key(t);
    }

    void type(String s) {
        for (char c : s.toCharArray()) key(c);
    }

    /** w, then the recipe's row (the catalogue is sorted: broken, every-type, hello, no-vars, slow, with-key, ...), then Enter. */
    void openWizard(String id) {
        key('w');
        awaitScreen("Recipes in ");
        int row = List.of("broken", "every-type", "hello", "no-vars", "slow", "with-key", "with-plan-failing").indexOf(id);
        keys(KeyType.ArrowDown, row);
        key(KeyType.Enter);
        awaitScreen(id + ": answers (1/5)");
    }

    /** The every-type form answered right, with {@code secret} as the password, left on the last field. */
    void answerEveryType(Path target, String secret) {
        keys(KeyType.ArrowDown, 3); // vip
        type("10.0.0.50");
        keys(KeyType.ArrowDown, 3); // dir
        type(target.toString());
        keys(KeyType.ArrowDown, 2); // primary: ha1 -> ha2
        key(KeyType.ArrowRight);
        key(KeyType.ArrowRight);
        key(KeyType.ArrowDown); // members: ha1 and ha3
        key(' ');
        keys(KeyType.ArrowRight, 2);
        key(' ');
        keys(KeyType.ArrowDown, 2); // the password
        type(secret);
        awaitScreen("> db_password");
    }

    List<AuditLog.Entry> auditEntries() throws IOException {
        return audit.tail(1000);
    }

    String logText() {
        var sb = new StringBuilder();
        for (var e : logs.list) sb.append(e.getFormattedMessage()).append('\n');
        return sb.toString();
    }

    /** Every regular file under {@code root}, by path, with its SHA-256; empty when it does not exist. */
    static Map<String, String> checksums(Path root) throws Exception {
        var out = new TreeMap<String, String>();
        if (!Files.exists(root)) return out;
        try (var s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
