package dev.vigil.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to {@code vigil history --json}: what the answering agent's cluster history holds
 * (issue 18, item 6). Like {@link StatusReport} a promise to scripts: fields may be added, none
 * renamed or removed. Each list is bounded and oldest first. The same JSON is the history file in
 * the agent's state directory, so a restarted agent and a reconnecting console see what was.
 *
 * @param node       the answering node
 * @param operations the latest operations per resource (start, stop, probe, failed monitors...), on
 *                   this node with rc and duration, on the others as their reports showed them
 * @param fencing    every fence this node ran or saw, successful or not
 * @param events     the cluster event log: membership, resources, coordinator, quorum, fencing, operator, config
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HistoryReport(String node, List<OperationRecord> operations, List<FenceRecord> fencing,
                            List<EventRecord> events) {
    public HistoryReport {
        operations = List.copyOf(operations);
        fencing = List.copyOf(fencing);
        events = List.copyOf(events);
    }

    /**
     * @param atMs       when it ended, epoch millis (for another node's operation: when its report showed it)
     * @param node       where it ran
     * @param resource   the resource id
     * @param operation  probe | start | stop | monitor | ...
     * @param outcome    in words, as status words it: "SUCCESS", "NOT_RUNNING (rc 7)",
     *                   "killed by SIGKILL (exit 137)"; for another node's operation the reason may
     *                   follow in parentheses (its report carries one string)
     * @param rc         the agent's exit code; null when it was killed, never ran, or ran on another node
     * @param reason     the exit reason, or null
     * @param durationMs how long it ran; null for another node's operation
     * @param failed     whether it counted as a failure
     */
    public record OperationRecord(long atMs, String node, String resource, String operation, String outcome,
                                  Integer rc, String reason, Long durationMs, boolean failed) {}

    /**
     * @param atMs    when the fence ended, epoch millis
     * @param target  the node fenced
     * @param by      the node that fenced it (the coordinator)
     * @param action  reboot | off | on
     * @param devices what was run, in order: {@code ipmi-ha1 reboot: SUCCESS}, status checks too
     * @param fenced  whether it worked
     * @param reason  why it was fenced ("ha1 lost", "stop of web failed")
     */
    public record FenceRecord(long atMs, String target, String by, String action, List<String> devices,
                              boolean fenced, String reason) {
        public FenceRecord {
            devices = List.copyOf(devices);
        }
    }

    /** One entry of the event log, as {@link ControlEvent} without the status snapshot. */
    public record EventRecord(long atMs, String kind, String node, String message) {}
}
