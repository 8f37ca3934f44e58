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
 * @param lastKnown what nodes outside this partition last reported, before they were lost; used
 *                 only to weigh them in a fence race ({@link FencingPriority}), never as a fact
 *                 about what they run now (their entries in {@code statuses} stay unknown)
 * @param selfFencing when lost nodes were lost and whether this quorum is exclusive, for the watchdog
 *                 rule ({@link SelfFencing})
 * @param attributes node → attribute name → value: the node attributes the agents set with
 *                 {@code crm_attribute} / {@code crm_master}, of nodes in this partition; a
 *                 promotable clone's promotion score on a node is its {@code master-<id>}
 */
public record SchedulerInput(
        ResourcesConfig config,
        List<NodeInfo> nodes,
        boolean quorate,
        Map<ResourceOnNode, ResourceStatus> statuses,
        Map<ResourceOnNode, Failures> failures,
        AdminState admin,
        Instant now,
        Map<ResourceOnNode, ResourceStatus> lastKnown,
        SelfFencingInput selfFencing,
        Map<String, Map<String, String>> attributes) {

    public SchedulerInput {
        selfFencing = selfFencing == null ? SelfFencingInput.NONE : selfFencing;
        nodes = List.copyOf(nodes);
        statuses = Map.copyOf(statuses);
        failures = Map.copyOf(failures);
        lastKnown = Map.copyOf(lastKnown);
        var copy = new java.util.HashMap<String, Map<String, String>>();
        (attributes == null ? Map.<String, Map<String, String>>of() : attributes).forEach((n, a) -> copy.put(n, Map.copyOf(a)));
        attributes = Map.copyOf(copy);
    }

    /** Without the watchdog rule's facts or node attributes. */
    public SchedulerInput(ResourcesConfig config, List<NodeInfo> nodes, boolean quorate,
            Map<ResourceOnNode, ResourceStatus> statuses, Map<ResourceOnNode, Failures> failures, AdminState admin,
            Instant now, Map<ResourceOnNode, ResourceStatus> lastKnown) {
        this(config, nodes, quorate, statuses, failures, admin, now, lastKnown, SelfFencingInput.NONE, Map.of());
    }

    /** Nothing known beyond {@code statuses} (the scenarios state lost nodes' last statuses there). */
    public SchedulerInput(ResourcesConfig config, List<NodeInfo> nodes, boolean quorate,
            Map<ResourceOnNode, ResourceStatus> statuses, Map<ResourceOnNode, Failures> failures, AdminState admin,
            Instant now) {
        this(config, nodes, quorate, statuses, failures, admin, now, Map.of(), SelfFencingInput.NONE, Map.of());
    }

    /** A node attribute, if that node has it. */
    public java.util.Optional<String> attribute(String node, String name) {
        return java.util.Optional.ofNullable(attributes.getOrDefault(node, Map.of()).get(name));
    }

    public ResourceStatus status(String resource, String node) {
        return statuses.getOrDefault(new ResourceOnNode(resource, node), ResourceStatus.UNKNOWN);
    }

    /** The status, or else what the node last reported before it was lost. */
    public ResourceStatus knownStatus(String resource, String node) {
        var key = new ResourceOnNode(resource, node);
        ResourceStatus s = statuses.get(key);
        return s != null ? s : lastKnown.getOrDefault(key, ResourceStatus.UNKNOWN);
    }
}
