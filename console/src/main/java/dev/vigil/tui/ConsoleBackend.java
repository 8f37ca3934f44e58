package dev.vigil.tui;

import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the text UI needs from the cluster: the status, the operator verbs, and a feed of fresh
 * statuses. The UI never knows whether this is the local Unix socket, the agents' TCP channel or
 * a test double, so the SSH server can host it unchanged over any of them.
 */
public interface ConsoleBackend {
    StatusReport status() throws IOException;

    /**
     * The operations, fences and event log the agent keeps (they outlive this console's sessions
     * and the agent's restarts); null from a backend without one (test doubles, old agents).
     */
    default dev.vigil.control.HistoryReport history() throws IOException {
        return null;
    }

    /** An operator verb (move, ban, clear, restart, cleanup, standby, online, maintenance-on|off). */
    ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException;

    /**
     * Pushes a fresh status on every change, the current one first as soon as it is known; closing
     * the handle stops the pushes. The consumer is called from the backend's thread and must not block.
     */
    AutoCloseable subscribe(Consumer<StatusReport> onStatus);

    /**
     * The console lost its agent and has no current status: since when, the time of the last good
     * status (null if none came yet), which agent it lost (null if it never had one), why, and what
     * it is doing about it. The UI shows the cluster as stale while this is present.
     */
    record Outage(Instant since, Instant lastGood, String agent, String why, String trying) {}

    /** The console follows another agent than before: it lost {@code from} at {@code at}, and now follows {@code to}. */
    record Failover(Instant at, String from, String to) {}

    /** Present while no agent streams statuses; doubles that cannot lose their agent keep the default. */
    default Optional<Outage> outage() {
        return Optional.empty();
    }

    /** The last time the console moved to another agent, if it ever did. */
    default Optional<Failover> lastFailover() {
        return Optional.empty();
    }
}
