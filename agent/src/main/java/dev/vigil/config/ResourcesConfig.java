package dev.vigil.config;

import dev.vigil.model.FenceDevice;
import java.util.List;
import java.util.Optional;

/**
 * The policy half of the cluster file: what runs where and what happens when it fails. The
 * scheduler needs only this (and the node names), never the transport half.
 *
 * @param resources   every resource, groups' members included, in file order
 * @param groups      groups, in file order
 * @param constraints location, colocation and ordering rules
 * @param policy      cluster-wide behaviour
 * @param fencing     fence devices, tried in order; empty means no fencing
 * @param ping        addresses whose reachability counts (a node that cannot reach any is a poor
 *                    home for resources; in a two-node cluster they break the tie)
 * @param alerts      where the cluster tells people what happened ({@code alerts:}, docs/alerts.md)
 * @param watchdog    self-fencing by a watchdog device ({@code watchdog:}, docs/fencing.md); empty when off
 */
public record ResourcesConfig(
        List<ResourceSpec> resources,
        List<GroupSpec> groups,
        List<Constraint> constraints,
        Policy policy,
        List<FenceDevice> fencing,
        List<String> ping,
        List<AlertSpec> alerts,
        Optional<WatchdogSpec> watchdog) {

    public static final ResourcesConfig EMPTY =
            new ResourcesConfig(List.of(), List.of(), List.of(), Policy.DEFAULTS, List.of(), List.of());

    /** Without alerts. */
    public ResourcesConfig(List<ResourceSpec> resources, List<GroupSpec> groups, List<Constraint> constraints,
                           Policy policy, List<FenceDevice> fencing, List<String> ping) {
        this(resources, groups, constraints, policy, fencing, ping, List.of());
    }

    /** Without a watchdog. */
    public ResourcesConfig(List<ResourceSpec> resources, List<GroupSpec> groups, List<Constraint> constraints,
                           Policy policy, List<FenceDevice> fencing, List<String> ping, List<AlertSpec> alerts) {
        this(resources, groups, constraints, policy, fencing, ping, alerts, Optional.empty());
    }

    public ResourcesConfig {
        resources = List.copyOf(resources);
        groups = List.copyOf(groups);
        constraints = List.copyOf(constraints);
        fencing = List.copyOf(fencing);
        ping = List.copyOf(ping);
        alerts = List.copyOf(alerts);
        watchdog = watchdog == null ? Optional.empty() : watchdog;
    }

    public Optional<ResourceSpec> resource(String id) {
        return resources.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    public Optional<GroupSpec> group(String id) {
        return groups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The group a resource belongs to, if any. */
    public Optional<GroupSpec> groupOf(String resourceId) {
        return groups.stream().filter(g -> g.members().contains(resourceId)).findFirst();
    }

    public boolean fencingConfigured() {
        return !fencing.isEmpty();
    }
}
