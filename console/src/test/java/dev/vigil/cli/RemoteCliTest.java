package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.control.ControlProtocol;
import dev.vigil.ssh.FakeAgent;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteCliTest {
    static final Operator VIEWER = new Operator("vera", "SHA256:viewerkey", "vera@desk", Role.VIEWER);
    static final Operator OPERATOR = new Operator("otto", "SHA256:operatorkey", "otto on call", Role.OPERATOR);
    static final Operator ADMIN = new Operator("ada", "SHA256:adminkey", "", Role.ADMIN);

    @TempDir
    Path dir;
    private AuditLog audit;
    private final FakeAgent agent = new FakeAgent();
    private RemoteCli cli;
    private String out;
    private String err;

    @BeforeEach
    void open() throws Exception {
        audit = new AuditLog(dir.resolve("audit.log"), Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC));
        cli = new RemoteCli(agent, audit);
    }

    @AfterEach
    void close() throws Exception {
        audit.close();
    }

    private int runWithInput(Operator who, String stdin, String... words) {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = cli.run(who, List.of(words), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(o), new PrintWriter(e));
        out = o.toString();
        err = e.toString();
        return code;
    }

    private int run(Operator who, String... words) {
        return runWithInput(who, "", words);
    }

    @Test
    void aViewerSeesTheStatusAndNothingIsAudited() throws Exception {
        assertThat(run(VIEWER, "vigil", "status", "--json")).isZero();
        var report = ControlProtocol.mapper().readValue(out, dev.vigil.control.StatusReport.class);
        assertThat(report.nodes()).extracting(n -> n.name()).containsExactly("ha1", "ha2");
        assertThat(run(VIEWER, "status")).isZero(); // `vigil` may be left out
        assertThat(out).contains("ha2");
        assertThat(audit.tail(10)).isEmpty();
    }

    /** Issue 18 item 6: the history is read-only, so a viewer may see it over the console too. */
    @Test
    void aViewerSeesTheHistoryAndNothingIsAudited() throws Exception {
        assertThat(run(VIEWER, "vigil", "history")).as(err).isZero();
        assertThat(out).contains("ha1 fenced ha2 (reboot): ha2 lost").contains("node ha2 is dead");
        assertThat(run(VIEWER, "history", "--json")).isZero();
        assertThat(ControlProtocol.mapper().readValue(out, dev.vigil.control.HistoryReport.class).fencing()).hasSize(1);
        assertThat(audit.tail(10)).isEmpty();
    }

    @Test
    void aViewersMoveIsRefusedAuditedAndNeverSent() throws Exception {
        assertThat(run(VIEWER, "vigil", "resource", "move", "www", "ha2")).isEqualTo(1);
        assertThat(err).contains("refused: move needs the operator role; vera (SHA256:viewerkey) is viewer");
        assertThat(agent.received).isEmpty();
        assertThat(audit.tail(10)).containsExactly(new AuditLog.Entry("2026-11-21T12:00:00Z", "vera", "SHA256:viewerkey",
                "vera@desk", "viewer", "move", "www ha2", "refused: move needs the operator role; vera (SHA256:viewerkey) is viewer"));

        assertThat(run(VIEWER, "maintenance", "on")).isEqualTo(1);
        assertThat(audit.tail(10)).last().extracting(AuditLog.Entry::action).isEqualTo("maintenance-on");
        assertThat(agent.received).isEmpty();
    }

    @Test
    void anOperatorsMoveGoesThroughAndIsAuditedWithItsOutcome() throws Exception {
        assertThat(run(OPERATOR, "vigil", "resource", "move", "www", "ha2")).isZero();
        assertThat(out).isEqualTo("move www ha2: done\n");
        assertThat(agent.received).containsExactly("move www ha2");

        assertThat(run(OPERATOR, "vigil", "node", "standby", "ha9")).isEqualTo(1);
        assertThat(err).contains("vigil: no node ha9 in cluster web");

        assertThat(audit.tail(10)).extracting(AuditLog.Entry::action, AuditLog.Entry::target, AuditLog.Entry::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("move", "www ha2", "ok: move www ha2: done"),
                        org.assertj.core.groups.Tuple.tuple("standby", "ha9", "failed: no node ha9 in cluster web"));
    }

    /** Issue 12: an operator's fence over the console needs the operator role and is audited with its outcome. */
    @Test
    void aFenceNeedsTheOperatorRoleAndIsAudited() throws Exception {
        assertThat(run(VIEWER, "vigil", "node", "fence", "ha2")).isEqualTo(1);
        assertThat(err).contains("refused: fence needs the operator role; vera (SHA256:viewerkey) is viewer");
        assertThat(agent.received).isEmpty();

        assertThat(run(OPERATOR, "node", "fence", "ha2")).isZero();
        assertThat(agent.received).containsExactly("fence ha2");
        assertThat(audit.tail(10)).extracting(AuditLog.Entry::action, AuditLog.Entry::target, AuditLog.Entry::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("fence", "ha2", "refused: fence needs the operator role; vera (SHA256:viewerkey) is viewer"),
                        org.assertj.core.groups.Tuple.tuple("fence", "ha2", "ok: fence ha2: done"));
    }

    @Test
    void configApplyNeedsAdminAndReadsTheFileFromStdin() throws Exception {
        assertThat(runWithInput(OPERATOR, "version: 9\n", "vigil", "config", "apply", "-")).isEqualTo(1);
        assertThat(agent.received).isEmpty();

        assertThat(runWithInput(ADMIN, "version: 9\n", "vigil", "config", "apply", "/etc/vigil/cluster.yaml")).isEqualTo(2);
        assertThat(err).contains("over the console the file comes on stdin");
        assertThat(agent.received).isEmpty();

        assertThat(runWithInput(ADMIN, "version: 9\n", "vigil", "config", "apply", "-")).isZero();
        assertThat(agent.received).containsExactly("config-apply 11");
        assertThat(audit.tail(10)).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo("config-apply");
            assertThat(e.target()).matches("cluster file sha256:[0-9a-f]{16} \\(11 bytes\\)");
            assertThat(e.outcome()).isEqualTo("ok: version applied on ha1, ha2");
        });
    }

    @Test
    void optionsAndVerbsAboutTheConsoleHostAreNotOffered() {
        assertThat(run(ADMIN, "vigil", "status", "--socket", "/tmp/other.sock")).isEqualTo(2);
        assertThat(err).contains("--socket is not available over the console");
        assertThat(run(ADMIN, "vigil", "resource", "move", "www", "ha2", "--config", "/etc/shadow")).isEqualTo(2);
        assertThat(agent.received).isEmpty();

        for (var verb : List.of("agent", "run-agent", "serial-test", "console")) {
            assertThat(run(ADMIN, "vigil", verb)).as(verb).isEqualTo(2);
            // issue 18: said plainly, not picocli's "Unmatched argument"
            assertThat(err).contains("`vigil " + verb + "` is not offered over the console").doesNotContain("Unmatched argument");
        }
        assertThat(run(ADMIN, "vigil", "config", "check", "/etc/vigil/cluster.yaml")).isEqualTo(2);
        assertThat(err).contains("`vigil config check` is not offered over the console: it reads a file on the console's host");
        assertThat(run(ADMIN, "vigil")).isEqualTo(2);
        assertThat(err).contains("give a verb");
    }

    @Test
    void helpIsForEveryoneAndListsOnlyWhatTheConsoleOffers() {
        assertThat(run(VIEWER, "vigil", "resource", "move", "--help")).isZero();
        assertThat(out).contains("TARGET");
        assertThat(run(VIEWER, "vigil", "--help")).isZero();
        assertThat(out).contains("status", "resource").doesNotContain("run-agent", "serial-test");
    }
}
