package dev.vigil.tui;

import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.config.ClusterConfig;
import dev.vigil.control.StatusReport;
import java.time.Instant;
import java.util.List;

/**
 * Everything a page may show, as of one frame: the latest status (null until the agent first
 * answers), the events seen so far, who is looking, the cluster file when the console was given
 * one (for resource parameters; may be null), and why the agent is not answering if it is not.
 */
public record Context(StatusReport status, List<ClusterEvent> events, Operator operator, AuditLog audit,
                      Screens screens, ClusterConfig config, String problem, Instant now) {
    public Context {
        events = List.copyOf(events);
    }
}
