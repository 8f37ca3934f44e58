package dev.vigil.resources;

import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ActionKind;
import dev.vigil.model.ResourceStatus;
import dev.vigil.model.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's resources: runs the operations the coordinator dispatches (and its own probes and
 * emergency stops), keeps each resource's state and failure count, and runs recurring monitors.
 * Like Pacemaker's executor it knows nothing of placement; it only reports, and every change
 * calls {@code onChange} so the node's report goes out at once.
 *
 * <p>Operations on one resource never overlap (the executor queues them per resource). A monitor
 * result is only believed if no start or stop happened since the monitor was scheduled: each
 * start bumps the resource's generation and the monitor carries the one it was scheduled under.
 *
 * <p>Its record is what a new coordinator decides from, as Pacemaker's DC decides from each node's
 * operation history: every state in it is the result of an operation this agent ran (a probe at
 * start or when a resource is added, then starts, stops and failed monitors), so once nothing is in
 * flight and nothing is unknown ({@link #settled()}) it is as fresh as a probe would be, without
 * forking one agent per resource on the takeover path.
 */
public final class LocalResourceManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalResourceManager.class);
    /** Failure count recorded when an agent says it cannot run on this node at all. */
    static final int NOT_INSTALLED_FAILURES = 1_000_000;

    private final String node;
    private final ResourceExecutor executor;
    private final Clock wallClock;
    private final Runnable onChange;
    private final ScheduledExecutorService monitorTimer;
    private volatile ResourcesConfig config;
    private volatile boolean maintenance;
    private volatile List<String> clusterNodes = List.of();
    private final Map<String, ResourceEntry> entries = new LinkedHashMap<>();
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> monitors = new HashMap<>();
    /** Probes, starts and stops submitted and not yet recorded, per resource. Monitors don't count: they only confirm. */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final List<CompletableFuture<Void>> settledWaiters = new ArrayList<>();
    private boolean closed;
    private volatile OperationListener operationListener = (resource, op, result, failed, atMs) -> { };

    /** Told of every operation whose result is recorded (probes, starts, stops, failed monitors). */
    public interface OperationListener {
        void done(String resource, String operation, OperationResult result, boolean failed, long atMs);
    }

    /** For the cluster history; called on the executor's thread, so it must not block. */
    public void onOperation(OperationListener listener) {
        this.operationListener = listener;
    }

    public LocalResourceManager(String node, ResourcesConfig config, ResourceExecutor executor, Clock wallClock,
                                Runnable onChange) {
        this.node = node;
        this.config = config;
        this.executor = executor;
        this.wallClock = wallClock;
        this.onChange = onChange;
        // Started now, not by the first thread that schedules a monitor (which may run real-time,
        // and a thread inherits its creator's scheduling policy; see ResourceExecutor).
        var timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            var t = new Thread(r, "vigil-monitor-timer");
            t.setDaemon(true);
            return t;
        });
        timer.prestartAllCoreThreads();
        this.monitorTimer = timer;
        config.resources().forEach(r -> entries.put(r.id(), ResourceEntry.UNKNOWN));
    }

    /** A copy of every resource's state on this node. */
    public synchronized Map<String, ResourceEntry> snapshot() {
        return Map.copyOf(entries);
    }

    /**
     * Completes once this node's record can answer a new coordinator: no probe, start or stop in
     * flight and no resource unknown. Operations a previous coordinator dispatched finish first
     * (they are queued per resource), so their results are part of the answer.
     */
    public CompletableFuture<Void> settled() {
        synchronized (this) {
            if (!isSettled()) {
                var waiter = new CompletableFuture<Void>();
                settledWaiters.add(waiter);
                return waiter;
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    private boolean isSettled() {
        return inFlight.isEmpty() && entries.values().stream().noneMatch(e -> e.status() == ResourceStatus.UNKNOWN);
    }

    private void begin(String id) {
        synchronized (this) {
            inFlight.merge(id, 1, Integer::sum);
        }
    }

    private void end(String id) {
        List<CompletableFuture<Void>> ready = List.of();
        synchronized (this) {
            inFlight.computeIfPresent(id, (k, n) -> n > 1 ? n - 1 : null);
            if (!settledWaiters.isEmpty() && isSettled()) {
                ready = List.copyOf(settledWaiters);
                settledWaiters.clear();
            }
        }
        ready.forEach(w -> w.complete(null));
    }

    /** Runs one dispatched action; the future completes once the new state is recorded. */
    public CompletableFuture<OperationResult> perform(ActionKind kind, String resourceId) {
        return perform(kind, resourceId, Map.of());
    }

    /**
     * Runs one dispatched action with the meta attributes the coordinator added (a notification's
     * {@code notify_*} variables); the future completes once the new state is recorded.
     */
    public CompletableFuture<OperationResult> perform(ActionKind kind, String resourceId, Map<String, String> extraMeta) {
        var spec = config.resource(resourceId);
        if (spec.isEmpty()) {
            return CompletableFuture.completedFuture(OperationResult.withoutRunning(Outcome.ERR_CONFIGURED,
                    "no resource " + resourceId + " in this node's configuration"));
        }
        return switch (kind) {
            case PROBE -> probe(spec.get());
            case START -> start(spec.get());
            case STOP -> stop(spec.get());
            case PROMOTE -> roleChange(spec.get(), Action.PROMOTE, ResourceStatus.PROMOTED);
            case DEMOTE -> roleChange(spec.get(), Action.DEMOTE, ResourceStatus.STARTED);
            case NOTIFY -> notify(spec.get(), extraMeta);
            case FENCE -> throw new IllegalArgumentException("fencing is not a resource operation");
        };
    }

    /** Where this node's clone instances are numbered from: the cluster's nodes, in file order. */
    public void setClusterNodes(List<String> nodes) {
        this.clusterNodes = List.copyOf(nodes);
    }

    /** Probes every resource: what a node does when it starts and what a new coordinator asks for. */
    public CompletableFuture<Void> probeAll() {
        var all = config.resources().stream().map(this::probe).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }

    /**
     * Stops everything this node may be running, groups in reverse order, without asking anyone:
     * for a node that learns it was thrown out of the membership, or lost quorum.
     */
    public CompletableFuture<Void> stopAll(String why) {
        var running = new ArrayList<ResourceSpec>();
        synchronized (this) {
            for (var r : config.resources()) {
                var status = entries.getOrDefault(r.id(), ResourceEntry.UNKNOWN).status();
                if (status != ResourceStatus.STOPPED) {
                    running.add(r);
                }
            }
        }
        if (running.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.warn("stopping every resource on {}: {}", node, why);
        java.util.Collections.reverse(running);
        // All of them in flight from now: the record is not settled until the last stop is done.
        running.forEach(r -> begin(r.id()));
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (var r : running) {
            chain = chain.thenCompose(x -> stopInAnyRole(r)).whenComplete((x, e) -> end(r.id()));
        }
        return chain.thenApply(x -> null);
    }

    /** Forgets a resource's failures and probes it again ({@code vigil resource cleanup}). */
    public CompletableFuture<OperationResult> cleanup(String resourceId) {
        var spec = config.resource(resourceId);
        if (spec.isEmpty()) {
            return CompletableFuture.completedFuture(OperationResult.withoutRunning(Outcome.ERR_CONFIGURED,
                    "no resource " + resourceId));
        }
        synchronized (this) {
            var e = entries.getOrDefault(resourceId, ResourceEntry.UNKNOWN);
            entries.put(resourceId, new ResourceEntry(e.status(), 0, 0, e.lastOperation(), "", e.lastRc()));
        }
        onChange.run();
        return probe(spec.get());
    }

    /** In maintenance nothing is monitored; monitors resume (after a probe) when it ends. */
    public void setMaintenance(boolean on) {
        if (maintenance == on) return;
        maintenance = on;
        if (on) {
            synchronized (this) {
                monitors.values().forEach(f -> f.cancel(false));
                monitors.clear();
            }
        } else {
            probeAll();
        }
    }

    /**
     * A new configuration: resources that vanished are stopped if they run here (with their old
     * definition; Pacemaker stops such orphans too) and forgotten, new ones are probed.
     */
    public void reconfigure(ResourcesConfig newConfig) {
        var old = this.config;
        var orphans = new ArrayList<ResourceSpec>();
        for (var r : old.resources()) {
            if (newConfig.resource(r.id()).isEmpty()) {
                orphans.add(r);
            }
        }
        java.util.Collections.reverse(orphans);
        CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        for (var r : orphans) {
            ResourceStatus status;
            synchronized (this) {
                status = entries.getOrDefault(r.id(), ResourceEntry.UNKNOWN).status();
            }
            if (status != ResourceStatus.STOPPED) {
                LOG.info("resource {} was removed from the configuration; stopping it on {}", r.id(), node);
                begin(r.id());
                chain = chain.thenCompose(x -> stopInAnyRole(r)).whenComplete((x, e) -> end(r.id()));
            }
        }
        chain.whenComplete((x, e) -> {
            this.config = newConfig;
            var added = new ArrayList<ResourceSpec>();
            synchronized (this) {
                entries.keySet().removeIf(id -> newConfig.resource(id).isEmpty());
                for (var r : newConfig.resources()) {
                    if (!entries.containsKey(r.id())) {
                        entries.put(r.id(), ResourceEntry.UNKNOWN);
                        added.add(r);
                    }
                }
            }
            added.forEach(this::probe);
            onChange.run();
        });
    }

    private CompletableFuture<OperationResult> probe(ResourceSpec r) {
        var timeout = r.monitor().map(ResourceSpec.MonitorSpec::timeout).orElse(ResourceSpec.DEFAULT_OPERATION_TIMEOUT);
        return recorded(r, () -> submit(r, Action.MONITOR, timeout).thenApply(result -> {
            ResourceStatus status = switch (result.outcome()) {
                case SUCCESS, DEGRADED -> ResourceStatus.STARTED;
                case RUNNING_PROMOTED, DEGRADED_PROMOTED -> r.isPromotable() ? ResourceStatus.PROMOTED : ResourceStatus.FAILED;
                case FAILED_PROMOTED -> r.isPromotable() ? ResourceStatus.FAILED_PROMOTED : ResourceStatus.FAILED;
                case NOT_RUNNING -> ResourceStatus.STOPPED;
                // The agent cannot run here at all, so it certainly does not run here.
                case ERR_INSTALLED, ERR_CONFIGURED -> ResourceStatus.STOPPED;
                default -> ResourceStatus.FAILED;
            };
            boolean cannotRunHere = result.outcome() == Outcome.ERR_INSTALLED
                    || result.outcome() == Outcome.ERR_CONFIGURED;
            boolean failed = status == ResourceStatus.FAILED || status == ResourceStatus.FAILED_PROMOTED;
            record(r, status, "probe", result, cannotRunHere ? NOT_INSTALLED_FAILURES : failed ? 1 : 0);
            if (status.isStarted()) {
                scheduleMonitor(r, status);
            }
            return result;
        }));
    }

    private CompletableFuture<OperationResult> start(ResourceSpec r) {
        bumpGeneration(r.id());
        return recorded(r, () -> submit(r, Action.START, r.startTimeout()).thenApply(result -> {
            if (result.isSuccess()) {
                record(r, ResourceStatus.STARTED, "start", result, 0);
                scheduleMonitor(r, ResourceStatus.STARTED);
            } else {
                record(r, ResourceStatus.FAILED, "start", result, 1);
            }
            return result;
        }));
    }

    /**
     * A stop this node decides on its own (the agent leaves, quorum or the membership is lost): a
     * promoted instance is demoted first, as the scheduler would, since a promotable agent's stop
     * may refuse a promoted instance (Pacemaker's Stateful does). A failed demote does not keep it
     * from stopping.
     */
    private CompletableFuture<OperationResult> stopInAnyRole(ResourceSpec r) {
        ResourceStatus status;
        synchronized (this) {
            status = entries.getOrDefault(r.id(), ResourceEntry.UNKNOWN).status();
        }
        if (r.isPromotable() && (status == ResourceStatus.PROMOTED || status == ResourceStatus.FAILED_PROMOTED)) {
            return roleChange(r, Action.DEMOTE, ResourceStatus.STARTED).thenCompose(x -> stop(r));
        }
        return stop(r);
    }

    private CompletableFuture<OperationResult> stop(ResourceSpec r) {
        bumpGeneration(r.id());
        return recorded(r, () -> submit(r, Action.STOP, r.stopTimeout()).thenApply(result -> {
            boolean stopped = result.isSuccess() || result.outcome() == Outcome.NOT_RUNNING;
            record(r, stopped ? ResourceStatus.STOPPED : ResourceStatus.STOP_FAILED, "stop", result, stopped ? 0 : 1);
            return result;
        }));
    }

    /**
     * A promote or demote: on success the instance has its new role and the monitor of that role;
     * on failure it is failed (Pacemaker recovers it: demote or stop, start, and promote by score).
     */
    private CompletableFuture<OperationResult> roleChange(ResourceSpec r, Action action, ResourceStatus to) {
        bumpGeneration(r.id());
        return recorded(r, () -> submit(r, action, r.startTimeout()).thenApply(result -> {
            if (result.isSuccess()) {
                record(r, to, action.ocfName(), result, 0);
                scheduleMonitor(r, to);
            } else {
                // A promote that failed may have half promoted it: demoted before it is stopped.
                record(r, action == Action.PROMOTE ? ResourceStatus.FAILED_PROMOTED : ResourceStatus.FAILED,
                        action.ocfName(), result, 1);
            }
            return result;
        }));
    }

    /**
     * A clone notification: the agent learns what happens to the other instances. It changes no
     * state here and a failure is only logged, as in Pacemaker.
     */
    private CompletableFuture<OperationResult> notify(ResourceSpec r, Map<String, String> extraMeta) {
        var meta = new HashMap<>(meta(r));
        meta.putAll(extraMeta);
        var request = new OperationRequest(r.id(), r.agent(), Action.NOTIFY, r.params(), r.startTimeout(), Duration.ZERO,
                meta);
        CompletableFuture<OperationResult> f;
        try {
            f = executor.submit(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(OperationResult.withoutRunning(Outcome.ERR_GENERIC,
                    "executor closed: " + e.getMessage()));
        }
        return f.thenApply(result -> {
            if (!result.isSuccess()) {
                LOG.warn("resource {} notify ({} {}) on {}: {}", r.id(), extraMeta.get("notify_type"),
                        extraMeta.get("notify_operation"), node, describe(result));
            }
            return result;
        });
    }

    /** Counts an operation in flight from before it is queued until its result is recorded. */
    private CompletableFuture<OperationResult> recorded(ResourceSpec r,
            java.util.function.Supplier<CompletableFuture<OperationResult>> operation) {
        begin(r.id());
        return operation.get().whenComplete((result, e) -> end(r.id()));
    }

    private synchronized void bumpGeneration(String id) {
        generations.merge(id, 1L, Long::sum);
        var m = monitors.remove(id);
        if (m != null) {
            m.cancel(false);
        }
    }

    /** The recurring monitor of the instance's role ({@code status} STARTED or PROMOTED). */
    private synchronized void scheduleMonitor(ResourceSpec r, ResourceStatus status) {
        Role role = !r.isPromotable() ? Role.STARTED : status == ResourceStatus.PROMOTED ? Role.PROMOTED : Role.UNPROMOTED;
        var spec = r.monitorFor(role);
        if (spec.isEmpty() || maintenance || closed) return;
        var old = monitors.remove(r.id());
        if (old != null) {
            old.cancel(false);
        }
        long generation = generations.getOrDefault(r.id(), 0L);
        Duration interval = spec.get().interval();
        monitors.put(r.id(), monitorTimer.scheduleWithFixedDelay(() -> monitorOnce(r, spec.get(), role, generation),
                interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * Whether a monitor's outcome is what an instance in {@code role} should report: a promoted
     * instance answers OCF_RUNNING_PROMOTED (8), any other running one OCF_SUCCESS (0). An instance
     * that changed role by itself has failed, as in Pacemaker; OCF_FAILED_PROMOTED (9) always has.
     */
    static boolean expected(Role role, Outcome o) {
        return role == Role.PROMOTED ? o == Outcome.RUNNING_PROMOTED || o == Outcome.DEGRADED_PROMOTED
                : o == Outcome.SUCCESS || o == Outcome.DEGRADED;
    }

    private void monitorOnce(ResourceSpec r, ResourceSpec.MonitorSpec spec, Role role, long generation) {
        OperationResult result;
        try {
            result = executor.submit(new OperationRequest(r.id(), r.agent(), Action.MONITOR, r.params(),
                    spec.timeout(), spec.interval(), meta(r))).join();
        } catch (RuntimeException e) {
            return; // closing
        }
        if (expected(role, result.outcome())) return;
        synchronized (this) {
            if (generations.getOrDefault(r.id(), 0L) != generation || maintenance) {
                return; // a start or stop ran meanwhile: this result describes the past
            }
            var m = monitors.remove(r.id());
            if (m != null) {
                m.cancel(false);
            }
        }
        LOG.warn("resource {} on {}: monitor failed: {}", r.id(), node, describe(result));
        // A promoted instance that is still there in some form is demoted before it is stopped.
        boolean stillPromoted = role == Role.PROMOTED && result.outcome() != Outcome.NOT_RUNNING
                && result.outcome() != Outcome.SUCCESS;
        record(r, stillPromoted ? ResourceStatus.FAILED_PROMOTED : ResourceStatus.FAILED, "monitor", result, 1);
    }

    private CompletableFuture<OperationResult> submit(ResourceSpec r, Action action, Duration timeout) {
        var request = new OperationRequest(r.id(), r.agent(), action, r.params(), timeout, Duration.ZERO, meta(r));
        try {
            return executor.submit(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(OperationResult.withoutRunning(Outcome.ERR_GENERIC,
                    "executor closed: " + e.getMessage()));
        }
    }

    /**
     * Pacemaker passes the node's name as OCF_RESKEY_CRM_meta_on_node; some agents rely on it. A
     * clone's instance also learns its number and the clone's shape, as Pacemaker's do.
     */
    private Map<String, String> meta(ResourceSpec r) {
        if (!r.cloned()) {
            return Map.of("on_node", node);
        }
        return CloneMeta.of(r, node, clusterNodes);
    }

    private void record(ResourceSpec r, ResourceStatus status, String op, OperationResult result, int newFailures) {
        boolean changed;
        synchronized (this) {
            var previous = entries.getOrDefault(r.id(), ResourceEntry.UNKNOWN);
            int failCount = previous.failCount();
            long lastFailure = previous.lastFailureMs();
            if (newFailures > 0) {
                failCount = (int) Math.min((long) failCount + newFailures, NOT_INSTALLED_FAILURES);
                lastFailure = wallClock.millis();
            }
            String failed = newFailures > 0 || status == ResourceStatus.STOP_FAILED ? op + ": " + describe(result)
                    : previous.lastFailure();
            var next = new ResourceEntry(status, failCount, lastFailure, op + ": " + describe(result), failed,
                    ResourceEntry.ocfRc(result));
            changed = !next.equals(previous);
            entries.put(r.id(), next);
        }
        if (newFailures > 0 || status == ResourceStatus.STOP_FAILED) {
            LOG.warn("resource {} {} on {}: {}", r.id(), op, node, describe(result));
        } else {
            LOG.info("resource {} {} on {}: {} ({} ms)", r.id(), op, node, status.name().toLowerCase(java.util.Locale.ROOT),
                    result.duration().toMillis());
        }
        operationListener.done(r.id(), op, result, newFailures > 0 || status == ResourceStatus.STOP_FAILED,
                wallClock.millis());
        if (changed) {
            onChange.run();
        }
    }

    /**
     * The outcome in words, with the return code where it adds something and the reason: "SUCCESS",
     * "NOT_RUNNING (rc 7)", "killed by SIGKILL (exit 137)", "exit code 255, which OCF does not define".
     */
    static String describe(OperationResult result) {
        return outcomeWords(result) + result.exitReason().map(r -> " (" + r + ")").orElse("");
    }

    /**
     * The outcome in words without the reason, as {@link #describe} words it: "SUCCESS",
     * "NOT_RUNNING (rc 7)", "killed by SIGKILL (exit 137)" (for the cluster history).
     */
    public static String outcomeWords(OperationResult result) {
        Outcome o = result.outcome();
        if (o == Outcome.SUCCESS || result.exitCode().isEmpty()) {
            return o.toString();
        }
        int code = result.exitCode().getAsInt();
        var signal = Signals.fromExitCode(code);
        if (signal.isPresent() && o.ocfCode().map(c -> c != code).orElse(true)) {
            // A shell reports a child killed by signal n as 128+n, and so does the JDK for a
            // process that died of one: either way the agent did not exit by itself.
            return (o == Outcome.UNKNOWN_EXIT_CODE ? "" : o + ": ") + "killed by " + signal.get() + " (exit " + code + ")";
        }
        if (o == Outcome.UNKNOWN_EXIT_CODE) {
            return "exit code " + code + (code == 255 ? " (exit -1)" : "") + ", which OCF does not define";
        }
        return o + " (rc " + code + ")";
    }

    /** Statuses only, in configuration order, for logs and tests. */
    public synchronized List<String> describeAll() {
        var out = new ArrayList<String>();
        entries.forEach((id, e) -> out.add(id + "=" + e.status()));
        return out;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            monitors.values().forEach(f -> f.cancel(false));
            monitors.clear();
        }
        monitorTimer.shutdownNow();
    }
}
