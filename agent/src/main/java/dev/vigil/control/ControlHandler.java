package dev.vigil.control;

import java.util.List;

/** What the agent offers over its control socket. */
public interface ControlHandler {
    StatusReport status();

    /**
     * Passes an operator verb to the coordinator and waits for the outcome. Blocks for as long
     * as the cluster needs to settle (bounded by the coordinator's deadline).
     */
    ControlProtocol.AdminOutcome admin(String verb, List<String> args);

    /** {@code vigil config apply}: validate, adopt and distribute; answers once every member runs it. */
    ControlProtocol.AdminOutcome applyConfig(String text);
}
