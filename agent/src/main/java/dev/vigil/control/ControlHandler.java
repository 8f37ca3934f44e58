package dev.vigil.control;

/** What the agent offers over its control socket. Grows with later features (resources, operations). */
public interface ControlHandler {
    StatusReport status();
}
