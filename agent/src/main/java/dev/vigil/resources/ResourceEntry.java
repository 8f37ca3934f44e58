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
 * @param lastRc        the OCF return code of {@code lastOperation} ({@link #ocfRc}), for alerts'
 *                      {@code CRM_alert_rc}; null when there was none or the report came from an
 *                      agent too old to send it (added to the gossip after {@code lastFailure})
 */
public record ResourceEntry(ResourceStatus status, int failCount, long lastFailureMs, String lastOperation,
                            String lastFailure, Integer lastRc) {
    public static final ResourceEntry UNKNOWN = new ResourceEntry(ResourceStatus.UNKNOWN, 0, 0, "", "", null);

    public ResourceEntry {
        lastFailure = lastFailure == null ? "" : lastFailure;
    }

    /** Without a return code (from an agent too old to report one). */
    public ResourceEntry(ResourceStatus status, int failCount, long lastFailureMs, String lastOperation,
                         String lastFailure) {
        this(status, failCount, lastFailureMs, lastOperation, lastFailure, null);
    }

    /** Without a failed operation (none, or from an agent too old to report one). */
    public ResourceEntry(ResourceStatus status, int failCount, long lastFailureMs, String lastOperation) {
        this(status, failCount, lastFailureMs, lastOperation, "", null);
    }

    /**
     * The return code Pacemaker would report for {@code result}: the OCF code of its outcome (an
     * LSB, systemd or heartbeat result already mapped to OCF terms), and for an operation that has
     * none — timed out, killed by a signal, an exit code OCF does not define — 1
     * (OCF_ERR_GENERIC), as Pacemaker reports them (its services__ocf2ocf); the raw exit code stays in the words.
     */
    public static int ocfRc(OperationResult result) {
        return result.outcome().ocfCode().orElse(Outcome.ERR_GENERIC.ocfCode().orElseThrow());
    }
}
