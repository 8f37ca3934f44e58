package dev.vigil.ssh;

import dev.vigil.cli.AgentConnection;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import dev.vigil.control.StatusReport.LinkReport;
import dev.vigil.control.StatusReport.NodeReport;
import dev.vigil.control.StatusReport.ResourceRow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An agent of a two-node cluster "web" (ha1, ha2; group www of vip on ha1) that records every
 * operator verb and config it is sent: behind a real control socket in the integration test,
 * directly in unit tests. A verb naming a node that does not exist fails, as the coordinator would.
 */
public final class FakeAgent implements ControlHandler, AgentConnection {
    public final List<String> received = new CopyOnWriteArrayList<>();

    public static StatusReport twoNodes() {
        var nodes = List.of(
                new NodeReport("ha1", "alive", true, 11, null, List.of()),
                new NodeReport("ha2", "alive", false, 22, 40L, List.of(new LinkReport("ring0", 0, "up", 40L))));
        var rows = List.of(new ResourceRow("vip", "ocf:vigil:IPaddr", "www", false, List.of("ha1"),
                Map.of("ha1", "started", "ha2", "stopped"), Map.of(), Map.of()));
        var res = new StatusReport.ResourcesReport("ha1", true, "2 of 2 votes", false, List.of(), List.of(), "",
                List.of(), List.of(), List.of(), List.of(), rows);
        return new StatusReport("web", "ha1", 11, 7, List.of("ha1", "ha2"), 2,
                new StatusReport.TimingReport("lan", 200, 600, 1000, 2000),
                new StatusReport.VotesReport(2, 2), nodes, Map.of(), new StatusReport.SenderReport(100, 0, 0, 0), res);
    }

    @Override
    public StatusReport status() {
        return twoNodes();
    }

    @Override
    public AdminOutcome admin(String verb, List<String> args) {
        received.add(verb + " " + String.join(" ", args));
        if (args.stream().anyMatch(a -> a.startsWith("ha") && !a.equals("ha1") && !a.equals("ha2"))) {
            return new AdminOutcome(false, "no node " + args.get(args.size() - 1) + " in cluster web");
        }
        return new AdminOutcome(true, verb + " " + String.join(" ", args) + ": done");
    }

    /** Both interfaces offer it; the fixture's file is a stand-in. */
    @Override
    public String runningConfig() {
        return "cluster: web\n";
    }

    /** Both interfaces offer it; the fixture keeps one fence and one event. */
    @Override
    public dev.vigil.control.HistoryReport history() {
        return new dev.vigil.control.HistoryReport("ha1", java.util.List.of(),
                java.util.List.of(new dev.vigil.control.HistoryReport.FenceRecord(1796496001000L, "ha2", "ha1", "reboot",
                        java.util.List.of("ipmi-ha2 reboot ha2: SUCCESS (exit 0, 40 ms)"), true, "ha2 lost")),
                java.util.List.of(new dev.vigil.control.HistoryReport.EventRecord(1796496000000L, "membership", "ha2",
                        "node ha2 is dead")));
    }

    @Override
    public AdminOutcome applyConfig(String text) {
        received.add("config-apply " + text.length());
        return new AdminOutcome(true, "version applied on ha1, ha2");
    }
}
