package dev.vigil.drill.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.ControlServer;
import dev.vigil.control.DrillReportShelf;
import dev.vigil.control.StatusReport;
import dev.vigil.drill.ClusterAccess.Named;
import dev.vigil.drill.schedule.DrillSchedule.Retention;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports handed to three real control servers (Unix sockets, each with its own shelf), then read back
 * merged by id after one of them is gone: the history survives the loss of any one node.
 */
class ClusterReportsTest {
    @TempDir
    Path dir;
    private final List<ControlServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(ControlServer::close);
    }

    private Named agent(String name) throws Exception {
        var shelf = new DrillReportShelf(dir.resolve(name), Clock.systemUTC());
        var socket = dir.resolve(name + ".sock");
        var server = new ControlServer(socket, new ControlHandler() {
            @Override
            public StatusReport status() {
                return null;
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                return new ControlProtocol.AdminOutcome(false, "not here");
            }

            @Override
            public ControlProtocol.AdminOutcome applyConfig(String text) {
                return new ControlProtocol.AdminOutcome(false, "not here");
            }

            @Override
            public DrillReportShelf drillReports() {
                return shelf;
            }
        });
        server.start();
        servers.add(server);
        return new Named(name, ControlClient.unix(socket));
    }

    /** A report with a probe of 10 ms over a minute: about 6000 samples, several parts on the wire. */
    private static DrillReport report(String id, String verdict) {
        var samples = new ArrayList<DrillReport.Sample>();
        for (int i = 0; i < 6000; i++) samples.add(new DrillReport.Sample(i * 10L, 2, i < 3000 || i > 3200, i % 2 == 0 ? "ha1" : "ha2"));
        var series = new DrillReport.ProbeSeries("page", "http", "http://10.0.0.50/", 10, samples, 2000, 2010L, true);
        return new DrillReport(id, "web-switchover", "switchover", "www", "drills.yaml", "web", 7, "0123456789abcdef",
                1_800_000_000_000L, 1_800_000_001_000L, verdict, "every expectation held", "vigil resource move www ha2",
                2000L, List.of(), List.of(), List.of(), List.of(), List.of(series), List.of(), Map.of());
    }

    @Test
    void everyAgentKeepsTheReportAndTheHistorySurvivesTheLossOfOne() throws Exception {
        var agents = List.of(agent("ha1"), agent("ha2"), agent("ha3"));
        var first = report("20270115T080000.000Z-web-switchover", "pass");
        var kept = ClusterReports.handOut(first, agents, new Retention(10, Duration.ofDays(30)));
        assertThat(kept).containsExactly(Map.entry("ha1", "kept"), Map.entry("ha2", "kept"), Map.entry("ha3", "kept"));
        // ha3 was down for the second one.
        servers.get(2).close();
        var second = report("20270116T080000.000Z-web-switchover", "fail");
        assertThat(ClusterReports.handOut(second, agents, new Retention(10, Duration.ofDays(30))).get("ha3")).startsWith("not kept: ");

        // ha1 is lost: ha2 still has both, and the report reads back whole from it.
        servers.get(0).close();
        var history = ClusterReports.history(agents);
        assertThat(history).extracting(ClusterReports.Entry::id, ClusterReports.Entry::verdict, ClusterReports.Entry::heldBy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(first.id(), "pass", List.of("ha2")),
                        org.assertj.core.groups.Tuple.tuple(second.id(), "fail", List.of("ha2")));
        assertThat(ClusterReports.fetch(second.id(), agents)).contains(second);
        assertThat(ClusterReports.fetch("20270101T000000.000Z-nope", agents)).isEmpty();
    }

    @Test
    void theHistoryMergesCopiesByIdAndNamesEachHolder() throws Exception {
        var agents = List.of(agent("ha1"), agent("ha2"));
        var r = report("20270115T080000.000Z-web-switchover", "pass");
        ClusterReports.handOut(r, agents, new Retention(10, Duration.ofDays(30)));
        ClusterReports.handOut(r, agents, new Retention(10, Duration.ofDays(30))); // handed over twice: still one
        assertThat(ClusterReports.history(agents)).singleElement().satisfies(e -> {
            assertThat(e.heldBy()).containsExactly("ha1", "ha2");
            assertThat(e.gapMs()).isEqualTo(2000);
            assertThat(e.reason()).isEqualTo("every expectation held");
        });
    }
}
