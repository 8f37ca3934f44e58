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
 * one (for resource parameters; may be null), why the agent is not answering if it is not, and the
 * history the agent keeps (null until fetched, or from an agent without one).
 */
public record Context(StatusReport status, List<ClusterEvent> events, Operator operator, AuditLog audit,
                      Screens screens, ClusterConfig config, String problem, Instant now,
                      dev.vigil.control.HistoryReport history) {
    public Context {
        events = List.copyOf(events);
    }

    /** Without the agent's history (not fetched yet, or none). */
    public Context(StatusReport status, List<ClusterEvent> events, Operator operator, AuditLog audit,
                   Screens screens, ClusterConfig config, String problem, Instant now) {
        this(status, events, operator, audit, screens, config, problem, now, null);
    }
}
