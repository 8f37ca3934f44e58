package dev.vigil.scheduler;

import dev.vigil.model.ActionKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step of a plan.
 *
 * @param id       stable and readable, e.g. {@code web:start@ha2} or {@code ha1:fence}
 * @param resource empty for fencing
 * @param node     where it runs (for fencing: the node to fence; the coordinator runs the agent)
 * @param after    ids of actions that must have succeeded first
 * @param reason   why, for the log and {@code vigil status}
 * @param meta     for a clone notification: the OCF_RESKEY_CRM_meta_notify_* variables (without the
 *                 {@code OCF_RESKEY_CRM_meta_} prefix) its agent gets; empty for every other action
 */
public record PlannedAction(String id, ActionKind kind, Optional<String> resource, String node, List<String> after,
        String reason, Map<String, String> meta) {
    public PlannedAction {
        after = List.copyOf(after);
        meta = Map.copyOf(meta);
    }

    public PlannedAction(String id, ActionKind kind, Optional<String> resource, String node, List<String> after,
            String reason) {
        this(id, kind, resource, node, after, reason, Map.of());
    }
}
