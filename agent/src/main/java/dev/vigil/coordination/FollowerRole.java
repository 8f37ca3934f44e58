package dev.vigil.coordination;

import dev.vigil.model.ActionKind;
import dev.vigil.resources.OperationResult;
import dev.vigil.resources.Outcome;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's part, the coordinator's too: follow the directive of the coordinator of its view,
 * run what it dispatches to this node exactly once, answer its request for this node's settled
 * record, and report back ({@link #ownReport()}). State is per coordinator life: a new
 * coordinator, or a new life of the same one, starts it over.
 */
final class FollowerRole {
    // Logged as Coordination, as before the split: operators grep the journal for that name.
    private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);

    private final ClusterKnowledge k;
    private final OperatorRequests requests;

    private String followed = "";
    private long followedIncarnation;
    /** The followed coordinator's latest request for this node's record that it has answered. */
    private long probeGenerationDone;
    private boolean answering;
    private final Set<Long> startedSeqs = new HashSet<>();
    private final Map<Long, Completion> completions = new LinkedHashMap<>();

    FollowerRole(ClusterKnowledge k, OperatorRequests requests) {
        this.k = k;
        this.requests = requests;
    }

    /** @param d the directive of the coordinator of this node's view; null when none was heard */
    void follow(Directive d) {
        if (d == null) return;
        if (!d.coordinator().equals(followed) || d.coordinatorIncarnation() != followedIncarnation) {
            followed = d.coordinator();
            followedIncarnation = d.coordinatorIncarnation();
            probeGenerationDone = 0;
            startedSeqs.clear();
            completions.clear();
        }
        if (d.admin().version() > k.admin.version()) {
            k.admin = d.admin();
            k.saveAdmin();
            k.lrm.setMaintenance(k.admin.maintenance());
        }
        if (d.probeGeneration() > probeGenerationDone && !answering) {
            // A new coordinator (or one starting over) asks for this node's record: answered as
            // soon as it is settled, at once when nothing is in flight (see Coordination's class comment).
            answering = true;
            long generation = d.probeGeneration();
            String forCoordinator = followed;
            long forIncarnation = followedIncarnation;
            k.lrm.settled().whenComplete((x, e) -> k.post.accept(() -> {
                answering = false;
                if (stillFollowing(forCoordinator, forIncarnation)) {
                    probeGenerationDone = Math.max(probeGenerationDone, generation);
                }
            }));
        }
        var listed = new HashSet<Long>();
        for (var a : d.actions()) {
            listed.add(a.seq());
            if (!a.node().equals(k.self) || startedSeqs.contains(a.seq())) continue;
            startedSeqs.add(a.seq());
            String forCoordinator = followed;
            long forIncarnation = followedIncarnation;
            LOG.info("{} {} on {} (dispatched by {})", a.op().wire(), a.resource(), k.self, d.coordinator());
            perform(a).whenComplete((result, e) -> k.post.accept(() -> {
                if (!stillFollowing(forCoordinator, forIncarnation)) return;
                // A notification's failure changes nothing (Pacemaker only logs it): the plan goes on.
                boolean ok = e == null && (result.isSuccess() || (a.op() == Operation.STOP
                        && result.outcome() == Outcome.NOT_RUNNING)
                        || a.op() == Operation.PROBE || a.op() == Operation.NOTIFY);
                completions.put(a.seq(), new Completion(a.seq(), ok,
                        e != null ? e.toString() : result.outcome().name()));
            }));
        }
        // The coordinator stops listing a dispatch once it has seen our answer.
        completions.keySet().removeIf(seq -> !listed.contains(seq));
        requests.takeReplies(d);
    }

    /**
     * Incarnations are per node (wall-clock millis at start), so two coordinators can share one:
     * only name and incarnation together identify a coordinator's life.
     */
    private boolean stillFollowing(String coordinator, long coordinatorIncarnation) {
        return coordinator.equals(followed) && coordinatorIncarnation == followedIncarnation;
    }

    private CompletableFuture<OperationResult> perform(DispatchedAction a) {
        return switch (a.op()) {
            case PROBE -> k.lrm.perform(ActionKind.PROBE, a.resource());
            case START -> k.lrm.perform(ActionKind.START, a.resource());
            case STOP -> k.lrm.perform(ActionKind.STOP, a.resource());
            case PROMOTE -> k.lrm.perform(ActionKind.PROMOTE, a.resource());
            case DEMOTE -> k.lrm.perform(ActionKind.DEMOTE, a.resource());
            case NOTIFY -> k.lrm.perform(ActionKind.NOTIFY, a.resource(), a.meta());
            case CLEANUP -> k.lrm.cleanup(a.resource());
        };
    }

    /** What this node tells every peer on every heartbeat. */
    NodeReport ownReport() {
        return new NodeReport(k.self, followed, followedIncarnation, probeGenerationDone, k.lrm.snapshot(),
                List.copyOf(completions.values()), k.admin, requests.mine(), k.pingOk.getAsBoolean(),
                k.attributes.transientOwn(), k.attributes.permanent());
    }
}
