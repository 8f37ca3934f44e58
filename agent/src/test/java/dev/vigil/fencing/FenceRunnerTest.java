package dev.vigil.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.model.FenceDevice;
import dev.vigil.resources.ProcessSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FenceRunnerTest {
    private static final String SECRET = "s3cr3t-Pa55";

    @TempDir
    Path dir;

    private FenceRunner runner;
    private Path record;

    @BeforeEach
    void setUp() throws IOException {
        runner = new FenceRunner(List.of(dir.resolve("missing"), dir), Duration.ofMillis(200));
        record = dir.resolve("record");
        // Records its stdin and arguments, echoes stdin on both streams (as agents in debug mode
        // do), and answers by action: status says off, everything else succeeds.
        agent("fence_record", """
                #!/bin/sh
                cat > %1$s.stdin
                echo "$#" > %1$s.argc
                cat %1$s.stdin
                cat %1$s.stdin >&2
                case "$(sed -n 's/^action=//p' %1$s.stdin)" in
                    status) exit 2 ;;
                    *) exit 0 ;;
                esac
                """.formatted(record));
        agent("fence_fail", """
                #!/bin/sh
                cat > /dev/null
                echo "cannot reach the power switch" >&2
                exit 1
                """);
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private Path agent(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static FenceDevice device(String id, String agent) {
        return new FenceDevice(id, agent, Map.of("ipaddr", "10.0.0.9", "login", "admin", "passwd", SECRET,
                "snmp_secret", "community-x"));
    }

    @Test
    void parametersGoOnStdinAsKeyValueLinesAndNeverAsArguments() throws IOException {
        FenceDevice d = device("pdu", "fence_record").withHostMap(Map.of("ha2", "7"));

        FenceResult r = runner.run(FenceRequest.node(d, FenceAction.OFF, "ha2"));

        assertThat(r.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(r.exitCode()).isEqualTo(OptionalInt.of(0));
        assertThat(Files.readString(Path.of(record + ".stdin"))).isEqualTo("""
                action=off
                plug=7
                nodename=ha2
                ipaddr=10.0.0.9
                login=admin
                passwd=%s
                snmp_secret=community-x
                """.formatted(SECRET));
        assertThat(Files.readString(Path.of(record + ".argc")).strip()).isEqualTo("0");
    }

    @Test
    void deviceActionsSendNoPlug() throws IOException {
        FenceResult r = runner.run(FenceRequest.device(device("pdu", "fence_record"), FenceAction.MONITOR));

        assertThat(r.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(Files.readAllLines(Path.of(record + ".stdin")))
                .startsWith("action=monitor", "ipaddr=10.0.0.9")
                .noneMatch(l -> l.startsWith("plug=") || l.startsWith("nodename="));
    }

    @Test
    void statusExitCodesMapToPowerState() {
        assertThat(runner.run(FenceRequest.node(device("pdu", "fence_record"), FenceAction.STATUS, "ha2")).outcome())
                .isEqualTo(FenceOutcome.POWERED_OFF);
        assertThat(FenceRunner.outcome(FenceAction.STATUS, 0)).isEqualTo(FenceOutcome.POWERED_ON);
        assertThat(FenceRunner.outcome(FenceAction.STATUS, 1)).isEqualTo(FenceOutcome.FAILED);
        assertThat(FenceRunner.outcome(FenceAction.REBOOT, 2)).isEqualTo(FenceOutcome.FAILED);
    }

    @Test
    void secretsAppearNeitherInResultsNorInLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger(FenceRunner.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            FenceResult ok = runner.run(FenceRequest.node(device("pdu", "fence_record"), FenceAction.REBOOT, "ha2"));
            FenceResult failed = runner.run(FenceRequest.node(device("bad", "fence_fail"), FenceAction.REBOOT, "ha2"));

            assertThat(ok.stdout()).contains("passwd=" + Secrets.MASK).contains("login=admin");
            for (FenceResult r : List.of(ok, failed)) {
                assertThat(r.toString()).doesNotContain(SECRET).doesNotContain("community-x");
            }
            assertThat(logs.list).isNotEmpty();
            assertThat(logs.list).allSatisfy(e ->
                    assertThat(e.getFormattedMessage()).doesNotContain(SECRET).doesNotContain("community-x"));
            assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("login=admin"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void secretKeysAreRecognised() {
        assertThat(List.of("passwd", "password", "PASSWD", "snmp_priv_passwd", "api_password", "client_secret"))
                .allMatch(Secrets::isSecret);
        assertThat(List.of("login", "passwd_script", "ipaddr", "identity_file")).noneMatch(Secrets::isSecret);
    }

    @Test
    void hangingAgentTimesOutAndNothingOfItsSessionSurvives() throws Exception {
        Path pids = dir.resolve("pids");
        agent("fence_hang", """
                #!/bin/sh
                trap '' TERM
                sleep 300 &
                echo $$ $! > %s
                wait
                """.formatted(pids));
        FenceDevice d = device("slow", "fence_hang").withTimeout(Duration.ofMillis(700));

        FenceResult r = runner.run(FenceRequest.node(d, FenceAction.OFF, "ha2"));

        assertThat(r.outcome()).isEqualTo(FenceOutcome.TIMED_OUT);
        assertThat(r.exitCode()).isEmpty();
        assertThat(r.reason()).contains("timed out");
        // The agent's shell leads the session; its orphaned sleep may linger only as a zombie,
        // which members() leaves out because a container's init need not reap it promptly.
        long sid = Long.parseLong(Files.readString(pids).strip().split(" ")[0]);
        assertThat(ProcessSession.of(sid).members()).isEmpty();
    }

    @Test
    void failingDeviceIsFollowedByTheNextOne() throws IOException {
        FenceReport report = runner.fence("ha2", FenceAction.OFF,
                List.of(device("ipmi", "fence_fail"), device("pdu", "fence_record")));

        assertThat(report.fenced()).isTrue();
        List<FenceResult> attempts = report.attempts();
        assertThat(attempts).extracting(FenceResult::deviceId).containsExactly("ipmi", "pdu");
        assertThat(attempts.get(0).outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(attempts.get(0).exitCode()).isEqualTo(OptionalInt.of(1));
        assertThat(attempts.get(0).reason()).contains("cannot reach the power switch");
        assertThat(attempts.get(1).outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(Files.readAllLines(Path.of(record + ".stdin"))).contains("action=off", "plug=ha2");
    }

    @Test
    void stopsAtTheFirstDeviceThatSucceeds() {
        FenceReport report = runner.fence("ha2", FenceAction.REBOOT,
                List.of(device("pdu", "fence_record"), device("ipmi", "fence_fail")));

        assertThat(report.fenced()).isTrue();
        assertThat(report.attempts()).extracting(FenceResult::deviceId).containsExactly("pdu");
    }

    @Test
    void aDeviceWithAHostMapOnlyFencesTheNodesInIt() {
        var forHa1 = device("ha1-power", "fence_fail").withHostMap(Map.of("ha1", "1"));
        var forHa2 = device("ha2-power", "fence_record").withHostMap(Map.of("ha2", "2"));

        FenceReport report = runner.fence("ha2", FenceAction.OFF, List.of(forHa1, forHa2));

        assertThat(report.fenced()).isTrue();
        assertThat(report.attempts()).extracting(FenceResult::deviceId).containsExactly("ha2-power");
        assertThat(runner.fence("ha3", FenceAction.OFF, List.of(forHa1, forHa2)).fenced()).isFalse();
    }

    @Test
    void everyDeviceFailingOrNoneConfiguredIsAFailure() {
        FenceReport report = runner.fence("ha2", FenceAction.OFF,
                List.of(device("ipmi", "fence_fail"), device("gone", "fence_not_there")));
        assertThat(report.fenced()).isFalse();
        assertThat(report.attempts()).extracting(FenceResult::outcome)
                .containsExactly(FenceOutcome.FAILED, FenceOutcome.NOT_INSTALLED);
        assertThat(report.attempts().get(1).reason()).contains("not installed");

        FenceReport none = runner.fence("ha2", FenceAction.OFF, List.of());
        assertThat(none.fenced()).isFalse();
        assertThat(none.attempts()).isEmpty();
    }

    @Test
    void verifiedOffMovesOnWhenTheDeviceStillReportsTheNodeOn() throws IOException {
        // Says yes to everything, so its status claims the node is still on after the off.
        agent("fence_liar", """
                #!/bin/sh
                cat > /dev/null
                exit 0
                """);

        FenceReport report = runner.fence("ha2", FenceAction.OFF,
                List.of(device("liar", "fence_liar"), device("pdu", "fence_record")), true);

        assertThat(report.fenced()).isTrue();
        assertThat(report.attempts()).extracting(r -> r.deviceId() + " " + r.outcome()).containsExactly(
                "liar SUCCESS", "liar POWERED_ON", "pdu SUCCESS", "pdu POWERED_OFF");
    }

    @Test
    void verifiedOffTrustsTheOffWhenStatusCannotTell() throws IOException {
        agent("fence_nostatus", """
                #!/bin/sh
                grep -q '^action=status$' && exit 1
                exit 0
                """);

        FenceReport report = runner.fence("ha2", FenceAction.OFF, List.of(device("d", "fence_nostatus")), true);

        assertThat(report.fenced()).isTrue();
        assertThat(report.attempts()).extracting(FenceResult::outcome)
                .containsExactly(FenceOutcome.SUCCESS, FenceOutcome.FAILED);
    }

    @Test
    void verifiedOffFailsWhenEveryDeviceLies() throws IOException {
        agent("fence_liar", "#!/bin/sh\ncat > /dev/null\nexit 0\n");

        FenceReport report = runner.fence("ha2", FenceAction.OFF, List.of(device("liar", "fence_liar")), true);

        assertThat(report.fenced()).isFalse();
    }

    @Test
    void configurationCannotInjectLinesOrPaths() {
        assertThatThrownBy(() -> new FenceDevice("d", "fence_x", Map.of("login", "a\naction=on")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FenceDevice("d", "/bin/sh", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        FenceDevice d = new FenceDevice("d", "fence_x", Map.of());
        assertThatThrownBy(() -> FenceRequest.node(d, FenceAction.OFF, "ha2\naction=on"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FenceRequest.device(d, FenceAction.OFF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void actionParameterInTheDeviceCannotOverrideTheRequest() {
        FenceDevice d = new FenceDevice("d", "fence_x", Map.of("action", "on", "plug", "9", "ipaddr", "h"));

        assertThat(FenceRunner.stdinLines(FenceRequest.node(d, FenceAction.OFF, "ha2")))
                .containsExactly("action=off", "plug=ha2", "nodename=ha2", "ipaddr=h");
    }
}
