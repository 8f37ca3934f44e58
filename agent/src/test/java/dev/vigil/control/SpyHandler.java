package dev.vigil.control;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every call, so a test can prove a refused request executed nothing. */
final class SpyHandler implements ControlHandler {
    final List<String> calls = new CopyOnWriteArrayList<>();

    static StatusReport report(String node) {
        return new StatusReport("t", node, 7, 3, List.of(node), 1,
                new StatusReport.TimingReport("lan", 100, 300, 500, 5000), new StatusReport.VotesReport(1, 1),
                List.of(), java.util.Map.of(), new StatusReport.SenderReport(1, 0, 0, 0), null);
    }

    @Override
    public StatusReport status() {
        calls.add("status");
        return report("ha1");
    }

    @Override
    public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
        calls.add("admin " + verb + " " + args);
        return new ControlProtocol.AdminOutcome(true, verb + " done");
    }

    @Override
    public ControlProtocol.AdminOutcome applyConfig(String text) {
        calls.add("config-apply");
        return new ControlProtocol.AdminOutcome(true, "applied");
    }
}
