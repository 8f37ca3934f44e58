package dev.vigil.coordination;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.control.HistoryReport;
import dev.vigil.fencing.FenceReport;
import dev.vigil.heartbeat.Extension;
import dev.vigil.membership.MembershipEvent;
import dev.vigil.membership.MembershipView;
import dev.vigil.model.ResourceStatus;
import dev.vigil.quorum.ArbitratedQuorum;
import dev.vigil.quorum.ArbitratorVote;
import dev.vigil.quorum.QuorumPolicy;
import dev.vigil.resources.LocalResourceManager;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.NodeCondition;
import dev.vigil.scheduler.NodeInfo;
import dev.vigil.scheduler.Plan;
import dev.vigil.scheduler.ResourceOnNode;
import dev.vigil.scheduler.SchedulerInput;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// The rooms (issue 10): this class is the event loop, its inputs and outputs; the follower role
// is FollowerRole, the coordinator role CoordinatorRole, fencing NodeFencing, operator requests
// OperatorRequests, the persisted operator state OperatorStateFile; what they all know of the
// cluster is ClusterKnowledge. All of them run on the one coordination thread.
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
    private static final Duration TICK = Duration.ofSeconds(1);

    /** Runs fence agents for the coordinator; blocking, called off the event thread. */
    public interface Fencer {
        /** @param delay waited before the first device runs (priority_fencing_delay); devices' own delays come on top */
        FenceReport fence(String node, Duration delay);
    }

    private final ClusterKnowledge k;
    private final ClusterHistory history;
    /** Opened by this object (not handed in by the agent), so closed by it too. */
    private boolean ownsHistory;
    private final OperatorRequests requests;
    private final FollowerRole follower;
    private final NodeFencing fencing;
    private final CoordinatorRole coordinator;
    private final Function<SchedulerInput, Plan> scheduler;
    private volatile long steps;
    private final Runnable publishNow;
    private final GossipCodec codec = new GossipCodec();
    private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private Thread thread;
    private volatile boolean running;

    /** Extensions of one authenticated packet; called for every packet, so it must be cheap. */
    private final Map<String, Extension> lastSeen = new ConcurrentHashMap<>();

    // ---- outputs, read by the heartbeat sender's thread
    private volatile List<Extension> outgoing = List.of();
    private volatile CoordinationStatus status;
    private volatile Map<String, Map<String, String>> transientAttributes = Map.of();
    private volatile Consumer<CoordinationStatus> statusListener = s -> { };

    // ---- the quorum arbitrator (docs/arbitrator.md); its client runs on a thread of its own
    private volatile Supplier<ArbitratorVote> arbitratorVote = () -> ArbitratorVote.NOT_CONFIGURED;
    private ArbitratedQuorum arbitrated;
    /** When this node's view last lost a node (dead or left); on the coordination thread. */
    private Instant lastLoss;

    /** With a history of its own in {@code stateDir}. */
    public Coordination(String self, long incarnation, ClusterConfig config, LocalResourceManager lrm,
                        Function<SchedulerInput, Plan> scheduler, Fencer fencer, BooleanSupplier pingOk,
                        Clock wallClock, Clock monotonic, Path stateDir, Runnable publishNow) {
        this(self, incarnation, config, lrm, scheduler, fencer, pingOk, wallClock, monotonic, stateDir, publishNow,
                ClusterHistory.open(self, stateDir));
        this.ownsHistory = true;
    }

    /** @param history where operations and fences are recorded (the agent's, shared with its event log) */
    public Coordination(String self, long incarnation, ClusterConfig config, LocalResourceManager lrm,
                        Function<SchedulerInput, Plan> scheduler, Fencer fencer, BooleanSupplier pingOk,
                        Clock wallClock, Clock monotonic, Path stateDir, Runnable publishNow,
                        ClusterHistory history) {
        this.history = history;
        this.scheduler = scheduler;
        this.publishNow = publishNow;
        var adminFile = new OperatorStateFile(stateDir);
        this.k = new ClusterKnowledge(self, incarnation, config, lrm, pingOk, wallClock, monotonic, this::post,
                adminFile, history);
        this.requests = new OperatorRequests(k);
        this.fencing = new NodeFencing(k, fencer);
        this.follower = new FollowerRole(k, requests);
        this.coordinator = new CoordinatorRole(k, scheduler, follower, fencing, requests);
        k.admin = adminFile.load();
        this.arbitrated = ArbitratedQuorum.of(config);
        k.attributes = new NodeAttributes(self, Optional.of(stateDir.resolve("attributes")), this::onLocalChange);
        lrm.onOperation((resource, op, result, failed, atMs) -> history.operation(new HistoryReport.OperationRecord(
                atMs, self, resource, op, LocalResourceManager.outcomeWords(result),
                result.exitCode().isPresent() ? result.exitCode().getAsInt() : null, result.exitReason().orElse(null),
                result.duration().toMillis(), failed)));
        k.view = new MembershipView(0, new TreeMap<>(Map.of(self, incarnation)));
        this.status = snapshotStatus();
    }

    public void start() {
        running = true;
        warmUpScheduler();
        // Not from construction: a slow start must not use up initdead (FailureDetector.beginWatching).
        k.startedAt = k.monotonic.instant();
        k.lrm.setMaintenance(k.admin.maintenance());
        thread = new Thread(this::loop, "vigil-coordination");
        thread.setDaemon(true);
        thread.start();
        // A node starts by learning what already runs on it, whoever coordinates.
        k.lrm.probeAll();
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
        var config = k.config;
        var nodes = config.nodeNames().stream()
                .map(n -> new NodeInfo(n, NodeCondition.ONLINE, false, true)).toList();
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        for (var r : config.resources().resources()) {
            for (var n : config.nodeNames()) {
                statuses.put(new ResourceOnNode(r.id(), n), ResourceStatus.STOPPED);
            }
        }
        var input = new SchedulerInput(config.resources(), nodes, true, statuses, Map.of(), AdminState.INITIAL,
                k.wallClock.instant());
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
            k.view = newView;
            if (event.kind() == MembershipEvent.Kind.DEAD || event.kind() == MembershipEvent.Kind.LEFT) {
                lastLoss = k.monotonic.instant();
            }
            switch (event.kind()) {
                case DEAD -> {
                    k.lost.add(event.node());
                    k.lostAt.put(event.node(), k.monotonic.instant());
                }
                case LEFT -> {
                    k.cleanlyLeft.add(event.node());
                    k.lost.remove(event.node());
                }
                case JOINED, RESTARTED -> {
                    k.lost.remove(event.node());
                    k.cleanlyLeft.remove(event.node());
                    k.fenced.remove(event.node());
                    // Its old report described a life that is over, and so did what was dispatched to it.
                    k.reports.remove(event.node());
                    k.directives.remove(event.node());
                    // A new life's first report may repeat the bytes of the old one and must not be
                    // skipped as already seen. Forgotten here, after the removals above and not when
                    // the event arrives: a packet decoded in between would be stored (queued before
                    // this), then removed here, and every repeat of it skipped as seen — for ever,
                    // if it never changes (a coordinator waiting for this node's probe).
                    lastSeen.keySet().removeIf(key -> key.startsWith(event.node() + "/"));
                    coordinator.forgetDispatchesTo(event.node());
                }
                default -> { }
            }
        });
    }

    public void onExtensions(String sender, List<Extension> extensions) {
        k.heard.put(sender, k.monotonic.instant());
        if (coordinator.heldBackFor(sender)) {
            post(() -> { }); // the coordinator held back for this member: re-plan now, not at the next tick
        }
        for (var e : extensions) {
            String key = sender + "/" + e.type();
            if (e.equals(lastSeen.get(key))) continue;
            lastSeen.put(key, e);
            try {
                codec.report(e).ifPresent(r -> post(() -> {
                    if (r.node().equals(sender)) {
                        k.reports.put(sender, r);
                        k.attributes.merge(r.permanentAttributes());
                    }
                }));
                codec.directive(e).ifPresent(d -> post(() -> {
                    if (d.coordinator().equals(sender)) k.directives.put(sender, d);
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
            k.config = newConfig;
            k.quorumPolicy = QuorumPolicy.of(newConfig);
            arbitrated = ArbitratedQuorum.of(newConfig);
            k.lrm.reconfigure(newConfig.resources());
        });
    }

    /**
     * The quorum arbitrator's client: its vote counts in quorum from now on. {@link #onArbitratorChange}
     * is how it says its answer changed.
     */
    public void useArbitrator(Supplier<ArbitratorVote> vote) {
        this.arbitratorVote = vote;
        post(() -> { });
    }

    /** The arbitrator's answer changed: re-evaluate quorum now, not at the next tick. */
    public void onArbitratorChange() {
        post(() -> { });
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
        if (stall.compareTo(k.config.timing().deadtime()) >= 0) {
            LOG.error("this agent was frozen for {} ms (deadtime {} ms): the cluster has declared this node dead; "
                    + "stopping its resources now", stall.toMillis(), k.config.timing().deadtime().toMillis());
            // At once, from this thread: the event loop was frozen too and may have a backlog.
            k.lrm.stopAll("frozen longer than deadtime");
            post(() -> {
                if (coordinator.isCoordinating()) {
                    // Whatever it had in flight was decided before the freeze; if it is still the
                    // coordinator it starts over as a new one would: re-probe, then decide.
                    LOG.warn("stepping down as coordinator after the freeze");
                    coordinator.stepDown();
                }
            });
        }
    }


    /**
     * An operator's request; completes when the coordinator answers with the outcome (or the
     * deadline passes).
     */
    public CompletableFuture<AdminReply> request(String verb, List<String> args) {
        return requests.request(verb, args);
    }

    /** The node attributes of {@code crm_attribute} and {@code crm_master} (the control socket's {@code attribute} op). */
    public NodeAttributes attributes() {
        return k.attributes;
    }

    /** Every member's transient node attributes as this node last heard them, its own included. */
    public Map<String, Map<String, String>> transientAttributes() {
        return transientAttributes;
    }

    /** The operations, fences and events this node keeps. */
    public ClusterHistory history() {
        return history;
    }

    /** Steps the event loop has run: the watchdog pets only while this grows (docs/fencing.md). */
    public long steps() {
        return steps;
    }

    /** Whether this partition holds quorum now (the watchdog pets only while it does). */
    public boolean quorate() {
        return k.quorum.quorate();
    }

    /** What {@code vigil status} shows of resources, quorum and the coordinator. */
    public CoordinationStatus status() {
        return status;
    }

    /**
     * Told, on the coordination thread, each time the status snapshot changes (for the control
     * API's event stream); it must return quickly and never block.
     */
    public void onStatusChange(Consumer<CoordinationStatus> listener) {
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
        steps++; // only this thread writes it
        String coordinatorNode = k.coordinatorOf(k.view);
        int presentVotes = k.config.nodes().stream().filter(n -> k.view.members().containsKey(n.name()))
                .mapToInt(NodeConfig::votes).sum();
        var vote = arbitratorVote.get();
        k.quorum = arbitrated.evaluate(presentVotes, k.pingOk.getAsBoolean(), k.view.members().keySet(),
                vote, lastLoss, k.monotonic.instant());
        k.exclusiveQuorum = arbitrated.exclusive(presentVotes, k.config.totalVotes(), k.view.members().keySet(), vote,
                k.monotonic.instant());
        if (!coordinatorNode.equals(k.self) && coordinator.isCoordinating()) {
            coordinator.stepDown();
            coordinator.clearWaitingFor();
            LOG.info("node {} is the coordinator now", coordinatorNode);
        }
        // The coordinator is its own follower: what it dispatches to itself (or the re-probe it
        // asks of itself) is taken up in the same step, not a tick later. A few rounds reach the
        // fixed point; later work arrives as events anyway.
        for (int round = 0; round < 4; round++) {
            var before = coordinator.ownDirective();
            follower.follow(coordinatorNode.equals(k.self) ? coordinator.ownDirective() : k.directives.get(coordinatorNode));
            if (coordinatorNode.equals(k.self)) {
                coordinator.coordinate();
            }
            if (Objects.equals(before, coordinator.ownDirective())) break;
        }
        publish();
    }

    // ---- outputs

    private void publish() {
        var ext = new ArrayList<Extension>(2);
        ext.add(codec.encode(follower.ownReport()));
        var d = coordinator.ownDirective();
        if (d != null) ext.add(codec.encode(d));
        var previous = outgoing;
        outgoing = List.copyOf(ext);
        var previousStatus = status;
        status = snapshotStatus();
        if (!previous.equals(outgoing)) {
            publishNow.run();
        }
        if (!status.equals(previousStatus)) {
            recordPeerOperations(previousStatus, status);
            statusListener.accept(status);
        }
    }

    /**
     * Another member's operations, as its reports show them: its latest operation changed, or it
     * failed once more. Without rc and duration (a report carries only the words); this node's own
     * come from its resource manager with both. A member's first report after it (re)joined is
     * not news: what it shows was recorded when it happened, or before this agent started.
     */
    private void recordPeerOperations(CoordinationStatus before, CoordinationStatus after) {
        long now = k.wallClock.millis();
        after.resourcesByNode().forEach((node, entries) -> {
            if (node.equals(k.self)) return;
            var old = before.resourcesByNode().get(node);
            if (old == null) return;
            entries.forEach((id, e) -> {
                var was = old.get(id);
                if (was == null || e.lastOperation().isEmpty()) return;
                boolean failedAgain = e.failCount() > was.failCount();
                if (!failedAgain && e.lastOperation().equals(was.lastOperation())) return;
                String text = e.lastOperation();
                int colon = text.indexOf(": ");
                String op = colon < 0 ? text : text.substring(0, colon);
                String outcome = colon < 0 ? "" : text.substring(colon + 2);
                history.operation(new HistoryReport.OperationRecord(now, node, id, op, outcome, null, null, null,
                        failedAgain || e.status() == ResourceStatus.STOP_FAILED));
            });
        });
    }

    private CoordinationStatus snapshotStatus() {
        transientAttributes = CoordinatorRole.transientOf(k, k.reports);
        var byNode = new LinkedHashMap<String, Map<String, ResourceEntry>>();
        for (var n : k.config.nodeNames()) {
            if (n.equals(k.self)) {
                byNode.put(n, k.lrm.snapshot());
            } else if (k.view.members().containsKey(n) && k.reports.containsKey(n)) {
                byNode.put(n, k.reports.get(n).resources());
            }
        }
        // A follower knows what is in flight from the coordinator's directive, repeated on every
        // beat: status asked of any node shows the same Starting/Stopping.
        String coordinatorNode = k.coordinatorOf(k.view);
        var followed = coordinatorNode.equals(k.self) ? null : k.directives.get(coordinatorNode);
        var inFlight = followed != null ? followed.actions() : coordinator.inFlight();
        return new CoordinationStatus(coordinatorNode, k.quorum, k.admin, byNode, coordinator.lastPlan(),
                inFlight, coordinator.waitingFor(), Set.copyOf(k.lost), Set.copyOf(k.fenced));
    }

    @Override
    public void close() {
        running = false;
        fencing.shutdown();
        if (thread != null) {
            thread.interrupt();
        }
        requests.failWaiting();
        if (ownsHistory) history.close();
    }
}
