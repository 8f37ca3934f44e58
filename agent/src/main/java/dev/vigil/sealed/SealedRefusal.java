package dev.vigil.sealed;

import java.io.IOException;

/**
 * A frame or handshake this side refused: the connection is unusable afterwards (the two sides'
 * sequence numbers no longer agree) and must be closed. {@link #reason()} is what was counted.
 */
public final class SealedRefusal extends IOException {
    private final SealedCounters.Reason reason;

    public SealedRefusal(SealedCounters.Reason reason, String message) {
        super(reason.word() + ": " + message);
        this.reason = reason;
    }

    public SealedCounters.Reason reason() {
        return reason;
    }
}
