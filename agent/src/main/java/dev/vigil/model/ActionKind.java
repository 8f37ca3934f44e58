package dev.vigil.model;

/** What a planned action does. */
public enum ActionKind {
    /** Run the agent's monitor once to learn the resource's state on a node (Pacemaker's probe). */
    PROBE,
    STOP,
    START,
    /** Make a started instance of a promotable clone the promoted one (the agent's {@code promote}). */
    PROMOTE,
    /** Take a promoted instance back to unpromoted (the agent's {@code demote}); before it stops or moves. */
    DEMOTE,
    /** Tell every instance of a clone with {@code notify: true} what is about to happen, or just happened. */
    NOTIFY,
    /** Power off (fence) a node; its resources are stopped once it succeeds. */
    FENCE
}
