package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.ControlServer;
import dev.vigil.control.EventBus;
import dev.vigil.control.HistoryReport;
import dev.vigil.control.HistoryReport.EventRecord;
import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import dev.vigil.control.StatusReport;
import dev.vigil.ssh.FakeAgent;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 6: {@code vigil history} shows what the agent keeps, in text and JSON. */
class HistoryCliTest {
    // 2026-12-05 18:40:01Z and on
    static final long T = 1796496001000L;

    static final HistoryReport HISTORY = new HistoryReport("ha1",
            List.of(new OperationRecord(T, "ha1", "web", "start", "SUCCESS", 0, null, 12L, false),
                    new OperationRecord(T + 5000, "ha1", "web", "monitor", "NOT_RUNNING", 7, "pid file gone", 30L, true),
                    new OperationRecord(T + 6000, "ha2", "vip", "start", "SUCCESS", null, null, null, false)),
            List.of(new FenceRecord(T + 60_000, "ha1", "ha2", "reboot",
                    List.of("ipmi-ha1 reboot ha1: SUCCESS (exit 0, 40 ms)"), true, "ha1 lost")),
            List.of(new EventRecord(T + 59_000, "membership", "ha1", "node ha1 is dead"),
                    new EventRecord(T + 60_000, "fencing", "ha1", "node ha1 fenced")));

    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();
    private ControlServer server;
    private EventBus bus;

    private final ControlHandler agent = new ControlHandler() {
        private final FakeAgent fake = new FakeAgent();

        @Override
        public StatusReport status() {
            return fake.status();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            return fake.admin(verb, args);
        }

        @Override
        public ControlProtocol.AdminOutcome applyConfig(String text) {
            return fake.applyConfig(text);
        }

        @Override
        public HistoryReport history() {
            return HISTORY;
        }
    };

    @BeforeEach
    void start() throws Exception {
        bus = new EventBus(Clock.systemUTC(), agent::status, EventBus.DEFAULT_STATUS_INTERVAL, EventBus.DEFAULT_QUEUE_CAPACITY);
        server = new ControlServer(dir.resolve("web-ha1.sock"), agent, bus);
        server.start();
        NodeOptions.environment = Map.of("VIGIL_SOCKET", dir.resolve("web-ha1.sock").toString())::get;
    }

    @AfterEach
    void stop() {
        NodeOptions.environment = System::getenv;
        server.close();
        bus.close();
    }

    @Test
    void theTextShowsOperationsWithRcReasonAndDurationFencesWithTheirDevicesAndEvents() {
        assertThat(VigilCommand.run("history")).as(io.err.toString()).isZero();
        assertThat(io.out.toString())
                .contains("Cluster history kept by ha1")
                .contains("  2026-12-05 18:40:01Z  web start on ha1: SUCCESS, 12 ms\n")
                .contains("  2026-12-05 18:40:06Z  web monitor on ha1: FAILED NOT_RUNNING (rc 7) pid file gone, 30 ms\n")
                .contains("  2026-12-05 18:40:07Z  vip start on ha2: SUCCESS\n")
                .contains("  2026-12-05 18:41:01Z  ha2 fenced ha1 (reboot): ha1 lost\n"
                        + "      ipmi-ha1 reboot ha1: SUCCESS (exit 0, 40 ms)\n")
                .contains("  2026-12-05 18:41:00Z  membership  node ha1 is dead\n");
    }

    @Test
    void resourceAndEventsNarrowTheText() {
        assertThat(VigilCommand.run("history", "--resource", "vip", "--events", "1")).as(io.err.toString()).isZero();
        assertThat(io.out.toString()).contains("Operations of vip:").contains("vip start on ha2")
                .doesNotContain("web start").contains("Events (the latest 1 of 2; --events N for more)")
                .contains("node ha1 fenced").doesNotContain("node ha1 is dead");
    }

    @Test
    void theJsonIsTheDocumentedShape() throws Exception {
        assertThat(VigilCommand.run("history", "--json")).as(io.err.toString()).isZero();
        var back = ControlProtocol.mapper().readValue(io.out.toString(), HistoryReport.class);
        assertThat(back).isEqualTo(HISTORY);
        assertThat(io.out.toString()).contains("\"fencing\"").contains("\"durationMs\" : 30");
    }

    @Test
    void aFailedFenceIsLoud() {
        var failed = new FenceRecord(T, "ha1", "ha2", "reboot", List.of(), false, "ha1 lost");
        assertThat(dev.vigil.status.HistoryLines.fence(failed))
                .isEqualTo("2026-12-05 18:40:01Z  FENCING of ha1 by ha2 FAILED (reboot): ha1 lost");
        assertThat(dev.vigil.status.HistoryLines.fenceDevices(failed)).containsExactly("no device ran");
    }
}
