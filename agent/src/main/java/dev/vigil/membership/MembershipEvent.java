package dev.vigil.membership;

import java.time.Instant;

/**
 * What listeners are told, in order.
 *
 * @param viewNumber the view number after this event
 */
public record MembershipEvent(Kind kind, String node, long incarnation, long viewNumber, Instant at) {

    public enum Kind {
        /** Became a member: first heard, or back after dead/left. Changes the view. */
        JOINED,
        /** Silent past warntime; still a member. */
        LATE,
        /** Heard again after being late. */
        RECOVERED,
        /** Silent past deadtime (or never heard within initdead). Changes the view if it was a member. */
        DEAD,
        /** Stopped on purpose and said so. Changes the view. */
        LEFT,
        /** Its agent restarted (new incarnation) before anyone declared it dead. Changes the view. */
        RESTARTED
    }
}
