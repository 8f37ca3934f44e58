package dev.vigil.drill;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlEvent;
import dev.vigil.control.ControlProtocol.AdminOutcome;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a drill needs of the cluster, all through the agents' control channel: the status, the
 * operator verbs, the running configuration (for its version and digest) and the agents' pushed
 * events. Tests give a fake; {@link #over} is the real one.
 */
public interface ClusterAccess {
    StatusReport status() throws IOException;

    /** An operator verb ({@code move}, {@code clear}, {@code cleanup}, ...); returns once the coordinator answered. */
    AdminOutcome admin(String verb, List<String> args) throws IOException;

    /**
     * Every agent's own status, where it answers (for each agent's heartbeat slip counter, which
     * only the agent itself reports). Empty by default.
     */
    default List<StatusReport> statusOfEach() {
        return List.of();
    }

    /**
     * The fences the cluster's history holds (the answering agent's, which is the coordinator's
     * record when it coordinated them): a {@code fence} drill's expectation is checked against it.
     */
    default List<dev.vigil.control.HistoryReport.FenceRecord> fencing() throws IOException {
        return List.of();
    }

    /** The cluster file the agents run; its SHA-256 goes into the report. */
    String runningConfig() throws IOException;

    /**
     * Starts delivering every agent's events to {@code sink} (one thread per agent), each tagged
     * with the agent it came from, until the returned handle is closed. An agent that cannot be
     * reached or whose stream ends (its node crashed, which is the point of some drills) is
     * reported once through {@code sink} as an event of kind {@code stream} and not retried.
     */
    AutoCloseable events(Consumer<AgentEvent> sink);

    /** One event as an agent pushed it. */
    record AgentEvent(String agent, ControlEvent event) {}

    /**
     * The real cluster: {@code any} for requests (a client over several agents fails over on
     * connect), {@code perAgent} for events, one stream per agent so each node's detection shows.
     */
    static ClusterAccess over(ControlClient any, List<Named> perAgent) {
        return new ControlClusterAccess(any, perAgent);
    }

    /** An agent's own client and the name it is shown under (a node name, or its address). */
    record Named(String name, ControlClient client) {}
}
