package dev.vigil.coordination;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which operations the coordinator may dispatch while others are in flight: one operation per
 * resource at a time, cluster-wide, a clone's instances each on a lane of their own; and one
 * promote of a resource at a time, cluster-wide, whatever the instance. A plan is made from what
 * the nodes reported, in which a promote still running is not a promoted instance yet: without
 * the second rule the next plan promotes another instance (the soak found two promoted at once,
 * seed 20261230, after a partition healed).
 */
final class DispatchLanes {
    private final Predicate<String> cloned;
    private final Set<String> busy = new HashSet<>();

    /** @param cloned whether a resource id names a clone (its instances run side by side) */
    DispatchLanes(Predicate<String> cloned, Collection<DispatchedAction> inFlight) {
        this.cloned = cloned;
        inFlight.forEach(a -> take(a.resource(), a.node(), a.op()));
    }

    boolean free(String resource, String node, Operation op) {
        return !busy.contains(lane(resource, node)) && !(op == Operation.PROMOTE && busy.contains(promoting(resource)));
    }

    void take(String resource, String node, Operation op) {
        busy.add(lane(resource, node));
        if (op == Operation.PROMOTE) busy.add(promoting(resource));
    }

    private String lane(String resource, String node) {
        return cloned.test(resource) ? resource + "@" + node : resource;
    }

    private static String promoting(String resource) {
        return resource + " promoting";
    }
}
