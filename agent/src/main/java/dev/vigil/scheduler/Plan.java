package dev.vigil.scheduler;

import java.util.List;
import java.util.Map;

/**
 * The scheduler's answer: an ordered graph of actions, and where each resource will run once it is
 * carried out.
 *
 * @param actions   a valid serial order of the graph: every id in an action's
 *                  {@link PlannedAction#after} names an action earlier in this list; running them
 *                  one by one in this order is always correct, running independent ones in
 *                  parallel is too
 * @param placement where resources run once every action has succeeded: resource id → node for
 *                  each primitive and group member that will be running (a group's members all map
 *                  to the group's node; groups themselves have no entry), and
 *                  {@code id@node → node} for each running clone instance. A resource the plan
 *                  leaves alone (waiting for probes, blocked, frozen) appears where it runs now.
 *                  Resources that will not run have no entry.
 * @param notes     what cannot be done and why (no node can run a group, fencing needed, no quorum)
 * @param promoted  the instances of promotable clones that will be promoted, as {@code id@node}
 *                  (each also in {@code placement}), in node order
 */
public record Plan(List<PlannedAction> actions, Map<String, String> placement, List<String> notes,
                   List<String> promoted) {
    public Plan {
        actions = List.copyOf(actions);
        placement = Map.copyOf(placement);
        notes = List.copyOf(notes);
        promoted = List.copyOf(promoted);
    }

    /** Nothing promotable. */
    public Plan(List<PlannedAction> actions, Map<String, String> placement, List<String> notes) {
        this(actions, placement, notes, List.of());
    }

    public static final Plan EMPTY = new Plan(List.of(), Map.of(), List.of());
}
