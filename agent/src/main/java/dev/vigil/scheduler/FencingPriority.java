package dev.vigil.scheduler;

import dev.vigil.config.GroupSpec;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.FenceDelay;
import dev.vigil.model.ResourceStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pacemaker's {@code priority-fencing-delay}: who wins a fence race between the halves of a split.
 * A pure function of the configuration, the nodes' conditions and what each node last reported.
 *
 * <p>A node's priority is the sum of the {@code priority} of the resources active on it (started,
 * failed or failed to stop; each clone instance counts on its node) plus the {@code priority} of
 * each group with a member active on it, counted once per group. (Pacemaker gives a group's
 * priority to each member, so a three-member group counts three times there; here a group counts
 * once, which is what an operator who gives one group 10 and another 5 means.)
 *
 * <p>Fencing node N waits {@code policy.priority_fencing_delay} when, as in Pacemaker's
 * {@code node_priority_fencing_delay()}: the delay is set; N is not online here (a node fenced
 * from inside the partition, for a failed stop, never waits); this partition holds no more than
 * half of the configured nodes (a majority has no race to win); the nodes' priorities are not all
 * equal; and N's priority is the highest. So in a two-node split the node running the more
 * important resources fences at once, and the other side waits: the first one wins. Device delays
 * ({@code delay_base}/{@code delay_max}) come on top, as in Pacemaker.
 */
public final class FencingPriority {
    private final Duration configured;
    private final Map<String, Integer> priorities;
    private final Map<String, NodeCondition> conditions;

    private FencingPriority(Duration configured, Map<String, Integer> priorities, Map<String, NodeCondition> conditions) {
        this.configured = configured;
        this.priorities = priorities;
        this.conditions = conditions;
    }

    /** From the scheduler's input: lost nodes weigh by what they last reported ({@link SchedulerInput#knownStatus}). */
    public static FencingPriority of(SchedulerInput in) {
        var conditions = new LinkedHashMap<String, NodeCondition>();
        in.nodes().forEach(n -> conditions.put(n.name(), n.condition()));
        var priorities = new LinkedHashMap<String, Integer>();
        for (String node : conditions.keySet()) {
            priorities.put(node, priorityOf(in.config(), node, in::knownStatus));
        }
        return new FencingPriority(in.config().policy().priorityFencingDelay(), priorities, conditions);
    }

    /** What the resources active on {@code node} make it worth. */
    static int priorityOf(ResourcesConfig cfg, String node, StatusLookup status) {
        int sum = 0;
        for (ResourceSpec r : cfg.resources()) {
            if (active(status.of(r.id(), node))) {
                sum += r.priority();
            }
        }
        for (GroupSpec g : cfg.groups()) {
            if (g.members().stream().anyMatch(m -> active(status.of(m, node)))) {
                sum += g.priority();
            }
        }
        return sum;
    }

    /** A node's resource states, by resource id and node. */
    @FunctionalInterface
    interface StatusLookup {
        ResourceStatus of(String resource, String node);
    }

    private static boolean active(ResourceStatus s) {
        return s.isStarted() || s == ResourceStatus.FAILED || s == ResourceStatus.FAILED_PROMOTED
                || s == ResourceStatus.STOP_FAILED;
    }

    public int priority(String node) {
        return priorities.getOrDefault(node, 0);
    }

    /** Every node's priority, in node order. */
    public Map<String, Integer> priorities() {
        return java.util.Collections.unmodifiableMap(priorities);
    }

    /** How long fencing {@code node} waits before its devices run (their own delays come on top). */
    public Duration delayFor(String node) {
        return why(node).isPresent() ? configured : Duration.ZERO;
    }

    /** Why fencing {@code node} waits, in words; empty when it does not. */
    public Optional<String> why(String node) {
        if (configured.isZero() || !conditions.containsKey(node) || conditions.get(node) == NodeCondition.ONLINE) {
            return Optional.empty();
        }
        long online = conditions.values().stream().filter(c -> c == NodeCondition.ONLINE).count();
        if (online > conditions.size() / 2) {
            return Optional.empty();
        }
        int top = priorities.values().stream().max(Integer::compare).orElse(0);
        int bottom = priorities.values().stream().min(Integer::compare).orElse(0);
        if (top == bottom || priority(node) < top) {
            return Optional.empty();
        }
        return Optional.of("priority_fencing_delay " + FenceDelay.words(configured) + ": " + node
                + " has the highest priority, " + top);
    }

    /** A fence's reason, with the wait when there is one: {@code ha1 lost; waits priority_fencing_delay 5s: ...}. */
    public String reason(String node, String why) {
        return why + why(node).map(w -> "; waits " + w).orElse("");
    }

    /**
     * What {@link #delayFor} would say of {@code node} if it alone were lost and every other node
     * were online, with today's priorities: the case {@code vigil status} shows (in a two-node
     * cluster, a cut cable).
     */
    public Duration delayIfLost(String node) {
        var split = new LinkedHashMap<String, NodeCondition>();
        conditions.keySet().forEach(n -> split.put(n, n.equals(node) ? NodeCondition.LOST : NodeCondition.ONLINE));
        return new FencingPriority(configured, priorities, split).delayFor(node);
    }

    /** Node names in order, for callers that list every node. */
    public List<String> nodes() {
        return List.copyOf(conditions.keySet());
    }
}
