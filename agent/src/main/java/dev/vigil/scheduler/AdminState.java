package dev.vigil.scheduler;

import java.util.List;
import java.util.Set;

/**
 * What operators changed at run time, outside the cluster file: standby nodes, maintenance mode
 * and temporary placement rules from {@code vigil resource move|ban}. The coordinator keeps it,
 * gossips it and each node persists it, so it survives the coordinator.
 *
 * @param version     grows with every change; the highest one wins when partitions merge
 * @param standby     nodes that must run nothing
 * @param maintenance the cluster leaves every resource alone (no starts, stops or monitors)
 * @param temporary   move/ban rules, removed by {@code vigil resource clear}
 */
public record AdminState(long version, Set<String> standby, boolean maintenance, List<TemporaryConstraint> temporary) {
    public static final AdminState INITIAL = new AdminState(0, Set.of(), false, List.of());

    public AdminState {
        standby = Set.copyOf(standby);
        temporary = List.copyOf(temporary);
    }

    /**
     * {@code vigil resource move TARGET NODE} (run there) or {@code vigil resource ban TARGET NODE}
     * (never there). Target names a resource or a group.
     */
    public record TemporaryConstraint(String target, String node, Kind kind) {
        public enum Kind { MOVE, BAN }
    }
}
