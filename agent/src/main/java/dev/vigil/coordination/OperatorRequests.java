package dev.vigil.coordination;

import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator requests ({@code vigil node standby}, {@code resource move}, …) on both sides: a node
 * lists its operator's requests in its report until the coordinator's directive carries the reply;
 * the coordinator validates and applies each once, and replies when the cluster has settled after
 * it (or the deadline passes). What a request means is {@link AdminRequests}'; this is the traffic.
 */
final class OperatorRequests {
    // Logged as Coordination, as before the split: operators grep the journal for that name.
    private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);
    private static final int MAX_REPLIES = 16;
    private static final Duration REPLY_DEADLINE = Duration.ofSeconds(120);
    private static final long REQUESTS_PER_LIFE = 1_000_000;

    /** @param sinceMs when it was taken (wall clock): a fence answers from the history records since then */
    private record PendingReply(String node, AdminRequest request, Instant deadline, long sinceMs) {}

    private final ClusterKnowledge k;

    // ---- this node's own requests (follower side)
    private final List<AdminRequest> myRequests = new ArrayList<>();
    private final Map<Long, CompletableFuture<AdminReply>> waiting = new HashMap<>();
    private long nextRequestId;

    // ---- requests of every member (coordinator side)
    private final Set<String> handledRequests = new HashSet<>();
    private final List<PendingReply> pendingReplies = new ArrayList<>();
    private final List<AdminReply> replies = new ArrayList<>();

    OperatorRequests(ClusterKnowledge k) {
        this.k = k;
        // Request ids must not repeat across this node's lives: the coordinator remembers which
        // it handled, and its recent replies name them. The incarnation grows with every start.
        this.nextRequestId = Math.multiplyExact(k.incarnation, REQUESTS_PER_LIFE) + 1;
    }

    // ---- follower side

    /** Any thread: the request is listed from the next step on; see {@link Coordination#request}. */
    CompletableFuture<AdminReply> request(String verb, List<String> args) {
        var future = new CompletableFuture<AdminReply>();
        k.post.accept(() -> {
            var req = new AdminRequest(nextRequestId++, verb, args);
            myRequests.add(req);
            waiting.put(req.id(), future);
        });
        return future.orTimeout(REPLY_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
    }

    /** This node's unanswered requests, for its report. */
    List<AdminRequest> mine() {
        return List.copyOf(myRequests);
    }

    /** The followed coordinator's replies: those to this node end its requests. */
    void takeReplies(Directive d) {
        for (var reply : d.replies()) {
            if (!reply.node().equals(k.self)) continue;
            var f = waiting.remove(reply.id());
            myRequests.removeIf(r -> r.id() == reply.id());
            if (f != null) f.complete(reply);
        }
    }

    void failWaiting() {
        waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("agent stopping")));
    }

    // ---- coordinator side

    /** Requests still listed in reports were never answered: a new coordinator takes them up again. */
    void forgetHandled() {
        handledRequests.clear();
    }

    /** On stepping down: the next coordinator answers these. */
    void dropPendingReplies() {
        pendingReplies.clear();
    }

    List<AdminReply> replies() {
        return List.copyOf(replies);
    }

    /**
     * Validates and applies each request not handled yet; a restart or cleanup also becomes an
     * action for {@code dispatch}, an operator's fence a fence for {@code fence} (node, reason).
     */
    void take(Map<String, NodeReport> reportsNow, Consumer<AdminRequests.DirectAction> dispatch,
              java.util.function.BiConsumer<String, String> fence) {
        expireDrillLock();
        // Forget answered requests (no longer listed by their node), so this set stays small.
        var listed = new HashSet<String>();
        reportsNow.values().forEach(r -> r.requests().forEach(q -> listed.add(r.node() + "#" + q.id())));
        handledRequests.retainAll(listed);
        for (var r : reportsNow.values()) {
            for (var req : r.requests()) {
                String key = r.node() + "#" + req.id();
                if (!handledRequests.add(key)) continue;
                if (DrillLocks.handles(req.verb())) {
                    drillLock(r.node(), req);
                    continue;
                }
                if (req.verb().equals("fence")) {
                    operatorFence(r.node(), req, fence);
                    continue;
                }
                var problem = AdminRequests.validate(req, k.config);
                if (problem.isPresent()) {
                    addReply(new AdminReply(r.node(), req.id(), false, problem.get()));
                    continue;
                }
                var atOnce = AdminRequests.answeredAtOnce(req, k.admin, reportsNow, k.config);
                if (atOnce.isPresent()) {
                    LOG.info("operator request from {}: {} {}: {}", r.node(), req.verb(), req.args(), atOnce.get().message());
                    addReply(new AdminReply(r.node(), req.id(), atOnce.get().ok(), atOnce.get().message()));
                    continue;
                }
                AdminState before = k.admin;
                k.admin = AdminRequests.apply(req, k.admin);
                if (k.admin != before) {
                    k.saveAdmin();
                    k.lrm.setMaintenance(k.admin.maintenance());
                }
                AdminRequests.directAction(req, reportsNow).ifPresent(dispatch);
                LOG.info("operator request from {}: {} {}", r.node(), req.verb(), req.args());
                pendingReplies.add(new PendingReply(r.node(), req, k.monotonic.instant().plus(REPLY_DEADLINE), k.wallClock.millis()));
            }
        }
    }

    /** {@code drill-begin}, {@code -end}, {@code -renew} and {@code -abort}, answered at once (a drill waits for nothing else). */
    private void drillLock(String from, AdminRequest req) {
        var problem = DrillLocks.validate(req);
        var result = problem.isPresent() ? new DrillLocks.Result(k.admin, false, problem.get())
                : DrillLocks.answer(req, k.admin, k.quorum.quorate(), k.wallClock.millis());
        if (result.state() != k.admin) {
            k.admin = result.state();
            k.saveAdmin();
        }
        LOG.info("operator request from {}: {} {}: {}", from, req.verb(), req.args(), result.message());
        addReply(new AdminReply(from, req.id(), result.ok(), result.message()));
    }

    /** A drill lock whose runner did not end it in time is let go, so the next drill can run. */
    private void expireDrillLock() {
        var after = DrillLocks.expire(k.admin, k.wallClock.millis());
        if (after == k.admin) return;
        var d = k.admin.drillLock().orElseThrow();
        LOG.warn("drill lock of run {} ({} by {}) expired at {} without drill-end; released", d.runId(), d.drill(), d.runner(),
                Instant.ofEpochMilli(d.leaseUntilMs()));
        k.admin = after;
        k.saveAdmin();
    }

    /**
     * {@code vigil node fence NODE}: refused without fencing, without quorum, or of the coordinator
     * itself (its own fence would kill the process that runs and records it); else fenced as a lost
     * node is, and answered once the cluster settled after it, from the fencing history.
     */
    private void operatorFence(String from, AdminRequest req, java.util.function.BiConsumer<String, String> fence) {
        var refusal = AdminRequests.validate(req, k.config)
                .or(() -> AdminRequests.fenceRefusal(req.args().get(0), k.config, k.quorum.quorate(), k.self));
        if (refusal.isPresent()) {
            LOG.info("operator request from {}: fence {}: refused: {}", from, req.args(), refusal.get());
            addReply(new AdminReply(from, req.id(), false, refusal.get()));
            return;
        }
        String node = req.args().get(0);
        LOG.warn("operator request from {}: fence {}", from, node);
        long since = k.wallClock.millis();
        fence.accept(node, "operator request from " + from);
        pendingReplies.add(new PendingReply(from, req, k.monotonic.instant().plus(REPLY_DEADLINE), since));
    }

    /**
     * A request is answered when the cluster has settled after it: no action left to do or in
     * flight ({@code quiet}: nothing dispatched is unfinished and no fence runs).
     */
    void answer(Plan plan, boolean quiet, Map<String, NodeReport> reportsNow) {
        if (pendingReplies.isEmpty()) return;
        if (k.admin.maintenance()) {
            // The plan places nothing in maintenance; where things run is what the members report
            // (not "it runs on no node" while status says Started ha1).
            plan = new Plan(plan.actions(), AdminRequests.placementNow(reportsNow), plan.notes());
        }
        boolean settled = quiet && plan.actions().isEmpty();
        var it = pendingReplies.iterator();
        while (it.hasNext()) {
            var p = it.next();
            boolean late = k.monotonic.instant().isAfter(p.deadline());
            if (!settled && !late) continue;
            var outcome = p.request().verb().equals("fence")
                    ? AdminRequests.fenceOutcome(p.request().args().get(0), p.sinceMs(), k.history.snapshot().fencing())
                    : AdminRequests.outcome(p.request(), plan, k.config, late);
            if (!outcome.ok() && !late && p.request().verb().equals("move")) {
                // A failed move keeps no rule: left behind, it would move the target later, unasked.
                AdminState before = k.admin;
                k.admin = AdminRequests.withoutFailedMove(p.request(), k.admin);
                if (k.admin != before) k.saveAdmin();
            }
            addReply(new AdminReply(p.node(), p.request().id(), outcome.ok(), outcome.message()));
            it.remove();
        }
    }

    private void addReply(AdminReply reply) {
        replies.add(reply);
        while (replies.size() > MAX_REPLIES) replies.remove(0);
    }
}
