package dev.vigil.control;

import java.io.IOException;

/** A frame the control channel must refuse; {@link #refusal()} says why, the message gives detail for the log. */
public final class FrameException extends IOException {
    private final Refusal refusal;

    public FrameException(Refusal refusal, String detail) {
        super(refusal.message() + ": " + detail);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
