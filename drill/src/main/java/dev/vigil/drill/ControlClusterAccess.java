package dev.vigil.drill;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlEvent;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** {@link ClusterAccess} over the agents' control channel (Unix socket or TCP). */
final class ControlClusterAccess implements ClusterAccess {
    private final ControlClient any;
    private final List<Named> perAgent;

    ControlClusterAccess(ControlClient any, List<Named> perAgent) {
        this.any = any;
        this.perAgent = perAgent;
    }

    @Override
    public StatusReport status() throws IOException {
        return any.status();
    }

    @Override
    public AdminOutcome admin(String verb, List<String> args) throws IOException {
        return any.admin(verb, args);
    }

    @Override
    public List<StatusReport> statusOfEach() {
        var out = new ArrayList<StatusReport>();
        for (var agent : perAgent) {
            try {
                out.add(agent.client().status());
            } catch (IOException e) {
                // a dead or cut-off node has no count to give; the report says which nodes were counted
            }
        }
        return out;
    }

    /** Every agent's fencing history, merged: the coordinator that fenced keeps the record, and may be any of them. */
    @Override
    public List<dev.vigil.control.HistoryReport.FenceRecord> fencing() throws IOException {
        var out = new ArrayList<dev.vigil.control.HistoryReport.FenceRecord>();
        for (var agent : perAgent) {
            try {
                agent.client().history().fencing().stream().filter(f -> !out.contains(f)).forEach(out::add);
            } catch (IOException e) {
                // a fenced or cut-off node has nothing to add
            }
        }
        if (perAgent.isEmpty()) out.addAll(any.history().fencing());
        return out;
    }

    @Override
    public String runningConfig() throws IOException {
        return any.runningConfig();
    }

    @Override
    public AutoCloseable events(Consumer<AgentEvent> sink) {
        var streams = new ArrayList<Closeable>();
        var threads = new ArrayList<Thread>();
        for (var agent : perAgent) {
            var t = new Thread(() -> follow(agent, sink, streams), "drill-events-" + agent.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return () -> {
            synchronized (streams) {
                for (var s : streams) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing a stream whose agent is gone
                    }
                }
                streams.clear();
            }
            for (var t : threads) {
                t.interrupt();
                t.join(2_000);
            }
        };
    }

    private static void follow(Named agent, Consumer<AgentEvent> sink, List<Closeable> streams) {
        ControlClient.EventStream stream;
        try {
            stream = agent.client().subscribe();
            synchronized (streams) {
                streams.add(stream);
            }
        } catch (IOException e) {
            sink.accept(ended(agent, "cannot subscribe to " + agent.name() + "'s events: " + e.getMessage()));
            return;
        }
        try {
            while (!Thread.currentThread().isInterrupted()) {
                var event = stream.next();
                if (!ControlEvent.Kind.KEEPALIVE.key().equals(event.kind())) {
                    sink.accept(new AgentEvent(agent.name(), event));
                }
            }
        } catch (IOException e) {
            sink.accept(ended(agent, agent.name() + "'s event stream ended: " + e.getMessage()));
        }
    }

    private static AgentEvent ended(Named agent, String message) {
        return new AgentEvent(agent.name(), new ControlEvent(0, "stream", System.currentTimeMillis(), agent.name(), message, null));
    }
}
