package dev.vigil.resources;

import dev.vigil.model.ResourceStatus;

/**
 * What one node knows about one resource it manages.
 *
 * @param failCount     failures since the last cleanup
 * @param lastFailureMs wall-clock epoch millis of the latest failure, 0 when none
 * @param lastOperation the latest operation and its outcome, for {@code vigil status}, e.g. "start: ERR_GENERIC (timeout)"
 */
public record ResourceEntry(ResourceStatus status, int failCount, long lastFailureMs, String lastOperation) {
    public static final ResourceEntry UNKNOWN = new ResourceEntry(ResourceStatus.UNKNOWN, 0, 0, "");
}
