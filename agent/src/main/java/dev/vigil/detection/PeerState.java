package dev.vigil.detection;

/**
 * A peer's liveness as this node sees it. The {@link #key()} strings are part of
 * {@code vigil status --json}.
 */
public enum PeerState {
    /** Never heard since this agent started, and initdead has not run out yet. */
    UNKNOWN("unknown"),
    /** Heard within warntime. */
    ALIVE("alive"),
    /** Silent for longer than warntime: a warning, still a member. */
    LATE("late"),
    /** Silent for longer than deadtime (or initdead, if never heard). */
    DEAD("dead"),
    /** Said it was stopping (SIGTERM): out without waiting for deadtime. */
    LEFT("left");

    private final String key;

    PeerState(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Whether a peer in this state counts in the membership view. */
    public boolean isMember() {
        return this == ALIVE || this == LATE;
    }
}
