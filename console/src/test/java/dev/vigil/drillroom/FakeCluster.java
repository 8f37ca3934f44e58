package dev.vigil.drillroom;

import dev.vigil.control.ControlEvent;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import dev.vigil.drill.ClusterAccess;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Three nodes and a group www (vip, web) on ha1, behind a fake control channel: a {@code move}
 * puts www where it was asked once {@link #release} lets it (the test holds the run mid-injection
 * to look at the screen), and while {@link #unsettled} something stays pending.
 */
final class FakeCluster implements ClusterAccess {
    final List<String> adminCalls = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    volatile String wwwOn = "ha1";
    volatile String down;
    volatile boolean unsettled;
    private volatile Consumer<AgentEvent> sink;

    @Override
    public StatusReport status() {
        var nodes = List.of("ha1", "ha2", "ha3");
        var members = nodes.stream().filter(n -> !n.equals(down)).toList();
        var nodeReports = nodes.stream().map(n -> new StatusReport.NodeReport(n, n.equals(down) ? "dead" : "alive", n.equals("ha2"),
                1, 10L, List.of())).toList();
        var rows = List.of(
                new StatusReport.ResourceRow("vip", "ocf:vigil:IPaddr", "www", false, List.of(wwwOn), Map.of(), Map.of(), Map.of()),
                new StatusReport.ResourceRow("web", "ocf:vigil:apache", "www", false, List.of(wwwOn), Map.of(), Map.of(), Map.of()));
        var resources = new StatusReport.ResourcesReport("ha1", true, "3 of 3 votes", false, List.of(), List.of(), "",
                unsettled ? List.of("start web on ha3") : List.of(), List.of(), List.of(), List.of(), rows);
        return new StatusReport("web", "ha2", 1, 1, members, 7, new StatusReport.TimingReport("lan", 80, 500, 1000, 10000),
                new StatusReport.VotesReport(members.size(), nodes.size()), nodeReports, Map.of(),
                new StatusReport.SenderReport(1, 0, 0, 0), resources);
    }

    @Override
    public AdminOutcome admin(String verb, List<String> args) throws IOException {
        adminCalls.add(verb + " " + String.join(" ", args));
        if (verb.equals("move")) {
            try {
                if (!release.await(20, TimeUnit.SECONDS)) throw new IOException("the test never released the move");
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            wwwOn = args.get(1);
        }
        return new AdminOutcome(true, verb + " done");
    }

    @Override
    public String runningConfig() {
        return "cluster: web\nversion: 7\n";
    }

    @Override
    public AutoCloseable events(Consumer<AgentEvent> s) {
        sink = s;
        return () -> sink = null;
    }

    /** An event as agent {@code agent} would push it. */
    void push(String agent, String kind, String node, String message) {
        var s = sink;
        if (s != null) s.accept(new AgentEvent(agent, new ControlEvent(1, kind, System.currentTimeMillis(), node, message, null)));
    }
}
