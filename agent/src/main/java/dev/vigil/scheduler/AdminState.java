package dev.vigil.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What operators changed at run time, outside the cluster file: standby nodes, maintenance mode
 * and temporary placement rules from {@code vigil resource move|ban}, and the drills' lock and fire
 * log (docs/drills.md, "One drill at a time in the cluster"). The coordinator keeps it, gossips it
 * and each node persists it, so it survives the coordinator.
 *
 * @param version     grows with every change; the highest one wins when partitions merge
 * @param standby     nodes that must run nothing
 * @param maintenance the cluster leaves every resource alone (no starts, stops or monitors)
 * @param temporary   move/ban rules, removed by {@code vigil resource clear}
 * @param drill       the drill running now (null: none) anywhere in the cluster (the scheduler ignores it)
 * @param fires       per schedule entry, the latest scheduled fire time (epoch ms) a runner took:
 *                    fires of an entry only grow, so one instant per entry is the whole "never twice"
 */
public record AdminState(long version, Set<String> standby, boolean maintenance, List<TemporaryConstraint> temporary,
                         DrillLock drill, Map<String, Long> fires) {
    public static final AdminState INITIAL = new AdminState(0, Set.of(), false, List.of());

    public AdminState {
        standby = Set.copyOf(standby);
        temporary = List.copyOf(temporary);
        fires = fires == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(fires));
    }

    public AdminState(long version, Set<String> standby, boolean maintenance, List<TemporaryConstraint> temporary) {
        this(version, standby, maintenance, temporary, null, Map.of());
    }

    /** The drill lock, if one is recorded (its lease may have passed). */
    public Optional<DrillLock> drillLock() {
        return Optional.ofNullable(drill);
    }

    /** The next version with the placement half changed and the drills' half kept. */
    public AdminState changed(Set<String> standby, boolean maintenance, List<TemporaryConstraint> temporary) {
        return new AdminState(version + 1, standby, maintenance, temporary, drill, fires);
    }

    /** The next version with the drills' half changed. */
    public AdminState withDrills(Optional<DrillLock> drill, Map<String, Long> fires) {
        return new AdminState(version + 1, standby, maintenance, temporary, drill.orElse(null), fires);
    }

    /**
     * {@code vigil resource move TARGET NODE} (run there) or {@code vigil resource ban TARGET NODE}
     * (never there). Target names a resource or group.
     */
    public record TemporaryConstraint(String target, String node, Kind kind) {
        public enum Kind { MOVE, BAN }
    }

    /**
     * The one drill running in the cluster. Its lease is a wall-clock instant so that it means the
     * same to the next coordinator (nodes keep NTP time; the lease is minutes, the offsets milliseconds).
     *
     * @param runId        the drill run's id (its report's id)
     * @param drill        the drill's name
     * @param runner       who runs it (host and process, or the schedule runner's name)
     * @param fire         the schedule fire it runs ({@code entry@epochMs}), empty when run by hand
     * @param sinceMs      when the coordinator granted it (epoch ms)
     * @param leaseUntilMs past this the lock is free again, so a runner that died does not hold it for
     *                     ever; the runner renews it while it lives ({@code drill-renew})
     * @param abortBy      who asked the drill to abort ({@code drill-abort}, from any machine), empty when
     *                     nobody did: the runner watches the status, sees it, aborts and restores
     */
    public record DrillLock(String runId, String drill, String runner, String fire, long sinceMs, long leaseUntilMs,
                            String abortBy) {
        public DrillLock {
            fire = fire == null ? "" : fire;
            abortBy = abortBy == null ? "" : abortBy;
        }

        public DrillLock(String runId, String drill, String runner, String fire, long sinceMs, long leaseUntilMs) {
            this(runId, drill, runner, fire, sinceMs, leaseUntilMs, "");
        }
    }
}
