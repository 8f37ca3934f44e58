package dev.vigil.scheduler;

/** What the scheduler may assume about a node. */
public enum NodeCondition {
    /** A member of this partition: it runs what it reports and can run more. */
    ONLINE,
    /** Known to run nothing: it left cleanly, never came up, or was fenced. */
    OFFLINE,
    /**
     * Declared dead without leaving: it may still run its resources (a frozen process, a cut
     * cable). With fencing configured it must be fenced before its resources start elsewhere.
     */
    LOST
}
