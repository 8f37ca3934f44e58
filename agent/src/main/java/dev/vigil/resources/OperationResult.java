package dev.vigil.resources;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What became of one operation.
 *
 * @param outcome    the result in OCF terms, already mapped for LSB, systemd and heartbeat scripts
 * @param exitCode   the process's raw exit code; empty if it was killed on timeout or never ran
 * @param duration   from launch to the end of the operation
 * @param stdoutTail the last {@link ResourceExecutor#TAIL_CHARS} characters of standard output
 * @param stderrTail the same for standard error
 * @param exitReason the agent's own explanation (its last {@code ocf-exit-reason:} line on
 *                   stderr), or Vigil's when it decided the outcome without the agent
 */
public record OperationResult(
        Outcome outcome,
        OptionalInt exitCode,
        Duration duration,
        String stdoutTail,
        String stderrTail,
        Optional<String> exitReason) {

    public OperationResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(stdoutTail, "stdoutTail");
        Objects.requireNonNull(stderrTail, "stderrTail");
        Objects.requireNonNull(exitReason, "exitReason");
    }

    /** A result decided without running anything, e.g. a missing agent. */
    static OperationResult withoutRunning(Outcome outcome, String reason) {
        return new OperationResult(outcome, OptionalInt.empty(), Duration.ZERO, "", "", Optional.of(reason));
    }

    public boolean isSuccess() {
        return outcome == Outcome.SUCCESS;
    }
}
