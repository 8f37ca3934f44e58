package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import java.time.Duration;

/** Sends one delivery of one kind of alert, within the alert's timeout, on an alert thread. */
interface AlertSender {

    /**
     * Returns when it was delivered; never takes much longer than {@code spec.timeout()}.
     *
     * @throws AlertFailure when it was not
     */
    void send(AlertSpec spec, Delivery delivery) throws AlertFailure, InterruptedException;

    /** Why a delivery failed; {@code timedOut} when it was given up at the alert's timeout. */
    final class AlertFailure extends Exception {
        private final boolean timedOut;

        AlertFailure(String message, boolean timedOut) {
            super(message);
            this.timedOut = timedOut;
        }

        static AlertFailure timedOut(Duration after) {
            return new AlertFailure("timed out after " + dev.vigil.config.Durations.format(after), true);
        }

        boolean timedOut() {
            return timedOut;
        }
    }
}
