package dev.vigil.resources;

import dev.vigil.model.ResourceStatus;

/**
 * What one node knows about one resource it manages.
 *
 * @param failCount     failures since the last cleanup
 * @param lastFailureMs wall-clock epoch millis of the latest failure, 0 when none
 * @param lastOperation the latest operation and its outcome, for {@code vigil status}, e.g. "start: ERR_GENERIC (timeout)"
 * @param lastFailure   the latest operation that failed, with its outcome, return code and reason
 *                      (e.g. "monitor: killed by SIGKILL (exit 137)"); "" when none since the last cleanup.
 *                      Kept when later operations succeed, so "Failed resource actions" shows what failed
 */
public record ResourceEntry(ResourceStatus status, int failCount, long lastFailureMs, String lastOperation,
                            String lastFailure) {
    public static final ResourceEntry UNKNOWN = new ResourceEntry(ResourceStatus.UNKNOWN, 0, 0, "", "");

    public ResourceEntry {
        lastFailure = lastFailure == null ? "" : lastFailure;
    }

    /** Without a failed operation (none, or from an agent too old to report one). */
    public ResourceEntry(ResourceStatus status, int failCount, long lastFailureMs, String lastOperation) {
        this(status, failCount, lastFailureMs, lastOperation, "");
    }
}
