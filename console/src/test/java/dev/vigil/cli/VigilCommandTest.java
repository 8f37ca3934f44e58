package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class VigilCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @BeforeEach
    void writeKey() throws Exception {
        var key = dir.resolve("authkey");
        Files.writeString(key, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private Path write(String yaml) throws Exception {
        var f = dir.resolve("cluster.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void configCheckAcceptsAGoodFile() throws Exception {
        var f = write("""
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 694}
                """);
        assertThat(VigilCommand.run("config", "check", f.toString())).isZero();
        assertThat(io.out.toString()).contains("OK");
    }

    @Test
    void configCheckListsEveryErrorWithItsPosition() throws Exception {
        var f = write("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {preset: lan, keepalive: 200ms, deadtime: 300ms}
                nodes:
                  - {name: ha1, address: 127.0.0.1, colour: red}
                links:
                  - {type: udp, mode: unicast, port: 99999}
                """);
        assertThat(VigilCommand.run("config", "check", f.toString())).isEqualTo(1);
        var lines = io.err.toString().lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":3:").contains("deadtime"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":5:").contains("colour"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(f + ":7:").contains("port"));
        assertThat(lines).last().isEqualTo("4 error(s)"); // deadtime breaks two timing rules
    }

    @Test
    void statusWithoutAnAgentSaysSoAndFails() {
        assertThat(VigilCommand.run("status", "--socket", dir.resolve("none.sock").toString())).isEqualTo(3);
        assertThat(io.err.toString()).contains("no agent answers on").contains("none.sock");
    }

    private Path twoNodes(String extra) throws Exception {
        return write("""
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 694}
                """ + extra);
    }

    @Test
    void connectWithSeveralAgentsTriesEachAndNamesThemAll() throws Exception {
        var f = twoNodes("");
        assertThat(VigilCommand.run("status", "--config", f.toString(), "--connect", "127.0.0.1:1,127.0.0.2:1")).isEqualTo(3);
        assertThat(io.err.toString()).contains("no agent answers").contains("127.0.0.1:1").contains("127.0.0.2:1");
    }

    @Test
    void connectListsMustBeHostPortEach() throws Exception {
        var f = twoNodes("");
        assertThat(VigilCommand.run("status", "--config", f.toString(), "--connect", "127.0.0.1:7695,ha2")).isEqualTo(2);
        assertThat(io.err.toString()).contains("--connect 127.0.0.1:7695,ha2: expected HOST:PORT[,HOST:PORT...]");
    }

    @Test
    void theConsoleNeedsControlPortsUnlessToldToUseTheLocalSocket() throws Exception {
        var f = twoNodes("control: {enabled: false}\n");
        assertThat(VigilCommand.run("console", "--config", f.toString(), "--listen", "127.0.0.1:0",
                "--host-key", dir.resolve("host").toString())).isEqualTo(2);
        assertThat(io.err.toString()).contains("turns the agents' control ports off").contains("give --socket or --node");
        assertThat(dir.resolve("host")).doesNotExist();
    }

    @Test
    void theConsoleFollowsEitherTheLocalSocketOrTcpAgentsNotBoth() throws Exception {
        var f = twoNodes("");
        assertThat(VigilCommand.run("console", "--config", f.toString(), "--listen", "127.0.0.1:0",
                "--socket", dir.resolve("a.sock").toString(), "--connect", "127.0.0.1:7695")).isEqualTo(2);
        assertThat(io.err.toString()).contains("--connect and --socket/--node name different agents");
    }

    @Test
    void connectNeedsHostAndPort() {
        assertThat(VigilCommand.run("status", "--connect", "10.0.0.48")).isEqualTo(2);
        assertThat(io.err.toString()).contains("--connect 10.0.0.48: expected HOST:PORT");
        assertThat(NodeOptions.parseHostPort("[::1]:7695")).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(7695));
        assertThat(NodeOptions.parseHostPort("::1:7695")).isEmpty();
        assertThat(NodeOptions.parseHostPort("127.0.0.1:70000")).isEmpty();
        // The console's listen address may ask for any free port; an agent's address may not.
        assertThat(ConsoleCommand.parseListen("127.0.0.1:0")).hasValueSatisfying(a -> assertThat(a.getPort()).isZero());
        assertThat(NodeOptions.parseHostPort("127.0.0.1:0")).isEmpty();
        assertThat(ConsoleCommand.parseListen("::1:2222")).isEmpty();
    }

    /** Issue 19 item 4: a FIFO given as the cluster file is refused at once, not read (which hangs). */
    @Test
    void configCheckConfigApplyAndAgentRefuseAFifoAtOnce() throws Exception {
        Path fifo = dir.resolve("cluster.fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        for (String[] args : new String[][] {{"config", "check", fifo.toString()},
                {"config", "apply", fifo.toString(), "--socket", dir.resolve("none.sock").toString()},
                {"agent", "--config", fifo.toString(), "--node", "ha1"}}) {
            io.err.reset();
            var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> VigilCommand.run(args));
            int code;
            try {
                code = run.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                try (var w = Files.newOutputStream(fifo)) {
                    w.write('\n'); // let the stuck reader go
                }
                throw new AssertionError(String.join(" ", args) + " hangs on a FIFO");
            }
            assertThat(code).as(String.join(" ", args)).isNotZero();
            assertThat(io.err.toString()).as(String.join(" ", args))
                    .contains(fifo + " is a FIFO (named pipe), not a regular file").doesNotContain("Exception");
        }
    }

    @Test
    void agentRefusesToStartOnABadFile() throws Exception {
        var f = write("cluster: web\n");
        assertThat(VigilCommand.run("agent", "--config", f.toString(), "--node", "ha1")).isEqualTo(2);
        assertThat(io.err.toString()).contains("not starting");
    }

    @Test
    void statusRendersTheHumanForm() {
        var report = new dev.vigil.control.StatusReport("web", "ha1", 5, 3, java.util.List.of("ha1", "ha2"), 1,
                new dev.vigil.control.StatusReport.TimingReport("lan", 200, 600, 1000, 10000),
                new dev.vigil.control.StatusReport.VotesReport(2, 3),
                java.util.List.of(
                        new dev.vigil.control.StatusReport.NodeReport("ha1", "alive", true, 5, null, java.util.List.of()),
                        new dev.vigil.control.StatusReport.NodeReport("ha2", "alive", false, 9, 120L, java.util.List.of(
                                new dev.vigil.control.StatusReport.LinkReport("ucast:694", 0, "up", 120L),
                                new dev.vigil.control.StatusReport.LinkReport("serial:/dev/ttyS0", 1, "down", null))),
                        new dev.vigil.control.StatusReport.NodeReport("ha3", "dead", false, 7, 5000L, java.util.List.of())),
                java.util.Map.of("forged", 4L),
                new dev.vigil.control.StatusReport.SenderReport(100, 0, 0, 0),
                new dev.vigil.control.StatusReport.ResourcesReport("ha1", true, "2 of 3 votes", false,
                        java.util.List.of(), java.util.List.of("move www to ha2"), "", java.util.List.of(),
                        java.util.List.of(), java.util.List.of("ha3"), java.util.List.of(), java.util.List.of(
                        new dev.vigil.control.StatusReport.ResourceRow("vip", "ocf:vigil:IPaddr", "www", false,
                                java.util.List.of("ha1"), java.util.Map.of("ha1", "started", "ha2", "stopped"),
                                java.util.Map.of(), java.util.Map.of()),
                        new dev.vigil.control.StatusReport.ResourceRow("web", "ocf:vigil:apache", "www", false,
                                java.util.List.of(), java.util.Map.of("ha1", "failed"),
                                java.util.Map.of("ha1", 3), java.util.Map.of("ha1", "monitor: NOT_RUNNING")))));
        var text = StatusText.render(report);
        assertThat(text).contains("Coordinator: ha1   Quorum: yes (2 of 3 votes)")
                .contains("Lost (may still run resources): ha3")
                .contains("Operator rules: move www to ha2")
                .contains("  Group www:\n    vip            (ocf:vigil:IPaddr): Started ha1")
                .contains("web            (ocf:vigil:apache): FAILED   failures: ha1=3")
                .contains("web on ha1: 3 failure(s); last: monitor: NOT_RUNNING");
        assertThat(text).contains("view 3: ha1, ha2").contains("votes 2/3")
                .contains("ha3              DEAD     last heard 5000ms ago")
                .contains("serial:/dev/ttyS0")
                .contains("forged");
    }

    /** Issue 19 item 12: "Failed resource actions" shows the operation that failed, not the latest one. */
    @Test
    void failedResourceActionsShowTheFailedOperationWithItsCodeReasonAndTime() {
        var row = new dev.vigil.control.StatusReport.ResourceRow("web", "ocf:vigil:apache", null, false,
                java.util.List.of(), java.util.Map.of("ha1", "stopped"), java.util.Map.of("ha1", 1),
                java.util.Map.of("ha1", "stop: SUCCESS"),
                java.util.Map.of("ha1", "monitor: killed by SIGKILL (exit 137)"),
                java.util.Map.of("ha1", 1796496001000L));
        var text = StatusText.render(oneNode(new dev.vigil.control.StatusReport.ResourcesReport("ha1", true, "1 of 1 votes", false,
                java.util.List.of(), java.util.List.of(), "", java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(row))));
        assertThat(text).contains("web on ha1: 1 failure(s); monitor failed: killed by SIGKILL (exit 137) at "
                + "2026-12-05 18:40:01Z").doesNotContain("last: stop: SUCCESS");
    }

    /** A one-node cluster's status with these resources. */
    private static dev.vigil.control.StatusReport oneNode(dev.vigil.control.StatusReport.ResourcesReport resources) {
        return new dev.vigil.control.StatusReport("web", "ha1", 1, 3, java.util.List.of("ha1"), 1,
                new dev.vigil.control.StatusReport.TimingReport("lan", 200, 600, 1000, 10000),
                new dev.vigil.control.StatusReport.VotesReport(1, 1),
                java.util.List.of(new dev.vigil.control.StatusReport.NodeReport("ha1", "alive", true, 5, null,
                        java.util.List.of())),
                java.util.Map.<String, Long>of(), new dev.vigil.control.StatusReport.SenderReport(1, 0, 0, 0), resources);
    }

    /** Issue 12: the drill holding the cluster's lock shows in the text status. */
    @Test
    void aRunningDrillShowsInTheStatus() {
        var report = oneNode(new dev.vigil.control.StatusReport.ResourcesReport("ha1", true, "1 of 1 votes", false,
                java.util.List.of(), java.util.List.of(), "", java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(),
                new dev.vigil.control.StatusReport.RunningDrill("20261205T184001.000Z-nightly-crash", "ha2-crash",
                        "runner@ha3", "nightly@1796496000000", 1796496001000L, 1796496481000L),
                java.util.Map.of("nightly", 1796496000000L)));
        assertThat(StatusText.render(report)).contains("Drill running: ha2-crash (run 20261205T184001.000Z-nightly-crash) "
                + "by runner@ha3 since 2026-12-05T18:40:01Z, schedule fire nightly@1796496000000\n");
    }

    /** Issue 18 item 4: Stopping/Starting while in flight, (unmanaged), and a loud multiple-active warning. */
    @Test
    void transitionsUnmanagedAndMultipleActiveInTheText() {
        var stopping = new dev.vigil.control.StatusReport.ResourceRow("web", "ocf:vigil:apache", null, false,
                java.util.List.of("ha1"), java.util.Map.of("ha1", "started"), java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of(), java.util.Map.of(), java.util.Map.of("ha1", "stopping"), false, false);
        var twice = new dev.vigil.control.StatusReport.ResourceRow("vip", "ocf:vigil:IPaddr", null, false,
                java.util.List.of("ha1", "ha2"), java.util.Map.of("ha1", "started", "ha2", "started"),
                java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of(),
                true, true);
        var report = new dev.vigil.control.StatusReport("web", "ha1", 1, 3, java.util.List.of("ha1", "ha2"), 1,
                new dev.vigil.control.StatusReport.TimingReport("lan", 200, 600, 1000, 10000),
                new dev.vigil.control.StatusReport.VotesReport(2, 2),
                java.util.List.of(new dev.vigil.control.StatusReport.NodeReport("ha1", "alive", true, 5, null,
                        java.util.List.of())),
                java.util.Map.<String, Long>of(), new dev.vigil.control.StatusReport.SenderReport(1, 0, 0, 0),
                new dev.vigil.control.StatusReport.ResourcesReport("ha1", true, "2 of 2 votes", true,
                        java.util.List.of(), java.util.List.of(), "", java.util.List.of("web:stop@ha1 (running)"),
                        java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(stopping, twice)));
        var text = StatusText.render(report);
        assertThat(text).contains("web            (ocf:vigil:apache): Stopping ha1\n")
                .contains("vip            (ocf:vigil:IPaddr): Started ha1, ha2 (unmanaged)  MULTIPLE ACTIVE")
                .contains("\nWARNING: vip is ACTIVE ON 2 NODES (ha1, ha2) but is no clone");
    }
}
