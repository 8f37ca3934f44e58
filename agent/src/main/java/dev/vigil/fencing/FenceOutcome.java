package dev.vigil.fencing;

/** How a fence operation ended. POWERED_ON/POWERED_OFF are the answers of a successful STATUS. */
public enum FenceOutcome {
    SUCCESS, FAILED, TIMED_OUT, NOT_INSTALLED, POWERED_ON, POWERED_OFF;

    /** Whether the agent did what was asked (a status that got an answer counts). */
    public boolean succeeded() {
        return this == SUCCESS || this == POWERED_ON || this == POWERED_OFF;
    }
}
