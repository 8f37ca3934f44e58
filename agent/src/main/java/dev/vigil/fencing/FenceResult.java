package dev.vigil.fencing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What came of one fence operation. Secret parameter values are already replaced in every string.
 *
 * @param deviceId device that ran
 * @param action   action that ran
 * @param target   node it was about, if any
 * @param outcome  how it ended
 * @param exitCode the agent's exit code; empty if it did not run or was killed
 * @param duration how long it took
 * @param stdout   tail of standard output; for metadata and list the whole answer (up to {@link FenceRunner#ANSWER_CHARS})
 * @param stderr   tail of standard error
 * @param reason   human-readable explanation
 */
public record FenceResult(String deviceId, FenceAction action, Optional<String> target, FenceOutcome outcome,
        OptionalInt exitCode, Duration duration, String stdout, String stderr, String reason) {
    public FenceResult {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(reason, "reason");
    }

    public boolean succeeded() {
        return outcome.succeeded();
    }
}
