package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.ControlServer;
import dev.vigil.control.DrillReportShelf;
import dev.vigil.control.StatusReport;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.report.ClusterReports;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drill.schedule.DrillSchedule;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil drill history} and {@code report} merge this machine's state directory with the reports
 * an agent keeps for the cluster: one line per report, with where it is kept; a report only the agent
 * has is read from it.
 */
class DrillHistoryCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();
    private ControlServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static DrillReport report(String id, String verdict) {
        return new DrillReport(id, "web-switchover", "switchover", "www", "drills.yaml", "web", 7, "0123456789abcdef",
                1_800_000_000_000L, 1_800_000_001_000L, verdict, verdict + " reason", "moved", 1600L,
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Map.of());
    }

    @Test
    void historyMergesTheLocalAndTheClustersReportsByIdAndReportReadsFromTheAgent() throws Exception {
        var shelf = new DrillReportShelf(dir.resolve("agent"), Clock.systemUTC());
        var socket = dir.resolve("agent.sock");
        server = new ControlServer(socket, new ControlHandler() {
            @Override
            public StatusReport status() {
                return statusWith(new StatusReport.RunningDrill("20270116T090000.000Z-ha2-crash", "ha2-crash", "4242@ops1", "",
                        1_800_000_000_000L, 1_800_000_480_000L));
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                return new ControlProtocol.AdminOutcome(false, "no");
            }

            @Override
            public ControlProtocol.AdminOutcome applyConfig(String text) {
                return new ControlProtocol.AdminOutcome(false, "no");
            }

            @Override
            public DrillReportShelf drillReports() {
                return shelf;
            }
        });
        server.start();
        var agent = List.of(new ClusterAccess.Named("ha2", ControlClient.unix(socket)));
        var both = report("20270115T080000.000Z-web-switchover", "pass");
        var onlyThere = report("20270116T080000.000Z-web-switchover", "fail");
        ClusterReports.handOut(both, agent, DrillSchedule.Retention.DEFAULT);
        ClusterReports.handOut(onlyThere, agent, DrillSchedule.Retention.DEFAULT);
        var state = dir.resolve("state");
        var store = new ReportStore(state);
        store.save(both);
        store.save(report("20270114T080000.000Z-web-switchover", "refused"));

        assertThat(VigilCommand.run("drill", "history", "--state-dir", state.toString(), "--socket", socket.toString()))
                .as(io.err.toString()).isZero();
        assertThat(io.out.toString().lines().toList()).containsExactly(
                "20270114T080000.000Z-web-switchover      refused  refused reason (gap 1600 ms)  [local]",
                "20270115T080000.000Z-web-switchover      pass     pass reason (gap 1600 ms)  [agent local]",
                "20270116T080000.000Z-web-switchover      fail     fail reason (gap 1600 ms)  [agent]");

        io.out.reset();
        assertThat(VigilCommand.run("drill", "history", "--json", "--state-dir", state.toString(), "--socket", socket.toString()))
                .isZero();
        var lines = io.out.toString().lines().toList();
        assertThat(lines).as("one JSON object per line").hasSize(3);
        var last = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(2));
        assertThat(last.get("id").asText()).isEqualTo(onlyThere.id());
        assertThat(last.get("heldBy").toString()).isEqualTo("[\"agent\"]");

        io.out.reset();
        assertThat(VigilCommand.run("drill", "report", onlyThere.id(), "--json", "--state-dir", state.toString(),
                "--socket", socket.toString())).isZero();
        assertThat(io.out.toString()).contains("\"verdict\" : \"fail\"").contains(onlyThere.id());
        assertThat(VigilCommand.run("drill", "report", "20270101T000000.000Z-none", "--state-dir", state.toString(),
                "--socket", socket.toString())).isEqualTo(2);

        // `drill status`: nothing from this state directory, but the cluster's lock is held elsewhere.
        io.out.reset();
        assertThat(VigilCommand.run("drill", "status", "--state-dir", state.toString(), "--socket", socket.toString())).isZero();
        assertThat(io.out.toString()).isEqualTo("running in the cluster: ha2-crash (run 20270116T090000.000Z-ha2-crash) by "
                + "4242@ops1 since 2027-01-15T08:00:00Z\n");
    }

    /** `vigil drill abort` with nothing running here marks the cluster's lock; `status` shows the mark. */
    @Test
    void abortReachesADrillRunningElsewhereThroughTheClustersLockAndStatusShowsTheMark() throws Exception {
        var calls = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var abortBy = new java.util.concurrent.atomic.AtomicReference<>("");
        var socket = dir.resolve("agent.sock");
        server = new ControlServer(socket, new ControlHandler() {
            @Override
            public StatusReport status() {
                return statusWith(new StatusReport.RunningDrill("20270116T090000.000Z-ha2-crash", "ha2-crash", "4242@ops1", "",
                        1_800_000_000_000L, 1_800_000_150_000L, abortBy.get()));
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                calls.add(verb + " " + String.join(" ", args));
                if (!args.get(0).equals("--any") && !args.get(0).equals("20270116T090000.000Z-ha2-crash")) {
                    return new ControlProtocol.AdminOutcome(false, "run " + args.get(0) + " is not running; drill ha2-crash "
                            + "(run 20270116T090000.000Z-ha2-crash) is");
                }
                abortBy.set(args.get(1));
                return new ControlProtocol.AdminOutcome(true, "asked drill ha2-crash (run 20270116T090000.000Z-ha2-crash) by "
                        + "4242@ops1 to abort; it restores, then reports");
            }

            @Override
            public ControlProtocol.AdminOutcome applyConfig(String text) {
                return new ControlProtocol.AdminOutcome(false, "no");
            }
        });
        server.start();
        var state = dir.resolve("state").toString();
        assertThat(VigilCommand.run("drill", "abort", "--state-dir", state, "--socket", socket.toString())).as(io.err.toString()).isZero();
        String asker = DrillCommand.Abort.asker();
        assertThat(asker).isEqualTo(System.getProperty("user.name") + "@" + java.net.InetAddress.getLocalHost().getHostName());
        assertThat(calls).containsExactly("drill-abort --any " + asker);
        assertThat(io.out.toString()).isEqualTo("asked drill ha2-crash (run 20270116T090000.000Z-ha2-crash) by 4242@ops1 to abort; "
                + "it restores, then reports\n");

        io.out.reset();
        assertThat(VigilCommand.run("drill", "status", "--state-dir", state, "--socket", socket.toString())).isZero();
        assertThat(io.out.toString()).endsWith("since 2027-01-15T08:00:00Z; abort asked by " + asker + "\n");

        assertThat(VigilCommand.run("drill", "abort", "20270101T000000.000Z-other", "--state-dir", state, "--socket", socket.toString()))
                .isEqualTo(1);
        assertThat(calls).last().isEqualTo("drill-abort 20270101T000000.000Z-other " + asker);
        assertThat(io.err.toString()).contains("vigil: run 20270101T000000.000Z-other is not running; drill ha2-crash");
    }

    private static StatusReport statusWith(StatusReport.RunningDrill drill) {
        return new StatusReport("web", "ha1", 1, 3, List.of("ha1"), 1, new StatusReport.TimingReport("lan", 200, 600, 1000, 10000),
                new StatusReport.VotesReport(1, 1), List.of(new StatusReport.NodeReport("ha1", "alive", true, 5, null, List.of())),
                Map.of(), new StatusReport.SenderReport(1, 0, 0, 0),
                new StatusReport.ResourcesReport("ha1", true, "1 of 1 votes", false, List.of(), List.of(), "", List.of(), List.of(),
                        List.of(), List.of(), List.of(), drill, Map.of()));
    }
}
