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
    STOP_FAILED
}
