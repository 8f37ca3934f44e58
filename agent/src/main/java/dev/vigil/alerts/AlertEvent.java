package dev.vigil.alerts;

import dev.vigil.config.AlertTopic;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something an operator should hear about, as the agent saw it.
 *
 * @param topic    what happened; alerts choose by it
 * @param at       wall-clock time the agent noticed it
 * @param node     the node it is about (the dead node, the node a resource started on), or null
 * @param resource the resource it is about, or null
 * @param task     the operation: for resources start, stop, monitor or move; for fencing the action
 *                 (reboot, off); null otherwise
 * @param rc       the operation's return code (OCF for resources, the fence agent's exit), 0 when none
 * @param message  one line for people, as the agent's log says it
 * @param details  more facts by name (for a move: from, to); goes into the webhook's JSON as is
 */
public record AlertEvent(AlertTopic topic, Instant at, String node, String resource, String task, int rc,
                         String message, Map<String, String> details) {

    public AlertEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(details);
    }

    /** An event about a node only. */
    public static AlertEvent about(AlertTopic topic, Instant at, String node, String message) {
        return new AlertEvent(topic, at, node, null, null, 0, message, Map.of());
    }
}
