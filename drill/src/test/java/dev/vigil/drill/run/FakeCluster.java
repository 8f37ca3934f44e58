package dev.vigil.drill.run;

import dev.vigil.control.ControlEvent;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import dev.vigil.control.StatusReport.NodeReport;
import dev.vigil.control.StatusReport.ResourceRow;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.DrillClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A cluster for the state machine's tests: its status is whatever the test's supplier says now. */
class FakeCluster implements ClusterAccess {
    final List<String> adminCalls = new ArrayList<>();
    /** drill-begin, -renew and -end, kept apart from the fault's verbs. */
    final List<String> lockCalls = new ArrayList<>();
    /** What the coordinator answers to drill-begin. */
    AdminOutcome lockAnswer = new AdminOutcome(true, "drill holds the cluster's drill lock");
    /** What the coordinator answers to drill-renew. */
    AdminOutcome renewAnswer = new AdminOutcome(true, "drill holds the cluster's drill lock until later");
    Supplier<StatusReport> status;
    /** The cluster history's fences. */
    final List<dev.vigil.control.HistoryReport.FenceRecord> fencing = new ArrayList<>();
    Consumer<AgentEvent> sink;

    FakeCluster(Supplier<StatusReport> status) {
        this.status = status;
    }

    @Override
    public StatusReport status() throws IOException {
        var s = status.get();
        if (s == null) throw new IOException("connection refused");
        return s;
    }

    @Override
    public AdminOutcome admin(String verb, List<String> args) {
        if (verb.startsWith("drill-")) {
            lockCalls.add(verb + " " + String.join(" ", args));
            return verb.equals("drill-begin") ? lockAnswer : verb.equals("drill-renew") ? renewAnswer : new AdminOutcome(true, "released");
        }
        adminCalls.add(verb + " " + String.join(" ", args));
        return new AdminOutcome(true, verb + " done");
    }

    @Override
    public List<dev.vigil.control.HistoryReport.FenceRecord> fencing() {
        return List.copyOf(fencing);
    }

    @Override
    public String runningConfig() {
        return "cluster: web\nversion: 7\n";
    }

    @Override
    public AutoCloseable events(Consumer<AgentEvent> sink) {
        this.sink = sink;
        return () -> this.sink = null;
    }

    void push(String agent, String kind, long atMs, String node, String message) {
        if (sink != null) sink.accept(new AgentEvent(agent, new ControlEvent(1, kind, atMs, node, message, null)));
    }

    /** A status builder: nodes alive unless said otherwise, group www of vip and web. */
    static final class S {
        final Map<String, String> nodes = new LinkedHashMap<>();
        String wwwOn = "ha1";
        boolean quorate = true;
        boolean maintenance;
        List<String> lost = List.of();
        List<String> fenced = List.of();
        List<String> pending = List.of();
        Map<String, Integer> webFailures = Map.of();
        List<String> vipOn;
        /** The agent that answers: not the node drills' target (ha1), as `vigil drill run` arranges. */
        String answering = "ha2";
        StatusReport.RunningDrill drill;

        S(String... names) {
            for (var n : names) nodes.put(n, "alive");
        }

        S node(String name, String state) {
            nodes.put(name, state);
            return this;
        }

        S www(String node) {
            wwwOn = node;
            return this;
        }

        StatusReport build() {
            var members = nodes.entrySet().stream().filter(e -> e.getValue().equals("alive")).map(Map.Entry::getKey).toList();
            var nodeReports = nodes.entrySet().stream().map(e -> new NodeReport(e.getKey(), e.getValue(), e.getKey().equals(answering),
                    1, 10L, List.of())).toList();
            List<String> on = wwwOn == null ? List.of() : List.of(wwwOn);
            var rows = List.of(
                    new ResourceRow("vip", "ocf:vigil:IPaddr", "www", false, vipOn == null ? on : vipOn, Map.of(), Map.of(), Map.of()),
                    new ResourceRow("web", "ocf:vigil:apache", "www", false, on, Map.of(), webFailures, Map.of()));
            var resources = new StatusReport.ResourcesReport(members.isEmpty() ? null : members.get(0), quorate, "2 of 3 votes",
                    maintenance, List.of(), List.of(), "", pending, List.of(), lost, fenced, rows, drill, Map.of());
            return new StatusReport("web", answering, 1, 1, members, 7,
                    new StatusReport.TimingReport("lan", 80, 500, 1000, 10000),
                    new StatusReport.VotesReport(members.size(), nodes.size()), nodeReports, Map.of(),
                    new StatusReport.SenderReport(1, 0, 0, 0), resources);
        }
    }

    /** A clock that moves only when the run sleeps. */
    static final class FakeClock implements DrillClock {
        long nanos;

        @Override
        public long nanos() {
            return nanos;
        }

        @Override
        public long epochMillis() {
            return 1_800_000_000_000L + nanos / 1_000_000;
        }

        @Override
        public void sleep(Duration d) {
            nanos += Math.max(1, d.toNanos());
        }

        long ms() {
            return nanos / 1_000_000;
        }
    }
}
