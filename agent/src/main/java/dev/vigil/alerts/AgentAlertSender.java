package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import java.time.ZoneId;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * {@code kind: agent}: runs a Pacemaker alert agent with the CRM_alert_* environment
 * ({@link CrmAlertEnvironment}), in its own session, killed with its children at the timeout.
 */
final class AgentAlertSender implements AlertSender {
    private final ToIntFunction<String> nodeIds;
    private final ZoneId zone;

    /** @param nodeIds a node's CRM_alert_nodeid (its position in the cluster file from 1; 0 unknown) */
    AgentAlertSender(ToIntFunction<String> nodeIds, ZoneId zone) {
        this.nodeIds = nodeIds;
        this.zone = zone;
    }

    @Override
    public void send(AlertSpec spec, Delivery d) throws AlertFailure, InterruptedException {
        var env = CrmAlertEnvironment.of(d, spec.timestampFormat(),
                d.event().node() == null ? 0 : nodeIds.applyAsInt(d.event().node()), zone);
        SessionCommand.run(List.of(spec.path().orElseThrow().toString()), env, spec.timeout(),
                "alert " + spec.name() + d.recipient().map(r -> " to " + r).orElse(""));
    }
}
