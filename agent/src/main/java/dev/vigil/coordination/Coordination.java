package dev.vigil.coordination;

import dev.vigil.config.AtomicFile;
import dev.vigil.config.ClusterConfig;
import dev.vigil.fencing.FenceReport;
import dev.vigil.heartbeat.Extension;
import dev.vigil.membership.MembershipEvent;
import dev.vigil.membership.MembershipView;
import dev.vigil.model.ActionKind;
import dev.vigil.quorum.Quorum;
import dev.vigil.quorum.QuorumPolicy;
import dev.vigil.resources.LocalResourceManager;
import dev.vigil.resources.OperationResult;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Failures;
import dev.vigil.scheduler.NodeCondition;
import dev.vigil.scheduler.NodeInfo;
import dev.vigil.scheduler.Plan;
import dev.vigil.scheduler.PlannedAction;
import dev.vigil.scheduler.ResourceOnNode;
import dev.vigil.scheduler.SchedulerInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's part in running the cluster's resources: every node is a follower (it runs what the
 * coordinator dispatches to it and reports back), and the node that is first in file order among
 * the members of its view is also the coordinator (it alone decides, from the pure scheduler).
 *
 * <p>Everything happens on one thread, in order, from a queue of events (reports and directives
 * heard from peers, membership changes, results of local operations and fencing, operator
 * requests, a one-second tick), so the state below needs no locks. Reports and directives are
 * state, repeated on every heartbeat; an event is queued only when one changed.
 *
 * <p>The coordinator re-plans from scratch after every event and dispatches only the actions
 * whose predecessors are done and whose resource has nothing in flight: the scheduler sees the
 * effect of each finished step in the nodes' reports, so an aborted or half-finished transition
 * needs no special handling.
 *
 * <p>A new coordinator decides nothing until every member has answered it with a settled record
 * of its resources: nothing in flight, nothing unknown ({@link LocalResourceManager#settled()}).
 * Like Pacemaker's DC, which rebuilds the cluster's status from each node's operation history, it
 * does not re-probe: every state in a record comes from an operation that member's agent ran
 * itself (a probe when the agent started or the resource was added, then starts, stops and failed
 * monitors), so a settled record is as fresh as a probe, and a takeover after the coordinator's
 * death costs no fork before the first start. A member only answers the coordinator it follows
 * (the first configured node of its own view), so a dispatch from the dead coordinator it had
 * already begun is in flight in its record and is waited for, and one it had not begun is never
 * run. What a record cannot know — a resource without a monitor that died behind the cluster's
 * back — no probe at takeover would reliably catch either; {@code vigil resource cleanup} probes.
  */
public final class Coordination implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);
    private static final String ADMIN_FILE = "admin.json";
    private static final int MAX_REPLIES = 16;
    private static final Duration REPLY_DEADLINE = Duration.ofSeconds(120);
    private static final Duration FENCE_RETRY = Duration.ofSeconds(5);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final long REQUESTS_PER_LIFE = 1_000_000;

    /** Runs fence agents for the coordinator; blocking, called off the event thread. */
    public interface Fencer {
        FenceReport fence(String node);
    }

    private final String self;
    private final long incarnation;
    private ClusterConfig config;
    private final LocalResourceManager lrm;
    private final Function<SchedulerInput, Plan> scheduler;
    private final Fencer fencer;
    private final BooleanSupplier pingOk;
    private final Clock wallClock;
    private final Clock monotonic;
    private final Path stateDir;
    private final Runnable publishNow;
    private QuorumPolicy quorumPolicy;
    private final GossipCodec codec = new GossipCodec();
    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final Instant startedAt;
    private Thread thread;
    private volatile boolean running;

    // ---- what this node knows of the cluster
    private MembershipView view;
    private final Map<String, NodeReport> reports = new HashMap<>();
    private final Map<String, Directive> directives = new HashMap<>();
    private final Set<String> lost = new HashSet<>();
    private final Set<String> cleanlyLeft = new HashSet<>();
    private final Set<String> fenced = new HashSet<>();
    private AdminState admin;
    /** What the state file holds (null: unreadable): an unchanged state is not written again. */
    private AdminState savedAdmin;

    // ---- follower state, per coordinator life
    private String followed = "";
    private long followedIncarnation;
    /** The followed coordinator's latest request for this node's record that it has answered. */
    private long probeGenerationDone;
    private boolean answering;
    private final Set<Long> startedSeqs = new HashSet<>();
    private final Map<Long, Completion> completions = new LinkedHashMap<>();
    private final List<AdminRequest> myRequests = new ArrayList<>();
    private final Map<Long, CompletableFuture<AdminReply>> waiting = new HashMap<>();
    private long nextRequestId;

    // ---- coordinator state
    private boolean coordinating;
    private long probeGeneration;
    private long nextSeq = 1;
    private final Map<Long, DispatchedAction> inFlight = new LinkedHashMap<>();
    private final Set<String> fencesRunning = new HashSet<>();
    /**
     * Fence agents run here. Started with this object (on the agent's main thread), never from
     * the coordination thread: that thread runs real-time, a thread inherits its creator's
     * scheduling policy, and a fence agent forked from a real-time thread would run real-time.
     */
    private final java.util.concurrent.ThreadPoolExecutor fenceWorkers;
    private final Map<String, Instant> fenceRetryAt = new HashMap<>();
    private final Set<String> handledRequests = new HashSet<>();
    private final List<PendingReply> pendingReplies = new ArrayList<>();
    private final List<AdminReply> replies = new ArrayList<>();
    private volatile Plan lastPlan = Plan.EMPTY;
    private volatile Quorum quorum = new Quorum(false, "not yet known");
    private volatile String waitingFor = "";

    // ---- outputs, read by the heartbeat sender's thread
    private volatile List<Extension> outgoing = List.of();
    private volatile CoordinationStatus status;
    private volatile java.util.function.Consumer<CoordinationStatus> statusListener = s -> { };

    private record PendingReply(String node, AdminRequest request, Instant deadline) {}

    public Coordination(String self, long incarnation, ClusterConfig config, LocalResourceManager lrm,
                        Function<SchedulerInput, Plan> scheduler, Fencer fencer, BooleanSupplier pingOk,
                        Clock wallClock, Clock monotonic, Path stateDir, Runnable publishNow) {
        this.self = self;
        this.incarnation = incarnation;
        this.config = config;
        this.lrm = lrm;
        this.scheduler = scheduler;
        this.fencer = fencer;
        this.pingOk = pingOk;
        this.wallClock = wallClock;
        this.monotonic = monotonic;
        this.stateDir = stateDir;
        this.publishNow = publishNow;
        this.quorumPolicy = QuorumPolicy.of(config);
        this.startedAt = monotonic.instant();
        // Request ids must not repeat across this node's lives: the coordinator remembers which
        // it handled, and its recent replies name them. The incarnation grows with every start.
        this.nextRequestId = Math.multiplyExact(incarnation, REQUESTS_PER_LIFE) + 1;
        this.fenceWorkers = prestartedPool(config.nodeNames().size(), "vigil-fence-");
        var loaded = loadAdmin(stateDir);
        this.admin = loaded == null ? AdminState.INITIAL : loaded;
        this.savedAdmin = loaded;
        this.view = new MembershipView(0, new java.util.TreeMap<>(Map.of(self, incarnation)));
        this.status = snapshotStatus();
    }

    public void start() {
        running = true;
        warmUpScheduler();
        lrm.setMaintenance(admin.maintenance());
        thread = new Thread(this::loop, "vigil-coordination");
        thread.setDaemon(true);
        thread.start();
        // A node starts by learning what already runs on it, whoever coordinates.
        lrm.probeAll();
        publish();
    }

    /** Scheduler runs before this node may need one in earnest; about 10 ms of work. */
    private static final int WARM_UP_PLANS = 300;

    /**
     * Plans a few hundred times on a made-up state (every node online, every resource stopped)
     * so the JIT has compiled the scheduler before the first real failover: interpreted, the
     * first plan took ~30 ms, all of it added to that failover.
     */
    private void warmUpScheduler() {
        var nodes = config.nodeNames().stream()
                .map(n -> new NodeInfo(n, NodeCondition.ONLINE, false, true)).toList();
        var statuses = new HashMap<ResourceOnNode, dev.vigil.model.ResourceStatus>();
        for (var r : config.resources().resources()) {
            for (var n : config.nodeNames()) {
                statuses.put(new ResourceOnNode(r.id(), n), dev.vigil.model.ResourceStatus.STOPPED);
            }
        }
        var input = new SchedulerInput(config.resources(), nodes, true, statuses, Map.of(), AdminState.INITIAL,
                wallClock.instant());
        try {
            for (int i = 0; i < WARM_UP_PLANS; i++) {
                scheduler.apply(input);
            }
        } catch (RuntimeException e) {
            LOG.error("the scheduler fails on this configuration even with every resource stopped", e);
        }
    }

    // ---- inputs (any thread)

    public void onMembership(MembershipEvent event, MembershipView newView) {
        post(() -> {
            view = newView;
            switch (event.kind()) {
                case DEAD -> lost.add(event.node());
                case LEFT -> {
                    cleanlyLeft.add(event.node());
                    lost.remove(event.node());
                }
                case JOINED, RESTARTED -> {
                    lost.remove(event.node());
                    cleanlyLeft.remove(event.node());
                    fenced.remove(event.node());
                    // Its old report described a life that is over, and so did what was dispatched to it.
                    reports.remove(event.node());
                    directives.remove(event.node());
                    // A new life's first report may repeat the bytes of the old one and must not be
                    // skipped as already seen. Forgotten here, after the removals above and not when
                    // the event arrives: a packet decoded in between would be stored (queued before
                    // this), then removed here, and every repeat of it skipped as seen — for ever,
                    // if it never changes (a coordinator waiting for this node's probe).
                    lastSeen.keySet().removeIf(k -> k.startsWith(event.node() + "/"));
                    inFlight.values().removeIf(a -> a.node().equals(event.node()));
                }
                default -> { }
            }
        });
    }

    /** Extensions of one authenticated packet; called for every packet, so it must be cheap. */
    private final Map<String, Extension> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();
    /** When each peer was last heard (every heartbeat carries its report), by the monotonic clock. */
    private final Map<String, Instant> heard = new java.util.concurrent.ConcurrentHashMap<>();
    /** Members of the view the coordinator is waiting to hear from before it acts. */
    private volatile Set<String> silentMembers = Set.of();

    public void onExtensions(String sender, List<Extension> extensions) {
        heard.put(sender, monotonic.instant());
        if (silentMembers.contains(sender)) {
            post(() -> { }); // the coordinator held back for this member: re-plan now, not at the next tick
        }
        for (var e : extensions) {
            String key = sender + "/" + e.type();
            if (e.equals(lastSeen.get(key))) continue;
            lastSeen.put(key, e);
            try {
                codec.report(e).ifPresent(r -> post(() -> {
                    if (r.node().equals(sender)) reports.put(sender, r);
                }));
                codec.directive(e).ifPresent(d -> post(() -> {
                    if (d.coordinator().equals(sender)) directives.put(sender, d);
                }));
            } catch (IllegalArgumentException ex) {
                lastSeen.remove(key);
                LOG.warn("node {} sent an unreadable {}: {}", sender, e, ex.getMessage());
            }
        }
    }

    /**
     * A newer cluster file was adopted: resources, groups, constraints, policy, fencing and ping
     * take effect at once (resources that vanished are stopped first).
     */
    public void reconfigure(ClusterConfig newConfig) {
        post(() -> {
            config = newConfig;
            quorumPolicy = QuorumPolicy.of(newConfig);
            lrm.reconfigure(newConfig.resources());
        });
    }

    /** The local resource manager changed something; the report must go out now. */
    public void onLocalChange() {
        post(() -> { });
    }

    /**
     * This process stood still for {@code stall} (SIGSTOP, a frozen VM). Longer than deadtime
     * means the peers have declared it dead and may already run its resources elsewhere: it must
     * not serve a moment longer, whatever it believes.
     */
    public void onStall(Duration stall) {
        if (stall.compareTo(config.timing().deadtime()) >= 0) {
            LOG.error("this agent was frozen for {} ms (deadtime {} ms): the cluster has declared this node dead; "
                    + "stopping its resources now", stall.toMillis(), config.timing().deadtime().toMillis());
            // At once, from this thread: the event loop was frozen too and may have a backlog.
            lrm.stopAll("frozen longer than deadtime");
            post(() -> {
                if (coordinating) {
                    // Whatever it had in flight was decided before the freeze; if it is still the
                    // coordinator it starts over as a new one would: re-probe, then decide.
                    LOG.warn("stepping down as coordinator after the freeze");
                    coordinating = false;
                    inFlight.clear();
                    pendingReplies.clear();
                }
            });
        }
    }


    /**
     * An operator's request; completes when the coordinator answers with the outcome (or the
     * deadline passes).
     */
    public CompletableFuture<AdminReply> request(String verb, List<String> args) {
        var future = new CompletableFuture<AdminReply>();
        post(() -> {
            var req = new AdminRequest(nextRequestId++, verb, args);
            myRequests.add(req);
            waiting.put(req.id(), future);
        });
        return future.orTimeout(REPLY_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
    }

    /** What {@code vigil status} shows of resources, quorum and the coordinator. */
    public CoordinationStatus status() {
        return status;
    }

    /**
     * Told, on the coordination thread, each time the status snapshot changes (for the control
     * API's event stream); it must return quickly and never block.
     */
    public void onStatusChange(java.util.function.Consumer<CoordinationStatus> listener) {
        this.statusListener = listener;
    }

    /** What the heartbeat sender attaches to every beat. */
    public List<Extension> outgoing() {
        return outgoing;
    }

    // ---- the event loop

    private void post(Runnable r) {
        events.add(r);
    }

    private void loop() {
        Instant nextTick = monotonic.instant();
        while (running) {
            try {
                var first = events.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
                if (!running) return;
                if (first != null) {
                    first.run();
                    Runnable more;
                    while ((more = events.poll()) != null) {
                        more.run();
                    }
                }
                step();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("coordination step failed; carrying on", e);
            }
        }
    }

    private void step() {
        String coordinator = coordinatorOf(view);
        int presentVotes = config.nodes().stream().filter(n -> view.members().containsKey(n.name()))
                .mapToInt(dev.vigil.config.NodeConfig::votes).sum();
        quorum = quorumPolicy.evaluate(presentVotes, pingOk.getAsBoolean());
        if (!coordinator.equals(self) && coordinating) {
            coordinating = false;
            inFlight.clear();
            pendingReplies.clear();
            waitingFor = "";
            LOG.info("node {} is the coordinator now", coordinator);
        }
        // The coordinator is its own follower: what it dispatches to itself (or the re-probe it
        // asks of itself) is taken up in the same step, not a tick later. A few rounds reach the
        // fixed point; later work arrives as events anyway.
        for (int round = 0; round < 4; round++) {
            var before = ownDirective();
            follow(coordinator);
            if (coordinator.equals(self)) {
                coordinate();
            }
            if (java.util.Objects.equals(before, ownDirective())) break;
        }
        publish();
    }

    /** First configured node among the members: every node of a partition agrees without talking. */
    private String coordinatorOf(MembershipView v) {
        return config.nodeNames().stream().filter(v.members()::containsKey).findFirst().orElse(self);
    }

    // ---- follower

    private void follow(String coordinator) {
        var d = coordinator.equals(self) ? ownDirective() : directives.get(coordinator);
        if (d == null) return;
        if (!d.coordinator().equals(followed) || d.coordinatorIncarnation() != followedIncarnation) {
            followed = d.coordinator();
            followedIncarnation = d.coordinatorIncarnation();
            probeGenerationDone = 0;
            startedSeqs.clear();
            completions.clear();
        }
        if (d.admin().version() > admin.version()) {
            admin = d.admin();
            saveAdmin();
            lrm.setMaintenance(admin.maintenance());
        }
        if (d.probeGeneration() > probeGenerationDone && !answering) {
            // A new coordinator (or one starting over) asks for this node's record: answered as
            // soon as it is settled, at once when nothing is in flight (see the class comment).
            answering = true;
            long generation = d.probeGeneration();
            String forCoordinator = followed;
            long forIncarnation = followedIncarnation;
            lrm.settled().whenComplete((x, e) -> post(() -> {
                answering = false;
                if (stillFollowing(forCoordinator, forIncarnation)) {
                    probeGenerationDone = Math.max(probeGenerationDone, generation);
                }
            }));
        }
        var listed = new HashSet<Long>();
        for (var a : d.actions()) {
            listed.add(a.seq());
            if (!a.node().equals(self) || startedSeqs.contains(a.seq())) continue;
            startedSeqs.add(a.seq());
            String forCoordinator = followed;
            long forIncarnation = followedIncarnation;
            LOG.info("{} {} on {} (dispatched by {})", a.op().wire(), a.resource(), self, d.coordinator());
            perform(a).whenComplete((result, e) -> post(() -> {
                if (!stillFollowing(forCoordinator, forIncarnation)) return;
                boolean ok = e == null && (result.isSuccess() || (a.op() == Operation.STOP
                        && result.outcome() == dev.vigil.resources.Outcome.NOT_RUNNING)
                        || a.op() == Operation.PROBE && e == null);
                completions.put(a.seq(), new Completion(a.seq(), ok,
                        e != null ? e.toString() : result.outcome().name()));
            }));
        }
        // The coordinator stops listing a dispatch once it has seen our answer.
        completions.keySet().removeIf(seq -> !listed.contains(seq));
        for (var reply : d.replies()) {
            if (!reply.node().equals(self)) continue;
            var f = waiting.remove(reply.id());
            myRequests.removeIf(r -> r.id() == reply.id());
            if (f != null) f.complete(reply);
        }
    }

    /**
     * Incarnations are per node (wall-clock millis at start), so two coordinators can share one:
     * only name and incarnation together identify a coordinator's life.
     */
    private boolean stillFollowing(String coordinator, long coordinatorIncarnation) {
        return coordinator.equals(followed) && coordinatorIncarnation == followedIncarnation;
    }

    /** The report answers this coordinator's life (its probes, its dispatches). */
    private boolean answersMe(NodeReport r) {
        return self.equals(r.coordinator()) && r.coordinatorIncarnation() == incarnation;
    }

    private CompletableFuture<OperationResult> perform(DispatchedAction a) {
        return switch (a.op()) {
            case PROBE -> lrm.perform(ActionKind.PROBE, a.resource());
            case START -> lrm.perform(ActionKind.START, a.resource());
            case STOP -> lrm.perform(ActionKind.STOP, a.resource());
            case CLEANUP -> lrm.cleanup(a.resource());
        };
    }

    private NodeReport ownReport() {
        return new NodeReport(self, followed, followedIncarnation, probeGenerationDone, lrm.snapshot(),
                List.copyOf(completions.values()), admin, List.copyOf(myRequests), pingOk.getAsBoolean());
    }

    // ---- coordinator

    private Directive ownDirective() {
        if (!coordinating) return null;
        return new Directive(self, incarnation, probeGeneration, List.copyOf(inFlight.values()), admin,
                List.copyOf(replies));
    }

    private void coordinate() {
        if (!coordinating) {
            coordinating = true;
            // Higher than in any earlier life of this incarnation as coordinator: an old probe answer must not count.
            probeGeneration++;
            inFlight.clear();
            // Requests still listed in reports were never answered (a coordinator died on them):
            // this coordinator takes them up again, even ones it saw in an earlier turn.
            handledRequests.clear();
            for (var r : reports.values()) {
                if (r.admin() != null && r.admin().version() > admin.version()) admin = r.admin();
            }
            saveAdmin();
            LOG.info("node {} is the coordinator (view {} = {}); waiting for every member's settled record before deciding",
                    self, view.number(), view.members().keySet());
            return; // followers (this node too) see the directive on the next step
        }
        var members = view.members().keySet();
        var reportsNow = new HashMap<String, NodeReport>();
        for (var m : members) {
            var r = m.equals(self) ? ownReport() : reports.get(m);
            if (r != null) reportsNow.put(m, r);
        }
        collectCompletions(reportsNow);
        adoptNewerAdmin(reportsNow.values());
        // A node never heard from since this agent started might be booting: give it initdead.
        boolean allNodesKnown = config.nodeNames().stream().allMatch(n -> members.contains(n)
                || lost.contains(n) || cleanlyLeft.contains(n) || fenced.contains(n));
        if (!allNodesKnown && Duration.between(startedAt, monotonic.instant()).compareTo(config.timing().initdead()) < 0) {
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
        // A lost node must be fenced whatever the records say, so fencing starts now and runs
        // while members finish what is in flight: a failover then costs max(those, fence), not their sum.
        if (quorum.quorate() && config.resources().fencingConfigured()) {
            for (var n : config.nodeNames()) {
                if (!members.contains(n) && conditionOfAbsent(n) == NodeCondition.LOST) {
                    fence(n, n + " lost");
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
        takeRequests(reportsNow);
        var input = schedulerInput(reportsNow);
        Plan plan = scheduler.apply(input);
        if (!plan.equals(lastPlan)) {
            if (!plan.actions().isEmpty() || !plan.notes().isEmpty()) {
                LOG.info("plan: {}{}", plan.actions().stream().map(PlannedAction::id).toList(),
                        plan.notes().isEmpty() ? "" : " notes: " + plan.notes());
            }
            lastPlan = plan;
        }
        dispatch(plan);
        answerRequests(plan);
    }

    /**
     * When partitions merge, a member may bring operator changes made on its side while this node
     * already coordinated; the newest state wins here too, not only when coordination begins.
     */
    private void adoptNewerAdmin(java.util.Collection<NodeReport> reportsNow) {
        var newest = admin;
        for (var r : reportsNow) {
            if (r.admin() != null && r.admin().version() > newest.version()) newest = r.admin();
        }
        if (newest != admin) {
            LOG.info("adopting operator state version {} from a member (had {})", newest.version(), admin.version());
            admin = newest;
            saveAdmin();
            lrm.setMaintenance(admin.maintenance());
        }
    }

    /**
     * Members not heard for longer than a healthy peer ever is: warntime, or less when warntime is
     * close to deadtime, so that the first peer declared dead by a cut-off node always finds the
     * others silent too (they all went quiet at the same moment, at most a keepalive apart).
     */
    private Set<String> silentMembers(Set<String> members) {
        var t = config.timing();
        var limit = t.deadtime().minus(t.keepalive().multipliedBy(2));
        if (t.warntime().compareTo(limit) < 0) limit = t.warntime();
        var now = monotonic.instant();
        var silent = new java.util.TreeSet<String>();
        for (var m : members) {
            if (m.equals(self)) continue;
            var last = heard.get(m);
            if (last == null || Duration.between(last, now).compareTo(limit) > 0) silent.add(m);
        }
        return silent;
    }

    private void collectCompletions(Map<String, NodeReport> reportsNow) {
        var it = inFlight.values().iterator();
        while (it.hasNext()) {
            var a = it.next();
            if (!view.members().containsKey(a.node())) {
                it.remove(); // its node is gone; the scheduler will deal with what it ran
                continue;
            }
            var r = reportsNow.get(a.node());
            if (r == null || !answersMe(r)) continue;
            r.completed().stream().filter(c -> c.seq() == a.seq()).findFirst().ifPresent(c -> {
                if (!c.ok()) {
                    LOG.warn("{} failed on {}: {}", a.id(), a.node(), c.outcome());
                }
                it.remove();
            });
        }
    }

    private SchedulerInput schedulerInput(Map<String, NodeReport> reportsNow) {
        var nodes = new ArrayList<NodeInfo>();
        var statuses = new HashMap<ResourceOnNode, dev.vigil.model.ResourceStatus>();
        var failures = new HashMap<ResourceOnNode, Failures>();
        for (var n : config.nodes()) {
            String name = n.name();
            var report = reportsNow.get(name);
            // A node fenced while still in the view (fenced for a failed stop, before deadtime has
            // passed) is powered off: its last report is stale and must not get it fenced again.
            if (view.members().containsKey(name) && !fenced.contains(name)) {
                nodes.add(new NodeInfo(name, NodeCondition.ONLINE, admin.standby().contains(name),
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
                nodes.add(new NodeInfo(name, conditionOfAbsent(name), admin.standby().contains(name), false));
            }
        }
        return new SchedulerInput(config.resources(), nodes, quorum.quorate(), statuses, failures, admin,
                wallClock.instant());
    }

    private NodeCondition conditionOfAbsent(String name) {
        if (fenced.contains(name) || cleanlyLeft.contains(name)) return NodeCondition.OFFLINE;
        if (lost.contains(name)) return NodeCondition.LOST;
        // Never heard since this agent started: it may run anything (Pacemaker's startup fencing).
        return config.resources().fencingConfigured() ? NodeCondition.LOST : NodeCondition.OFFLINE;
    }

    private void dispatch(Plan plan) {
        // One operation per resource at a time, cluster-wide; a clone's instances are separate.
        var busy = new HashSet<String>();
        inFlight.values().forEach(a -> busy.add(lane(a.resource(), a.node())));
        var inFlightIds = new HashSet<String>();
        inFlight.values().forEach(a -> inFlightIds.add(a.id()));
        for (var a : plan.actions()) {
            if (!a.after().isEmpty()) continue;
            if (a.kind() == ActionKind.FENCE) {
                fence(a.node(), a.reason());
                continue;
            }
            String resource = a.resource().orElseThrow();
            if (inFlightIds.contains(a.id()) || busy.contains(lane(resource, a.node()))) continue;
            long seq = nextSeq++;
            var d = new DispatchedAction(seq, a.id(), Operation.of(a.kind()), resource, a.node());
            inFlight.put(seq, d);
            busy.add(lane(resource, a.node()));
            LOG.info("dispatch {} ({})", a.id(), a.reason());
        }
    }

    private String lane(String resource, String node) {
        boolean cloned = config.resources().resource(resource).map(dev.vigil.config.ResourceSpec::cloned).orElse(false);
        return cloned ? resource + "@" + node : resource;
    }

    private void fence(String node, String reason) {
        if (fencesRunning.contains(node)) return;
        var retryAt = fenceRetryAt.get(node);
        if (retryAt != null && monotonic.instant().isBefore(retryAt)) return;
        fencesRunning.add(node);
        LOG.warn("fencing node {} ({})", node, reason);
        fenceWorkers.execute(() -> {
            FenceReport report;
            try {
                report = fencer.fence(node);
            } catch (RuntimeException | Error e) {
                // Whatever went wrong, the fence did not happen, and the coordinator must hear so:
                // a silent thread death would leave the takeover waiting for ever.
                report = new FenceReport(node, dev.vigil.fencing.FenceAction.OFF, false, List.of());
                LOG.error("fencing node {} threw", node, e);
            }
            var r = report;
            post(() -> {
                fencesRunning.remove(node);
                if (r.fenced()) {
                    LOG.warn("node {} fenced", node);
                    fenced.add(node);
                    lost.remove(node);
                    fenceRetryAt.remove(node);
                } else {
                    LOG.error("FENCING OF NODE {} FAILED: its resources will not start elsewhere until it is fenced "
                            + "or comes back; retrying in {} s. Attempts: {}", node, FENCE_RETRY.toSeconds(), r.attempts());
                    fenceRetryAt.put(node, monotonic.instant().plus(FENCE_RETRY));
                }
            });
        });
    }

    // ---- operator requests

    private void takeRequests(Map<String, NodeReport> reportsNow) {
        // Forget answered requests (no longer listed by their node), so this set stays small.
        var listed = new HashSet<String>();
        reportsNow.values().forEach(r -> r.requests().forEach(q -> listed.add(r.node() + "#" + q.id())));
        handledRequests.retainAll(listed);
        for (var r : reportsNow.values()) {
            for (var req : r.requests()) {
                String key = r.node() + "#" + req.id();
                if (!handledRequests.add(key)) continue;
                var problem = AdminRequests.validate(req, config);
                if (problem.isPresent()) {
                    addReply(new AdminReply(r.node(), req.id(), false, problem.get()));
                    continue;
                }
                var before = admin;
                admin = AdminRequests.apply(req, admin);
                if (admin != before) {
                    saveAdmin();
                    lrm.setMaintenance(admin.maintenance());
                }
                AdminRequests.directAction(req, reportsNow).ifPresent(a -> {
                    long seq = nextSeq++;
                    inFlight.put(seq, new DispatchedAction(seq, a.id(), a.op(), a.resource(), a.node()));
                });
                LOG.info("operator request from {}: {} {}", r.node(), req.verb(), req.args());
                pendingReplies.add(new PendingReply(r.node(), req, monotonic.instant().plus(REPLY_DEADLINE)));
            }
        }
    }

    /** A request is answered when the cluster has settled after it: no action left to do or in flight. */
    private void answerRequests(Plan plan) {
        if (pendingReplies.isEmpty()) return;
        boolean settled = inFlight.isEmpty() && plan.actions().isEmpty() && fencesRunning.isEmpty();
        var it = pendingReplies.iterator();
        while (it.hasNext()) {
            var p = it.next();
            boolean late = monotonic.instant().isAfter(p.deadline());
            if (!settled && !late) continue;
            var outcome = AdminRequests.outcome(p.request(), plan, config, late);
            addReply(new AdminReply(p.node(), p.request().id(), outcome.ok(), outcome.message()));
            it.remove();
        }
    }

    private void addReply(AdminReply reply) {
        replies.add(reply);
        while (replies.size() > MAX_REPLIES) replies.remove(0);
    }

    // ---- persistence of operator state

    /** The persisted operator state; INITIAL when there is none, null when the file is unreadable. */
    private static AdminState loadAdmin(Path stateDir) {
        var file = stateDir.resolve(ADMIN_FILE);
        if (!Files.exists(file)) return AdminState.INITIAL;
        try {
            return GossipJson.readAdmin(Files.readAllBytes(file));
        } catch (IOException e) {
            // Written atomically, so this is a hand-edit or a disk fault: the coordinator's copy will replace it.
            LOG.error("cannot read {}: {}; starting from no operator state", file, e.getMessage());
            return null;
        }
    }

    /**
     * Only when it changed: a write is an fsync, and a node that becomes coordinator saves the
     * state it adopted; the fsync took up to 20 ms on the takeover path.
     */
    private void saveAdmin() {
        if (admin.equals(savedAdmin)) return;
        try {
            AtomicFile.write(stateDir.resolve(ADMIN_FILE), GossipJson.write(admin));
            savedAdmin = admin;
        } catch (IOException e) {
            LOG.error("cannot persist operator state in {}: {}", stateDir, e.getMessage());
        }
    }

    // ---- outputs

    private void publish() {
        var ext = new ArrayList<Extension>(2);
        ext.add(codec.encode(ownReport()));
        var d = ownDirective();
        if (d != null) ext.add(codec.encode(d));
        var previous = outgoing;
        outgoing = List.copyOf(ext);
        var previousStatus = status;
        status = snapshotStatus();
        if (!previous.equals(outgoing)) {
            publishNow.run();
        }
        if (!status.equals(previousStatus)) {
            statusListener.accept(status);
        }
    }

    private CoordinationStatus snapshotStatus() {
        var byNode = new LinkedHashMap<String, Map<String, ResourceEntry>>();
        for (var n : config.nodeNames()) {
            if (n.equals(self)) {
                byNode.put(n, lrm.snapshot());
            } else if (view.members().containsKey(n) && reports.containsKey(n)) {
                byNode.put(n, reports.get(n).resources());
            }
        }
        return new CoordinationStatus(coordinatorOf(view), quorum, admin, byNode, lastPlan,
                List.copyOf(inFlight.values()), waitingFor, Set.copyOf(lost), Set.copyOf(fenced));
    }

    /** At most one fence per node runs at a time, so one thread per node is enough. */
    private static java.util.concurrent.ThreadPoolExecutor prestartedPool(int threads, String prefix) {
        var n = new java.util.concurrent.atomic.AtomicInteger();
        var pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    var t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    @Override
    public void close() {
        running = false;
        fenceWorkers.shutdown();
        if (thread != null) {
            thread.interrupt();
        }
        waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("agent stopping")));
    }
}
