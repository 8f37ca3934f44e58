package dev.vigil.resources;

/** What an operation asks of a resource agent. */
public enum Action {
    START("start"),
    STOP("stop"),
    /** Promotable clones: make this instance the promoted one. */
    PROMOTE("promote"),
    /** Promotable clones: back to unpromoted, before a stop or a move of the promoted role. */
    DEMOTE("demote"),
    /** Clones with notifications: what is about to happen, or just happened, to the instances. */
    NOTIFY("notify"),
    /** A (usually recurring) health check of a resource believed to be running. */
    MONITOR("monitor"),
    /** A one-off monitor, interval 0, to learn a resource's state when nothing is known about it. */
    PROBE("monitor"),
    META_DATA("meta-data"),
    VALIDATE_ALL("validate-all");

    private final String ocfName;

    Action(String ocfName) {
        this.ocfName = ocfName;
    }

    /** The action argument an OCF agent is called with. */
    public String ocfName() {
        return ocfName;
    }

    boolean isStatusCheck() {
        return this == MONITOR || this == PROBE;
    }
}
