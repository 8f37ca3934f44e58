package dev.vigil.config;

import java.time.Duration;

/**
 * Cluster-wide behaviour.
 *
 * @param autoFailback       heartbeat's auto_failback: a group returns to its preferred node when that
 *                           node comes back. Off means resources stick where they run (stickiness
 *                           above any preference).
 * @param noQuorum           what a partition without quorum does with its resources
 * @param migrationThreshold failures on one node after which a resource leaves it (0 = never)
 * @param failureTimeout     failures older than this are forgotten (zero = never)
 * @param stickiness         score for staying where a resource already runs
 * @param preferScore        score a group's {@code prefer:} node gets
 * @param twoNodeUnsafe      the operator accepts a two-node cluster with neither fencing nor a ping
 *                           tie-breaker, knowing both halves of a split will run the resources
 * @param priorityFencingDelay Pacemaker's priority-fencing-delay: in a partition without a majority,
 *                           fencing the node that runs the resources of the highest total priority
 *                           waits this long, so that node wins a fence race (zero = off); see
 *                           {@code dev.vigil.scheduler.FencingPriority}
 */
public record Policy(
        boolean autoFailback,
        NoQuorumPolicy noQuorum,
        int migrationThreshold,
        Duration failureTimeout,
        int stickiness,
        int preferScore,
        boolean twoNodeUnsafe,
        Duration priorityFencingDelay) {

    public Policy {
        java.util.Objects.requireNonNull(priorityFencingDelay, "priorityFencingDelay");
    }

    /** Without a priority fencing delay. */
    public Policy(boolean autoFailback, NoQuorumPolicy noQuorum, int migrationThreshold, Duration failureTimeout,
            int stickiness, int preferScore, boolean twoNodeUnsafe) {
        this(autoFailback, noQuorum, migrationThreshold, failureTimeout, stickiness, preferScore, twoNodeUnsafe,
                Duration.ZERO);
    }

    public static final Policy DEFAULTS =
            new Policy(true, NoQuorumPolicy.STOP, 3, Duration.ofMinutes(10), 0, 100, false);

    /** What a partition without quorum does (Pacemaker's no-quorum-policy). */
    public enum NoQuorumPolicy {
        /** Stop every resource it runs (within deadtime of losing quorum). */
        STOP,
        /** Keep what runs, start nothing new, move nothing. */
        FREEZE,
        /** Act as if it had quorum. */
        IGNORE;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
