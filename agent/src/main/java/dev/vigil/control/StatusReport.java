package dev.vigil.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code vigil status --json}. Its shape is a promise to scripts: fields may be
 * added, none renamed or removed. Durations are whole milliseconds in fields ending in {@code Ms}.
 *
 * @param cluster       the cluster's name
 * @param node          the answering node
 * @param incarnation   the answering agent's incarnation
 * @param view          the answering node's membership view number
 * @param members       the names in that view
 * @param configVersion the version of the answering node's cluster file
 * @param timing        the heartbeat timers in force
 * @param votes         quorum inputs: votes present in the view and configured in total
 * @param nodes         every configured node, the answering one included, in file order
 * @param drops         packets and bytes refused, by reason (see docs/architecture.md, "Heartbeats", for the list)
 * @param heartbeat     the answering node's own sending health
 * @param resources     resources, quorum and the coordinator; null when the cluster file has no resources
 * @param alerts        the answering node's alert counters since it started (sent, failed, timed_out, dropped,
 *                      rate_limited; docs/alerts.md); empty from an older agent
 * @param arbitrator    the quorum arbitrator as this node sees it (docs/arbitrator.md); null without one,
 *                      and from an older agent
 * @param watchdog      the answering node's watchdog (docs/fencing.md); null without one, and from an older agent
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StatusReport(
        String cluster,
        String node,
        long incarnation,
        long view,
        List<String> members,
        long configVersion,
        TimingReport timing,
        VotesReport votes,
        List<NodeReport> nodes,
        Map<String, Long> drops,
        SenderReport heartbeat,
        ResourcesReport resources,
        Map<String, Long> alerts,
        ArbitratorReport arbitrator,
        WatchdogReport watchdog) {

    public StatusReport {
        alerts = alerts == null ? Map.of() : alerts;
    }

    /** Without an arbitrator or a watchdog, as before they were reported. */
    public StatusReport(String cluster, String node, long incarnation, long view, List<String> members,
                        long configVersion, TimingReport timing, VotesReport votes, List<NodeReport> nodes,
                        Map<String, Long> drops, SenderReport heartbeat, ResourcesReport resources,
                        Map<String, Long> alerts) {
        this(cluster, node, incarnation, view, members, configVersion, timing, votes, nodes, drops, heartbeat,
                resources, alerts, null, null);
    }

    /**
     * The quorum arbitrator (docs/arbitrator.md, "Status").
     *
     * @param address     HOST:PORT from the cluster file
     * @param algorithm   ffsplit | lms
     * @param tieBreaker  lowest | highest | a node
     * @param votes       the votes it gives the partition it picks
     * @param leaseMs     one vote's lease
     * @param connected   the sealed connection is up now
     * @param verdict     its last answer: granted | waiting | refused | none
     * @param holdsVote   this node's partition holds the vote now
     * @param partition   the membership the last answer was for
     * @param leaseLeftMs how long a granted or waiting answer still counts; 0 when none does
     * @param detail      the arbitrator's reason, or why the connection failed
     * @param refused     frames and handshakes refused on this node's connection, by reason (docs/arbitrator.md)
     */
    public record ArbitratorReport(String address, String algorithm, String tieBreaker, int votes, long leaseMs,
                                   boolean connected, String verdict, boolean holdsVote, List<String> partition,
                                   long leaseLeftMs, String detail, Map<String, Long> refused) {}

    /**
     * This node's watchdog (docs/fencing.md, "Watchdog self-fencing").
     *
     * @param device       the device it opens (a stand-in's FIFO when {@code standIn})
     * @param timeoutMs    the device's timeout
     * @param state        waiting (not armed: not quorate yet), petting, not-petting (the reset is coming),
     *                     disarmed (clean shutdown), failed (the device could not be used)
     * @param lastPetAgeMs how long ago it was last petted; null if never
     * @param reason       why it is not petting; empty while it is
     * @param selfFenceWaitMs how long the others wait after losing this node before taking it as reset (timeout x 2)
     */
    public record WatchdogReport(String device, boolean standIn, long timeoutMs, String state, Long lastPetAgeMs,
                                 String reason, long selfFenceWaitMs) {}

    /** Without alert counters, as before they were reported. */
    public StatusReport(String cluster, String node, long incarnation, long view, List<String> members,
                        long configVersion, TimingReport timing, VotesReport votes, List<NodeReport> nodes,
                        Map<String, Long> drops, SenderReport heartbeat, ResourcesReport resources) {
        this(cluster, node, incarnation, view, members, configVersion, timing, votes, nodes, drops, heartbeat,
                resources, Map.of());
    }

    /**
     * @param coordinator  the node that decides for this partition
     * @param quorate      this partition may run resources
     * @param quorum       why (votes, tie-breaker)
     * @param standby      nodes in standby
     * @param constraints  operators' temporary rules, e.g. "move www to ha2"
     * @param waitingFor   why the coordinator is not deciding yet (probes, initdead); empty when it is
     * @param pending      actions the coordinator still has to carry out
     * @param notes        what cannot be done and why (no node can run X, fencing failed)
     * @param lost         nodes declared dead that may still run something
     * @param fenced       nodes fenced since they were lost
     * @param drill        the drill running in the cluster (its lock), or null; null from an older agent too
     * @param drillFires   schedule entry → the latest scheduled fire (epoch ms) a runner took; null from an older agent
     * @param fencing      the fence races' rules (docs/fencing.md); null without fencing, and from an older agent
     */
    public record ResourcesReport(String coordinator, boolean quorate, String quorum, boolean maintenance,
                                  List<String> standby, List<String> constraints, String waitingFor,
                                  List<String> pending, List<String> notes, List<String> lost, List<String> fenced,
                                  List<ResourceRow> resources, RunningDrill drill, Map<String, Long> drillFires,
                                  FencingReport fencing) {
        /** Without the fencing rules, as before they were reported. */
        public ResourcesReport(String coordinator, boolean quorate, String quorum, boolean maintenance,
                               List<String> standby, List<String> constraints, String waitingFor,
                               List<String> pending, List<String> notes, List<String> lost, List<String> fenced,
                               List<ResourceRow> resources, RunningDrill drill, Map<String, Long> drillFires) {
            this(coordinator, quorate, quorum, maintenance, standby, constraints, waitingFor, pending, notes, lost, fenced,
                    resources, drill, drillFires, null);
        }

        /** Without drills, as before they were reported. */
        public ResourcesReport(String coordinator, boolean quorate, String quorum, boolean maintenance,
                               List<String> standby, List<String> constraints, String waitingFor,
                               List<String> pending, List<String> notes, List<String> lost, List<String> fenced,
                               List<ResourceRow> resources) {
            this(coordinator, quorate, quorum, maintenance, standby, constraints, waitingFor, pending, notes, lost, fenced,
                    resources, null, Map.of());
        }
    }

    /**
     * Who would win a fence race (docs/fencing.md, "Fence races").
     *
     * @param priorityFencingDelayMs {@code policy.priority_fencing_delay}; 0 when off
     * @param devices                each fence device's delay rule, in file order
     * @param nodes                  each node's priority and what fencing it would wait now
     */
    public record FencingReport(long priorityFencingDelayMs, List<FenceDeviceDelay> devices, List<NodeFencing> nodes) {}

    /**
     * @param rule           the delay in words: {@code 2s}, {@code ha1 5s, others 0s + random, total < 8s}
     * @param baseMs         delay_base for nodes not in {@code baseByNodeMs}
     * @param baseByNodeMs   per-target delay_base
     * @param maxMs          delay_max; 0 = no random part
     */
    public record FenceDeviceDelay(String id, String rule, long baseMs, Map<String, Long> baseByNodeMs, long maxMs) {}

    /**
     * @param priority        the sum of the priorities of what runs on it now (docs/fencing.md)
     * @param priorityDelayMs what fencing it would wait for priority_fencing_delay if it alone were lost now
     * @param device          the first device that would fence it, null if none can
     * @param minDelayMs      the shortest wait before that device acts: priority delay + its delay_base
     * @param maxDelayMs      the longest: priority delay + the device's longest delay
     */
    public record NodeFencing(String name, int priority, long priorityDelayMs, String device, long minDelayMs,
                              long maxDelayMs) {}

    /**
     * The cluster's drill lock (docs/drills.md, "One drill at a time in the cluster").
     *
     * @param runId        the run's id, which its report has
     * @param fire         the schedule fire it runs ({@code entry@epochMs}), empty when run by hand
     * @param leaseUntilMs when the lock is let go if its runner stops renewing it
     * @param abortBy      who asked it to abort ({@code vigil drill abort} from any machine), empty when nobody did
     */
    public record RunningDrill(String runId, String drill, String runner, String fire, long sinceMs, long leaseUntilMs,
                               String abortBy) {
        public RunningDrill {
            abortBy = abortBy == null ? "" : abortBy;
        }

        public RunningDrill(String runId, String drill, String runner, String fire, long sinceMs, long leaseUntilMs) {
            this(runId, drill, runner, fire, sinceMs, leaseUntilMs, "");
        }
    }

    /**
     * @param group          the group it belongs to, or null
     * @param runningOn      nodes where it is started
     * @param states         node → unknown | stopped | started | failed | stop_failed, for every node that reported
     * @param failures       node → failure count, where it is above zero
     * @param lastOperations node → the latest operation there and its outcome
     * @param failedOperations node → the latest operation that failed there, with its outcome, return
     *                       code and reason (where failures is above zero); null from an older agent
     * @param failedAtMs     node → when that was, epoch millis; null from an older agent
     * @param transitions    node → starting | stopping | probing | cleaning: an operation the coordinator
     *                       dispatched there and has not heard back about (crm_mon's "Starting ha2");
     *                       null from an older agent
     * @param unmanaged      the cluster leaves it alone (maintenance mode): crm_mon's "(unmanaged)"
     * @param multipleActive started on more than one node though it is no clone: an error the
     *                       coordinator is repairing (it stops all but one), shown loudly
     * @param roles          a promotable clone's running instances: node → Promoted | Unpromoted
     *                       (crm_mon's roles); null for everything else and from an older agent
     * @param promotionScores a promotable clone's promotion scores as its agents set them
     *                       (crm_master), node → score; null where roles is
     */
    public record ResourceRow(String id, String agent, String group, boolean cloned, List<String> runningOn,
                              Map<String, String> states, Map<String, Integer> failures,
                              Map<String, String> lastOperations, Map<String, String> failedOperations,
                              Map<String, Long> failedAtMs, Map<String, String> transitions, boolean unmanaged,
                              boolean multipleActive,
                              // Only a promotable clone's row has them: every other row reads as before.
                              @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> roles,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> promotionScores) {
        /** Not promotable. */
        public ResourceRow(String id, String agent, String group, boolean cloned, List<String> runningOn,
                           Map<String, String> states, Map<String, Integer> failures,
                           Map<String, String> lastOperations, Map<String, String> failedOperations,
                           Map<String, Long> failedAtMs, Map<String, String> transitions, boolean unmanaged,
                           boolean multipleActive) {
            this(id, agent, group, cloned, runningOn, states, failures, lastOperations, failedOperations, failedAtMs,
                    transitions, unmanaged, multipleActive, null, null);
        }

        /** Without the failed operations, as before they were reported. */
        public ResourceRow(String id, String agent, String group, boolean cloned, List<String> runningOn,
                           Map<String, String> states, Map<String, Integer> failures,
                           Map<String, String> lastOperations) {
            this(id, agent, group, cloned, runningOn, states, failures, lastOperations, Map.of(), Map.of());
        }

        /** Without transitions, as before they were reported. */
        public ResourceRow(String id, String agent, String group, boolean cloned, List<String> runningOn,
                           Map<String, String> states, Map<String, Integer> failures,
                           Map<String, String> lastOperations, Map<String, String> failedOperations,
                           Map<String, Long> failedAtMs) {
            this(id, agent, group, cloned, runningOn, states, failures, lastOperations, failedOperations, failedAtMs,
                    Map.of(), false, !cloned && runningOn.size() > 1);
        }
    }

    /**
     * @param state         unknown | alive | late | dead | left
     * @param self          true for the answering node
     * @param lastHeardMs   since the last heartbeat on any link; null if never heard (and for self)
     */
    public record NodeReport(String name, String state, boolean self, long incarnation, Long lastHeardMs,
                             List<LinkReport> links) {}

    /**
     * @param link        the link's name
     * @param index       the link's position in the cluster file
     * @param state       up | down
     * @param lastHeardMs since the last heartbeat of this peer on this link; null if never
     */
    public record LinkReport(String link, int index, String state, Long lastHeardMs) {}

    public record TimingReport(String preset, long keepaliveMs, long warntimeMs, long deadtimeMs, long initdeadMs) {}

    public record VotesReport(int present, int total) {}

    /**
     * @param sent       heartbeats sent since start
     * @param slips      heartbeats that left more than half a keepalive late (a starved sender)
     * @param maxSlipMs  the worst such delay
     * @param stalls     times the failure detector woke more than two ticks late (this process
     *                   stalled); each time it waited one more tick for queued heartbeats
     */
    public record SenderReport(long sent, long slips, long maxSlipMs, long stalls) {}
}
