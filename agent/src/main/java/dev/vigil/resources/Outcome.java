package dev.vigil.resources;

import java.util.Arrays;
import java.util.Optional;

/**
 * How an operation ended, in OCF terms. Non-OCF classes are mapped onto these so that later
 * decisions (recover, fail over, fence) need only one vocabulary.
 */
public enum Outcome {
    SUCCESS(0),
    ERR_GENERIC(1),
    ERR_ARGS(2),
    ERR_UNIMPLEMENTED(3),
    ERR_PERM(4),
    ERR_INSTALLED(5),
    ERR_CONFIGURED(6),
    NOT_RUNNING(7),
    RUNNING_PROMOTED(8),
    FAILED_PROMOTED(9),
    /** OCF 1.1: running but not fully healthy. */
    DEGRADED(190),
    /** OCF 1.1: promoted but not fully healthy. */
    DEGRADED_PROMOTED(191),
    /** The agent did not finish within the operation timeout and was killed. */
    TIMED_OUT(-1),
    /** The agent exited with a code OCF does not define; the code is in {@link OperationResult#exitCode()}. */
    UNKNOWN_EXIT_CODE(-1);

    private final int ocfCode;

    Outcome(int ocfCode) {
        this.ocfCode = ocfCode;
    }

    /** The OCF exit code, if this outcome has one. */
    public Optional<Integer> ocfCode() {
        return ocfCode < 0 ? Optional.empty() : Optional.of(ocfCode);
    }

    /** The outcome an OCF agent's exit code means; never {@link #TIMED_OUT}. */
    public static Outcome fromOcfExitCode(int code) {
        return Arrays.stream(values())
                .filter(o -> o.ocfCode == code && code >= 0)
                .findFirst()
                .orElse(UNKNOWN_EXIT_CODE);
    }
}
