package dev.vigil.scheduler;

import dev.vigil.config.OnFail;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ResourceStatus;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the scheduler's input says about nodes and about each resource on each node: conditions,
 * standby, which reports are trusted, statuses read through {@code on_fail: ignore}, failcounts
 * expired by {@code failure_timeout}, and where a unit runs now.
 *
 * <p>Trust depends on one decision of the plan: a node about to be fenced is not trusted. So this
 * reads the fencing phase's decisions, which it is given as a live map.
 */
final class NodeFacts {
    private final SchedulerInput in;
    private final Policy policy;
    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    private final Map<String, String> fences;
    /** Every configured node, in file order: the order that breaks ties. */
    final List<String> nodeNames;

    /** @param fences node → why it is fenced, as {@link FencingPhase} decides it */
    NodeFacts(SchedulerInput in, Map<String, String> fences) {
        this.in = in;
        this.policy = in.config().policy();
        this.fences = fences;
        for (NodeInfo n : in.nodes()) {
            nodes.put(n.name(), n);
        }
        this.nodeNames = List.copyOf(nodes.keySet());
    }

    NodeInfo node(String name) {
        return nodes.get(name);
    }

    boolean standby(String node) {
        NodeInfo n = nodes.get(node);
        return (n != null && n.standby()) || in.admin().standby().contains(node);
    }

    /** Its statuses are facts: online and not about to be fenced. */
    boolean trusted(String node) {
        return nodes.get(node).condition() == NodeCondition.ONLINE && !fences.containsKey(node);
    }

    List<String> trustedNodes() {
        return nodeNames.stream().filter(this::trusted).toList();
    }

    ResourceStatus status(ResourceSpec r, String node) {
        return in.status(r.id(), node);
    }

    boolean healthy(ResourceSpec r, String node) {
        ResourceStatus s = status(r, node);
        return s.isStarted() || ((s == ResourceStatus.FAILED || s == ResourceStatus.FAILED_PROMOTED)
                && r.onFail() == OnFail.IGNORE);
    }

    boolean failed(ResourceSpec r, String node) {
        ResourceStatus s = status(r, node);
        return (s == ResourceStatus.FAILED || s == ResourceStatus.FAILED_PROMOTED) && r.onFail() != OnFail.IGNORE;
    }

    boolean running(ResourceSpec r, String node) {
        return healthy(r, node) || failed(r, node);
    }

    /** Any node's report, trusted or not: for saying why something moves. */
    boolean wasRunning(ResourceSpec r, String n) {
        ResourceStatus s = status(r, n);
        return s.isStarted() || s == ResourceStatus.FAILED || s == ResourceStatus.FAILED_PROMOTED
                || s == ResourceStatus.STOP_FAILED;
    }

    /** A promotable clone's instance reported promoted there (trusted or not), healthy or failed. */
    boolean promoted(ResourceSpec r, String n) {
        ResourceStatus s = status(r, n);
        return s == ResourceStatus.PROMOTED || s == ResourceStatus.FAILED_PROMOTED;
    }

    int failcount(ResourceSpec r, String node) {
        Failures f = in.failures().get(new ResourceOnNode(r.id(), node));
        if (f == null) {
            return 0;
        }
        boolean expired = !policy.failureTimeout().isZero()
                && !in.now().isBefore(f.last().plus(policy.failureTimeout()));
        return expired ? 0 : f.count();
    }

    List<String> inNodeOrder(Collection<String> names) {
        return nodeNames.stream().filter(names::contains).toList();
    }

    /** Where the unit runs now on trusted nodes, for units the plan leaves alone. */
    List<String> currentNodes(Unit u) {
        return trustedNodes().stream().filter(n -> u.members().stream().anyMatch(m -> running(m, n)
                || status(m, n) == ResourceStatus.STOP_FAILED)).toList();
    }

    /** The node a non-clone unit runs on now: most members there, then file order. */
    Optional<String> currentNode(Unit u, boolean trustedOnly) {
        String best = null;
        long bestCount = 0;
        for (String n : nodeNames) {
            if (trustedOnly && !trusted(n)) {
                continue;
            }
            long count = u.members().stream().filter(m -> trustedOnly ? running(m, n) : wasRunning(m, n)).count();
            if (count > bestCount) {
                best = n;
                bestCount = count;
            }
        }
        return Optional.ofNullable(best);
    }
}
