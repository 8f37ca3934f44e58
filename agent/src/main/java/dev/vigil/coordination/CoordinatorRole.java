package dev.vigil.coordination;

import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import dev.vigil.model.ResourceStatus;
import dev.vigil.scheduler.Failures;
import dev.vigil.scheduler.FencingPriority;
import dev.vigil.scheduler.NodeCondition;
import dev.vigil.scheduler.NodeInfo;
import dev.vigil.scheduler.Plan;
import dev.vigil.scheduler.PlannedAction;
import dev.vigil.scheduler.ResourceOnNode;
import dev.vigil.scheduler.SchedulerInput;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's part, on the node first in file order among the members of its view: wait
 * for every member's settled record (see {@link Coordination}'s class comment), then re-plan from
 * scratch on every step and dispatch the actions whose predecessors are done and whose resource
 * has nothing in flight; fence lost nodes; take operator requests.
 */
final class CoordinatorRole {
    // Logged as Coordination, as before the split: operators grep the journal for that name.
    private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);

    private final ClusterKnowledge k;
    private final Function<SchedulerInput, Plan> scheduler;
    private final FollowerRole follower;
    private final NodeFencing fencing;
    private final OperatorRequests requests;

    private boolean coordinating;
    private long probeGeneration;
    private long nextSeq = 1;
    private final Map<Long, DispatchedAction> inFlight = new LinkedHashMap<>();
    private final NotificationRun notifications = new NotificationRun();
    private volatile Plan lastPlan = Plan.EMPTY;
    private volatile String waitingFor = "";
    /** Members of the view the coordinator is waiting to hear from before it acts. */
    private volatile Set<String> silentMembers = Set.of();

    CoordinatorRole(ClusterKnowledge k, Function<SchedulerInput, Plan> scheduler, FollowerRole follower,
                    NodeFencing fencing, OperatorRequests requests) {
        this.k = k;
        this.scheduler = scheduler;
        this.follower = follower;
        this.fencing = fencing;
        this.requests = requests;
    }

    boolean isCoordinating() {
        return coordinating;
    }

    /** Another node coordinates now, or this one was frozen: what it had in flight is not its to finish. */
    void stepDown() {
        coordinating = false;
        inFlight.clear();
        notifications.clear();
        requests.dropPendingReplies();
    }

    void clearWaitingFor() {
        waitingFor = "";
    }

    /** A node joined or restarted: what was dispatched to its old life is gone with it. */
    void forgetDispatchesTo(String node) {
        inFlight.values().removeIf(a -> a.node().equals(node));
    }

    /** Whether this coordinator holds back for {@code member}'s silence (then it re-plans when heard). */
    boolean heldBackFor(String member) {
        return silentMembers.contains(member);
    }

    Plan lastPlan() {
        return lastPlan;
    }

    List<DispatchedAction> inFlight() {
        return List.copyOf(inFlight.values());
    }

    String waitingFor() {
        return waitingFor;
    }

    Directive ownDirective() {
        if (!coordinating) return null;
        return new Directive(k.self, k.incarnation, probeGeneration, List.copyOf(inFlight.values()), k.admin,
                requests.replies());
    }

    void coordinate() {
        if (!coordinating) {
            coordinating = true;
            // Higher than in any earlier life of this incarnation as coordinator: an old probe answer must not count.
            probeGeneration++;
            inFlight.clear();
            notifications.clear();
            // Requests still listed in reports were never answered (a coordinator died on them):
            // this coordinator takes them up again, even ones it saw in an earlier turn.
            requests.forgetHandled();
            for (var r : k.reports.values()) {
                if (r.admin() != null && r.admin().version() > k.admin.version()) k.admin = r.admin();
            }
            k.saveAdmin();
            LOG.info("node {} is the coordinator (view {} = {}); waiting for every member's settled record before deciding",
                    k.self, k.view.number(), k.view.members().keySet());
            return; // followers (this node too) see the directive on the next step
        }
        var members = k.view.members().keySet();
        var reportsNow = new HashMap<String, NodeReport>();
        for (var m : members) {
            var r = m.equals(k.self) ? follower.ownReport() : k.reports.get(m);
            if (r != null) reportsNow.put(m, r);
        }
        collectCompletions(reportsNow);
        adoptNewerAdmin(reportsNow.values());
        // A node never heard from since this agent started might be booting: give it initdead.
        boolean allNodesKnown = k.config.nodeNames().stream().allMatch(n -> members.contains(n)
                || k.lost.contains(n) || k.cleanlyLeft.contains(n) || k.fenced.contains(n));
        if (!allNodesKnown
                && Duration.between(k.startedAt, k.monotonic.instant()).compareTo(k.config.timing().initdead()) < 0) {
            waitingFor = "initdead: waiting for every node to come up";
            return;
        }
        // A member gone silent is about to be declared dead. Nodes die one at a time in the view of
        // a node whose own cable was cut, so its view passes through states such as {ha1, ha2} of 3:
        // a quorum that no longer exists. Acting on it (fencing ha3, a healthy node) would be a
        // disaster; wait until the member is heard again or leaves the view.
        var silent = silentMembers(members);
        silentMembers = silent;
        if (!silent.isEmpty()) {
            waitingFor = "the view to settle: " + silent + " silent";
            return;
        }
        // The arbitrator is deciding, or gave this partition its vote while the other side may
        // still be stopping (no fencing): decide nothing until then (docs/arbitrator.md).
        if (!k.quorum.hold().isEmpty()) {
            waitingFor = k.quorum.hold();
            return;
        }
        // A lost node must be fenced whatever the records say, so fencing starts now and runs
        // while members finish what is in flight: a failover then costs max(those, fence), not their sum.
        if (k.quorum.quorate() && k.config.resources().fencingConfigured()) {
            var input = schedulerInput(reportsNow);
            var priority = FencingPriority.of(input);
            for (var n : k.config.nodeNames()) {
                // A node its watchdog has reset by now is not power-fenced again (docs/fencing.md).
                if (!members.contains(n) && conditionOfAbsent(n) == NodeCondition.LOST
                        && !dev.vigil.scheduler.SelfFencing.isReset(input, n)) {
                    fencing.fence(n, priority.reason(n, n + " lost"), priority.delayFor(n));
                }
            }
        }
        var unsettled = members.stream().filter(m -> {
            var r = reportsNow.get(m);
            return r == null || !answersMe(r) || r.probeGeneration() < probeGeneration;
        }).toList();
        if (!unsettled.isEmpty()) {
            waitingFor = "settled records from " + unsettled;
            return;
        }
        waitingFor = "";
        requests.take(reportsNow, a -> {
            long seq = nextSeq++;
            inFlight.put(seq, new DispatchedAction(seq, a.id(), a.op(), a.resource(), a.node()));
        }, fencing::fence);
        var input = schedulerInput(reportsNow);
        Plan plan = scheduler.apply(input);
        if (!plan.equals(lastPlan)) {
            if (!plan.actions().isEmpty() || !plan.notes().isEmpty()) {
                LOG.info("plan: {}{}", plan.actions().stream().map(PlannedAction::id).toList(),
                        plan.notes().isEmpty() ? "" : " notes: " + plan.notes());
            }
            lastPlan = plan;
        }
        dispatch(notifications.withoutDone(plan), FencingPriority.of(input));
        requests.answer(plan, inFlight.isEmpty() && !fencing.anyRunning(), reportsNow);
    }

    /** The report answers this coordinator's life (its probes, its dispatches). */
    private boolean answersMe(NodeReport r) {
        return k.self.equals(r.coordinator()) && r.coordinatorIncarnation() == k.incarnation;
    }

    /**
     * When partitions merge, a member may bring operator changes made on its side while this node
     * already coordinated; the newest state wins here too, not only when coordination begins.
     */
    private void adoptNewerAdmin(Collection<NodeReport> reportsNow) {
        var newest = k.admin;
        for (var r : reportsNow) {
            if (r.admin() != null && r.admin().version() > newest.version()) newest = r.admin();
        }
        if (newest != k.admin) {
            LOG.info("adopting operator state version {} from a member (had {})", newest.version(), k.admin.version());
            k.admin = newest;
            k.saveAdmin();
            k.lrm.setMaintenance(k.admin.maintenance());
        }
    }

    /**
     * Members not heard for longer than a healthy peer ever is: warntime, or less when warntime is
     * close to deadtime, so that the first peer declared dead by a cut-off node always finds the
     * others silent too (they all went quiet at the same moment, at most a keepalive apart).
     */
    private Set<String> silentMembers(Set<String> members) {
        var t = k.config.timing();
        var limit = t.deadtime().minus(t.keepalive().multipliedBy(2));
        if (t.warntime().compareTo(limit) < 0) limit = t.warntime();
        var now = k.monotonic.instant();
        var silent = new TreeSet<String>();
        for (var m : members) {
            if (m.equals(k.self)) continue;
            var last = k.heard.get(m);
            if (last == null || Duration.between(last, now).compareTo(limit) > 0) silent.add(m);
        }
        return silent;
    }

    private void collectCompletions(Map<String, NodeReport> reportsNow) {
        var it = inFlight.values().iterator();
        while (it.hasNext()) {
            var a = it.next();
            if (!k.view.members().containsKey(a.node())) {
                it.remove(); // its node is gone; the scheduler will deal with what it ran
                notifications.completed(a, false);
                continue;
            }
            var r = reportsNow.get(a.node());
            if (r == null || !answersMe(r)) continue;
            r.completed().stream().filter(c -> c.seq() == a.seq()).findFirst().ifPresent(c -> {
                if (!c.ok()) {
                    LOG.warn("{} failed on {}: {}", a.id(), a.node(), c.outcome());
                }
                notifications.completed(a, c.ok());
                it.remove();
            });
        }
    }

    private SchedulerInput schedulerInput(Map<String, NodeReport> reportsNow) {
        var nodes = new ArrayList<NodeInfo>();
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        var failures = new HashMap<ResourceOnNode, Failures>();
        var lastKnown = new HashMap<ResourceOnNode, ResourceStatus>();
        for (var n : k.config.nodes()) {
            String name = n.name();
            var report = reportsNow.get(name);
            // A node fenced while still in the view (fenced for a failed stop, before deadtime has
            // passed) is powered off: its last report is stale and must not get it fenced again.
            if (k.view.members().containsKey(name) && !k.fenced.contains(name)) {
                nodes.add(new NodeInfo(name, NodeCondition.ONLINE, k.admin.standby().contains(name),
                        report == null || report.pingOk()));
                if (report != null) {
                    report.resources().forEach((id, e) -> {
                        statuses.put(new ResourceOnNode(id, name), e.status());
                        if (e.failCount() > 0) {
                            failures.put(new ResourceOnNode(id, name),
                                    new Failures(e.failCount(), Instant.ofEpochMilli(e.lastFailureMs())));
                        }
                    });
                }
            } else {
                nodes.add(new NodeInfo(name, conditionOfAbsent(name), k.admin.standby().contains(name), false));
                // What it last told us, before it was lost: it weighs the node in a fence race, nothing more.
                var last = k.reports.get(name);
                if (last != null && !k.fenced.contains(name)) {
                    last.resources().forEach((id, e) -> lastKnown.put(new ResourceOnNode(id, name), e.status()));
                }
            }
        }
        var now = k.wallClock.instant();
        return new SchedulerInput(k.config.resources(), nodes, k.quorum.quorate(), statuses, failures, k.admin,
                now, lastKnown, selfFencing(nodes, now), k.attributes.view(transientOf(k, reportsNow)));
    }

    /** The transient attributes of the members whose reports are in {@code reports}, this node's from itself. */
    static Map<String, Map<String, String>> transientOf(ClusterKnowledge k, Map<String, NodeReport> reports) {
        var result = new HashMap<String, Map<String, String>>();
        for (var n : k.view.members().keySet()) {
            var r = reports.get(n);
            if (n.equals(k.self)) {
                result.put(n, k.attributes.transientOwn());
            } else if (r != null && !k.fenced.contains(n)) {
                result.put(n, r.attributes());
            }
        }
        return result;
    }

    /**
     * For the watchdog rule: when each lost node was lost, on the wall clock of {@code now} (a node
     * never heard since this agent started counts from the start, as Pacemaker's startup fencing
     * does), and whether this partition holds a quorum another partition cannot hold at the same
     * time (a majority of the votes, with the arbitrator's when it granted it).
     */
    private dev.vigil.scheduler.SelfFencingInput selfFencing(List<NodeInfo> nodes, Instant now) {
        var mono = k.monotonic.instant();
        var since = new HashMap<String, Instant>();
        for (var n : nodes) {
            if (n.condition() != NodeCondition.LOST) continue;
            var at = k.lostAt.getOrDefault(n.name(), k.startedAt);
            // Whole milliseconds, rounded up (never sooner): the two clocks' readings differ by some
            // nanoseconds on every call, and the plan's note (which shows it) would change on every tick.
            since.put(n.name(), now.minus(Duration.between(at, mono)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                    .plusMillis(1));
        }
        // A majority of the nodes' votes, or one made with the arbitrator's vote (granted to one partition only).
        return new dev.vigil.scheduler.SelfFencingInput(since, k.exclusiveQuorum);
    }

    private NodeCondition conditionOfAbsent(String name) {
        if (k.fenced.contains(name) || k.cleanlyLeft.contains(name)) return NodeCondition.OFFLINE;
        if (k.lost.contains(name)) return NodeCondition.LOST;
        // Never heard since this agent started: it may run anything (Pacemaker's startup fencing).
        var r = k.config.resources();
        return r.fencingConfigured() || r.watchdog().isPresent() ? NodeCondition.LOST : NodeCondition.OFFLINE;
    }

    private void dispatch(Plan plan, FencingPriority priority) {
        var lanes = new DispatchLanes(this::cloned, inFlight.values());
        var inFlightIds = new HashSet<String>();
        inFlight.values().forEach(a -> inFlightIds.add(a.id()));
        for (var a : plan.actions()) {
            if (!a.after().isEmpty()) continue;
            if (a.kind() == ActionKind.FENCE) {
                fencing.fence(a.node(), a.reason(), priority.delayFor(a.node()));
                continue;
            }
            String resource = a.resource().orElseThrow();
            var op = Operation.of(a.kind());
            if (inFlightIds.contains(a.id()) || !lanes.free(resource, a.node(), op)) continue;
            long seq = nextSeq++;
            var d = new DispatchedAction(seq, a.id(), op, resource, a.node(), a.meta());
            inFlight.put(seq, d);
            lanes.take(resource, a.node(), op);
            notifications.dispatching(a, plan);
            LOG.info("dispatch {} ({})", a.id(), a.reason());
        }
        // Post notifications of operations that succeeded, which the new plan no longer lists.
        for (var p : notifications.ready()) {
            long seq = nextSeq++;
            inFlight.put(seq, new DispatchedAction(seq, p.id(), Operation.NOTIFY, p.resource().orElseThrow(), p.node(),
                    p.meta()));
            LOG.info("dispatch {} ({})", p.id(), p.reason());
        }
    }

    private boolean cloned(String resource) {
        return k.config.resources().resource(resource).map(ResourceSpec::cloned).orElse(false);
    }
}
