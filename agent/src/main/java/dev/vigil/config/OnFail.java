package dev.vigil.config;

/** What a failed monitor or start of a resource leads to (Pacemaker's {@code on-fail}). */
public enum OnFail {
    /** Stop and start it again where it is; after {@code migration_threshold} failures, move it. */
    RESTART,
    /** Move it to another node at once (the failing node is banned until cleanup or failure_timeout). */
    MOVE,
    /** Leave it as it is and do nothing more with it until an operator cleans it up. */
    BLOCK,
    /** Fence the node it failed on. */
    FENCE,
    /** Stop it and leave it stopped. */
    STOP,
    /** Record the failure and carry on. */
    IGNORE;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
