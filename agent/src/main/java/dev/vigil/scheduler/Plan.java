package dev.vigil.scheduler;

import java.util.List;
import java.util.Map;

/**
 * The scheduler's answer: an ordered graph of actions, and where each resource will run once it is
 * carried out.
 *
 * @param actions   in an order that respects {@link PlannedAction#after} (a valid serial order)
 * @param placement resource id → node for every resource that will be running; clones map
 *                  {@code id} to a comma-separated list is avoided: a clone's instances appear as
 *                  {@code id@node → node}
 * @param notes     what cannot be done and why (no node can run a group, fencing needed, no quorum)
 */
public record Plan(List<PlannedAction> actions, Map<String, String> placement, List<String> notes) {
    public Plan {
        actions = List.copyOf(actions);
        placement = Map.copyOf(placement);
        notes = List.copyOf(notes);
    }

    public static final Plan EMPTY = new Plan(List.of(), Map.of(), List.of());
}
