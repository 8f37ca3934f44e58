package dev.vigil.scheduler;

import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ResourceStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the scheduler decides from. Nothing else: no clock, no I/O. Missing entries in
 * {@code statuses} mean {@link ResourceStatus#UNKNOWN}; missing failures mean none.
 *
 * @param nodes    every configured node, in file order (the order breaks ties); a node is in
 *                 standby if {@link NodeInfo#standby} or {@link AdminState#standby} says so
 * @param quorate  this partition has quorum (votes or a tie-breaker), as membership computes it,
 *                 with {@code no_quorum} NOT folded in: the scheduler applies
 *                 {@link dev.vigil.config.Policy#noQuorum} itself when this is false
 * @param now      for expiring failures by {@code failure_timeout}
 */
public record SchedulerInput(
        ResourcesConfig config,
        List<NodeInfo> nodes,
        boolean quorate,
        Map<ResourceOnNode, ResourceStatus> statuses,
        Map<ResourceOnNode, Failures> failures,
        AdminState admin,
        Instant now) {

    public SchedulerInput {
        nodes = List.copyOf(nodes);
        statuses = Map.copyOf(statuses);
        failures = Map.copyOf(failures);
    }

    public ResourceStatus status(String resource, String node) {
        return statuses.getOrDefault(new ResourceOnNode(resource, node), ResourceStatus.UNKNOWN);
    }
}
