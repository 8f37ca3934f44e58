package dev.vigil.quorum;

/**
 * Whether this partition may run resources, and why (for the log and {@code vigil status}).
 *
 * @param hold when not empty, the coordinator decides nothing (starts, stops and moves nothing)
 *             and shows this as what it waits for: the arbitrator has not decided yet, or it gave
 *             this partition its vote and the other side may still be stopping (docs/arbitrator.md)
 */
public record Quorum(boolean quorate, String reason, String hold) {
    public Quorum {
        hold = hold == null ? "" : hold;
    }

    public Quorum(boolean quorate, String reason) {
        this(quorate, reason, "");
    }
}
