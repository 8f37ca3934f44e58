package dev.vigil.model;

/** What a planned action does. */
public enum ActionKind {
    /** Run the agent's monitor once to learn the resource's state on a node (Pacemaker's probe). */
    PROBE,
    STOP,
    START,
    /** Power off (fence) a node; its resources are stopped once it succeeds. */
    FENCE
}
