package dev.vigil.tui;

import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the text UI needs from the cluster: the status, the operator verbs, and a feed of fresh
 * statuses. The UI never knows whether this is the local Unix socket, the agents' TCP channel or
 * a test double, so the SSH server can host it unchanged over any of them.
 */
public interface ConsoleBackend {
    StatusReport status() throws IOException;

    /** An operator verb (move, ban, clear, restart, cleanup, standby, online, maintenance-on|off). */
    ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException;

    /**
     * Pushes a fresh status on every change, the current one first as soon as it is known; closing
     * the handle stops the pushes. The consumer is called from the backend's thread and must not block.
     */
    AutoCloseable subscribe(Consumer<StatusReport> onStatus);
}
