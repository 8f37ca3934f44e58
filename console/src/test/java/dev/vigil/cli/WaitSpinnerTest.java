package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 18 item 4: a verb that waits says what for, on a terminal only. */
class WaitSpinnerTest {
    @AfterEach
    void reset() {
        WaitSpinner.terminal = () -> System.console() != null;
    }

    static StatusReport moving() {
        var web = new StatusReport.ResourceRow("web", "ocf:vigil:apache", "www", false, List.of("ha1"),
                Map.of("ha1", "started"), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("ha1", "stopping"), false, false);
        var vip = new StatusReport.ResourceRow("vip", "ocf:vigil:IPaddr", "www", false, List.of("ha1"),
                Map.of("ha1", "started"), Map.of(), Map.of());
        return new StatusReport("web", "ha1", 1, 3, List.of("ha1", "ha2"), 1,
                new StatusReport.TimingReport("lan", 200, 600, 1000, 10000), new StatusReport.VotesReport(2, 2),
                List.of(), Map.of(), new StatusReport.SenderReport(1, 0, 0, 0),
                new StatusReport.ResourcesReport("ha1", true, "2 of 2 votes", false, List.of(), List.of("move www to ha2"),
                        "", List.of("web:stop@ha1 (running)", "vip:stop@ha1"), List.of(), List.of(), List.of(),
                        List.of(vip, web)));
    }

    @Test
    void theLineNamesTheResourcesInTransitionAndFitsTheTerminal() {
        assertThat(WaitSpinner.line(1, Duration.ofMillis(2400), moving(), 80))
                .isEqualTo("/ 2s waiting for the cluster: web Stopping ha1");
        assertThat(WaitSpinner.line(0, Duration.ZERO, null, 80)).isEqualTo("| 0s waiting for the cluster");
        assertThat(WaitSpinner.line(0, Duration.ZERO, moving(), 30)).hasSize(29).endsWith("...");
    }

    @Test
    void withoutTransitionsThePendingActionsAreNamed() {
        var s = moving();
        var rows = s.resources().resources().stream().map(r -> new StatusReport.ResourceRow(r.id(), r.agent(), r.group(),
                r.cloned(), r.runningOn(), r.states(), r.failures(), r.lastOperations())).toList();
        var r = s.resources();
        var plain = new StatusReport(s.cluster(), s.node(), s.incarnation(), s.view(), s.members(), s.configVersion(),
                s.timing(), s.votes(), s.nodes(), s.drops(), s.heartbeat(),
                new StatusReport.ResourcesReport(r.coordinator(), r.quorate(), r.quorum(), r.maintenance(), r.standby(),
                        r.constraints(), r.waitingFor(), r.pending(), r.notes(), r.lost(), r.fenced(), rows));
        assertThat(WaitSpinner.line(2, Duration.ZERO, plain, 200))
                .isEqualTo("- 0s waiting for the cluster: web:stop@ha1 (running); vip:stop@ha1");
    }

    /** A connection whose verb takes a while, as a move does. */
    private static AgentConnection slowAgent() {
        return new AgentConnection() {
            @Override
            public StatusReport status() {
                return moving();
            }

            @Override
            public AdminOutcome admin(String verb, List<String> args) {
                try {
                    Thread.sleep(900);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new AdminOutcome(true, "www runs on ha2");
            }

            @Override
            public AdminOutcome applyConfig(String text) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void onATerminalTheLineSpinsAndIsErasedBeforeTheOutcome() throws Exception {
        WaitSpinner.terminal = () -> true;
        var err = new StringWriter();
        var agent = slowAgent();
        try (var spinner = WaitSpinner.start(agent, new PrintWriter(err), false)) {
            agent.admin("move", List.of("www", "ha2"));
        }
        String text = err.toString();
        assertThat(text).startsWith("\r| 0s waiting for the cluster").contains("web Stopping ha1");
        assertThat(text).endsWith("\r");
        assertThat(text.substring(text.lastIndexOf('\r', text.length() - 2) + 1).trim()).isEmpty();
    }

    @Test
    void elsewhereNothingAtAll() throws Exception {
        WaitSpinner.terminal = () -> false;
        var err = new StringWriter();
        try (var spinner = WaitSpinner.start(slowAgent(), new PrintWriter(err), false)) {
            Thread.sleep(300);
        }
        WaitSpinner.terminal = () -> true;
        try (var spinner = WaitSpinner.start(slowAgent(), new PrintWriter(err), true)) { // over the SSH console
            Thread.sleep(300);
        }
        assertThat(err.toString()).isEmpty();
    }
}
