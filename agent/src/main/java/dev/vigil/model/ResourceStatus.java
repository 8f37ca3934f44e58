package dev.vigil.model;

/** The last known state of one resource on one node, as that node's executor reports it. */
public enum ResourceStatus {
    /** Not probed yet (a new coordinator, a node that just joined): nothing may be decided on it. */
    UNKNOWN,
    STOPPED,
    STARTED,
    /** A start or monitor failed: it may be half running and must be stopped before it runs anywhere. */
    FAILED,
    /** A stop failed or timed out: the node is unclean and only fencing makes the resource safe. */
    STOP_FAILED,
    // Promotable clones' states come last: the ordinals above stay what they were.
    /**
     * Started and promoted: the instance of a promotable clone that its agent's monitor reports
     * as {@code OCF_RUNNING_PROMOTED} (8). Everything that holds for {@link #STARTED} holds for it.
     */
    PROMOTED,
    /**
     * A promoted instance failed (OCF_FAILED_PROMOTED, 9, or any failure of a promote or of a
     * promoted instance's monitor): like {@link #FAILED}, and it is demoted before it is stopped,
     * since a promotable agent's stop expects an unpromoted instance.
     */
    FAILED_PROMOTED;

    /** Running healthily, in any role. */
    public boolean isStarted() {
        return this == STARTED || this == PROMOTED;
    }
}
