package dev.vigil.drill.run;

import dev.vigil.control.StatusReport;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.ClusterAccess.AgentEvent;
import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillClock;
import dev.vigil.drill.Kind;
import dev.vigil.drill.fault.Fault;
import dev.vigil.drill.fault.Faults;
import dev.vigil.drill.fault.RestoreStep;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.probe.Probes;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.Check;
import dev.vigil.drill.report.DrillReport.PhaseTime;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import dev.vigil.drill.report.DrillReport.Verdict;
import dev.vigil.drill.report.ReportStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of one drill, as an explicit state machine:
 * {@code PRECONDITIONS → INJECT → OBSERVE → RESTORE → VERDICT}.
 * <ul>
 * <li>PRECONDITIONS: the target exists, quorum, every node online, no failed actions, no maintenance,
 *     nothing in flight, no other drill (the store's lock), the kind can be injected, and every probe
 *     answers before anything is done. Any failure: verdict {@code refused} with the reason; nothing
 *     was touched, nothing to restore.</li>
 * <li>INJECT: the fault ({@link Fault#inject()}); a failure to inject aborts (and restores).</li>
 * <li>OBSERVE: polls the status every {@link Settings#poll()} while probes run and the agents' events
 *     are recorded, until the cluster noticed the fault, the fault's hold time passed (then it is
 *     undone), the cluster settled, the resources are where expected and every probe answers again,
 *     or until {@code limits.settle} after the injection. Aborted when a node other than the target
 *     is lost or the time budget is exceeded.</li>
 * <li>RESTORE: always, after an abort too: the fault undone, rules cleared, failures forgotten, a
 *     crashed agent restarted, then waited for (the target online, the cluster settled), each step
 *     reported.</li>
 * <li>VERDICT: pass, or fail naming the expectation and by how much, or aborted with why.</li>
 * </ul>
 * All timing goes through the injected {@link DrillClock}: tests run a whole drill on a fake one.
 */
public final class DrillRun {
    public enum Phase {
        PRECONDITIONS, INJECT, OBSERVE, RESTORE, VERDICT;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a watcher (the command line) is told as the run goes. */
    public interface Listener {
        /** The run's id (its report's), as soon as it is known: a console audits the start with it. */
        default void started(String id) {}

        default void phase(Phase phase) {}

        default void check(Check check) {}

        default void entry(TimelineEntry entry) {}
    }

    /** Creates the drill's fault; may say that this kind cannot be done here. */
    @FunctionalInterface
    public interface FaultSource {
        Fault create() throws Faults.Unsupported;
    }

    /**
     * @param poll          how often the status is read while observing and restoring
     * @param baselineGrace added to each probe's timeout and two intervals while waiting for its first answer
     * @param blackout      the blackout window (its name) that covers an instant, from the cluster's drill
     *                      schedule (docs/drills.md, "Scheduled drills"); a drill is refused inside one
     * @param runner        who runs the drill, as the cluster's drill lock names it (host and process)
     * @param fire          the schedule fire this run is ({@code entry@epochMs}), taken once in the cluster; empty by hand
     */
    public record Settings(Duration poll, Duration baselineGrace, java.util.function.Function<java.time.Instant, Optional<String>> blackout,
                           String runner, Optional<String> fire) {
        public static final Settings DEFAULT = new Settings(Duration.ofMillis(100), Duration.ofSeconds(2));

        public Settings(Duration poll, Duration baselineGrace) {
            this(poll, baselineGrace, t -> Optional.empty());
        }

        public Settings(Duration poll, Duration baselineGrace, java.util.function.Function<java.time.Instant, Optional<String>> blackout) {
            this(poll, baselineGrace, blackout, ProcessHandle.current().pid() + "@" + host(), Optional.empty());
        }

        public Settings withBlackout(java.util.function.Function<java.time.Instant, Optional<String>> b) {
            return new Settings(poll, baselineGrace, b, runner, fire);
        }

        public Settings withRunner(String r) {
            return new Settings(poll, baselineGrace, blackout, r, fire);
        }

        public Settings withFire(Optional<String> f) {
            return new Settings(poll, baselineGrace, blackout, runner, f);
        }

        private static String host() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "localhost";
            }
        }
    }

    private Check blackoutCheck() {
        var b = settings.blackout().apply(java.time.Instant.ofEpochMilli(clock.epochMillis()));
        return new Check("not inside a blackout", b.isEmpty(), b.map(n -> "inside blackout " + n).orElse("none now"));
    }

    private final Drill drill;
    private final ClusterAccess cluster;
    private final FaultSource faults;
    private final Probes probes;
    private final ReportStore store;
    private final DrillClock clock;
    private final Listener listener;
    private final Settings settings;
    private final Sightings seen;
    private final ClusterLease lease;

    /** A flapping cluster cannot grow a report without bound: the first this many events are kept. */
    static final int MAX_EVENTS = 10_000;
    private final List<AgentEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<TimelineEntry> own = new ArrayList<>();
    private final List<PhaseTime> phases = new ArrayList<>();
    private final List<RestoreStep> restoreSteps = new ArrayList<>();
    private long startNanos;
    private long phaseStart;
    private Phase phase;
    private long injectNanos = -1;
    private long injectEpochMs;
    private boolean settledInTime;
    private StatusReport lastStatus;
    private StatusReport endOfObserve;
    private String abortReason;
    /** For a fence drill: the cluster history's record of the target's fence since the injection ("" when none). */
    private String fenceRecord;
    private List<StatusReport> slipsBefore = List.of();
    private Map<String, Long> slips = Map.of();

    public DrillRun(Drill drill, ClusterAccess cluster, FaultSource faults, Probes probes, ReportStore store,
                    DrillClock clock, Listener listener, Settings settings) {
        this(drill, cluster, faults, probes, store, clock, listener, settings, ClusterLease.THREAD);
    }

    /** For tests on a fake clock: renewals of the cluster's lock run in place, so every number stays exact. */
    DrillRun(Drill drill, ClusterAccess cluster, FaultSource faults, Probes probes, ReportStore store,
             DrillClock clock, Listener listener, Settings settings, java.util.concurrent.Executor renewals) {
        this.drill = drill;
        this.cluster = cluster;
        this.faults = faults;
        this.probes = probes;
        this.store = store;
        this.clock = clock;
        this.listener = listener;
        this.settings = settings;
        this.seen = new Sightings(drill);
        this.lease = new ClusterLease(cluster, clock, drill.limits(), text -> note("lock", null, text), renewals);
    }

    /** The preconditions on the cluster as it is now, without running anything (for {@code run}'s confirmation). */
    public List<Check> preconditions() throws IOException {
        var other = store.tryLock(drill.name());
        Optional<String> holder = Optional.empty();
        if (other.isEmpty()) {
            holder = Optional.of(store.holder());
        } else {
            other.get().close();
        }
        StatusReport status;
        try {
            status = cluster.status();
        } catch (IOException e) {
            return List.of(new Check("an agent answers", false, e.getMessage()));
        }
        var checks = new ArrayList<>(Preconditions.check(drill, status, holder));
        checks.add(blackoutCheck());
        try {
            faults.create();
            checks.add(new Check("kind can be injected", true, drill.kind().key()));
        } catch (Faults.Unsupported e) {
            checks.add(new Check("kind can be injected", false, e.getMessage()));
        }
        return checks;
    }

    /** Runs the drill to its verdict; the report is saved in the store and returned. */
    public DrillReport run() throws IOException {
        startNanos = clock.nanos();
        long startEpoch = clock.epochMillis();
        String id = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(startEpoch)) + "-" + drill.name();
        listener.started(id);
        enter(Phase.PRECONDITIONS);

        StatusReport status;
        try {
            status = cluster.status();
        } catch (IOException e) {
            var checks = List.of(new Check("an agent answers", false, e.getMessage()));
            listener.check(checks.get(0));
            return finish(id, startEpoch, checks, null, "unknown", 0, Verdict.REFUSED, "no agent answers: " + e.getMessage(), List.of());
        }
        lastStatus = status;
        String digest = digest();
        // A schedule fire is claimed in the cluster first, whatever the run's outcome: a refusal is how
        // that fire was handled, and no runner elsewhere (with a stale log) may run it again.
        Check early = settings.fire().isPresent() ? clusterLock(id) : null;
        if (early != null && !early.ok()) {
            listener.check(early);
            return finish(id, startEpoch, List.of(early), null, digest, status.configVersion(), Verdict.REFUSED,
                    early.name() + ": " + early.detail(), List.of());
        }
        var lock = store.tryLock(drill.name());
        var checks = new ArrayList<>(Preconditions.check(drill, status, lock.isPresent() ? Optional.empty() : Optional.of(store.holder())));
        checks.add(blackoutCheck());
        Fault fault = null;
        try {
            fault = faults.create();
            checks.add(new Check("kind can be injected", true, drill.kind().key()));
        } catch (Faults.Unsupported e) {
            checks.add(new Check("kind can be injected", false, e.getMessage()));
        }
        checks.forEach(listener::check);
        var refused = checks.stream().filter(c -> !c.ok()).findFirst();
        if (refused.isPresent()) {
            if (lock.isPresent()) lock.get().close();
            try {
                return finish(id, startEpoch, checks, null, digest, status.configVersion(), Verdict.REFUSED,
                        refused.get().name() + ": " + refused.get().detail(), List.of());
            } finally {
                if (early != null) releaseClusterLock();
            }
        }
        // By hand, the cluster's lock after every local check passed: a refused drill takes nothing.
        // A granted one is released after the report is saved.
        var grant = early != null ? early : clusterLock(id);
        checks.add(grant);
        listener.check(grant);
        if (!grant.ok()) {
            lock.get().close();
            return finish(id, startEpoch, checks, null, digest, status.configVersion(), Verdict.REFUSED,
                    grant.name() + ": " + grant.detail(), List.of());
        }
        try (var released = (AutoCloseable) this::releaseClusterLock; var held = lock.get();
             var feed = cluster.events(this::onEvent)) {
            store.clearAbort();
            probes.start();
            var baseline = baseline();
            if (baseline.isPresent()) {
                checks.add(new Check("every probe answers", false, baseline.get()));
                listener.check(checks.get(checks.size() - 1));
                probes.close();
                return finish(id, startEpoch, checks, null, digest, status.configVersion(), Verdict.REFUSED,
                        "every probe answers: " + baseline.get(), List.of());
            }
            slipsBefore = cluster.statusOfEach();
            checks.add(new Check("every probe answers", true, drill.probes().isEmpty() ? "no probes" : "all answered"));
            listener.check(checks.get(checks.size() - 1));

            var asked = abortAsked(freshStatus());
            if (asked.isPresent()) {
                probes.close();
                store.clearAbort();
                return finish(id, startEpoch, checks, null, digest, status.configVersion(), Verdict.REFUSED,
                        asked.get() + " before anything was done", List.of());
            }
            enter(Phase.INJECT);
            injectNanos = clock.nanos();
            injectEpochMs = clock.epochMillis();
            String injected = null;
            try {
                injected = fault.inject();
                // At the injection's start (the timeline's zero); the text says how long making it took.
                noteAt(0, "inject", drill.kind().targetsNode() ? drill.target() : null, injected + " (took "
                        + Outages.millis(clock.nanos() - injectNanos) + " ms)");
                if (drill.kind() == Kind.SWITCHOVER) seen.noticed(clock.nanos()); // the move made is the notice
            } catch (Exception e) {
                abortReason = "injection failed: " + e.getMessage();
                note("inject", null, abortReason);
            }
            if (abortReason == null) {
                enter(Phase.OBSERVE);
                observe(fault);
            }
            endOfObserve = lastStatus;
            long observeEnd = clock.nanos();
            if (drill.kind() == Kind.FENCE && injected != null) fenceRecord = fenceRecord();

            enter(Phase.RESTORE);
            restore(fault);
            probes.close();
            store.clearAbort();
            slips = slipsDuring(slipsBefore, cluster.statusOfEach());
            return finish(id, startEpoch, checks, injected, digest, status.configVersion(), null, null,
                    probeSeries(observeEnd));
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The target's successful fence since the injection, as the cluster's history says. Agents stamp
     * records with their own clock: a second of slack for NTP offsets (the bed shares one clock).
     */
    private String fenceRecord() {
        try {
            return cluster.fencing().stream()
                    .filter(f -> f.target().equals(drill.target()) && f.fenced() && f.atMs() >= injectEpochMs - 1_000)
                    .map(f -> f.action() + " by " + f.by() + " at +" + (f.atMs() - injectEpochMs) + " ms (" + f.reason() + ")")
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    static final String CLUSTER_LOCK = ClusterLease.CHECK;

    private Check clusterLock(String id) {
        return lease.begin(id, drill.name(), settings.runner(), settings.fire());
    }

    private void releaseClusterLock() {
        // After the report is saved, so only the watcher hears of a failure; the short lease ends the lock.
        lease.release().ifPresent(text -> listener.entry(new TimelineEntry(0, "restore", null, "drill", text)));
    }

    /**
     * Why the run must abort now on someone's word: this machine's {@code vigil drill abort} (or
     * Ctrl-C), the mark {@code drill-abort} left on the cluster's lock (from any machine; seen in
     * {@code status}), or the lock lost.
     */
    private Optional<String> abortAsked(StatusReport status) {
        if (store.abortRequested()) return Optional.of("the operator aborted the drill (vigil drill abort, or Ctrl-C)");
        return lease.abortReason(status);
    }

    /** The status now, or the last one read when no agent answers. */
    private StatusReport freshStatus() {
        try {
            lastStatus = cluster.status();
        } catch (IOException e) {
            // the last one read serves
        }
        return lastStatus;
    }

    /** Each agent's heartbeat slips between two readings, for the agents that answered both times in one life. */
    static Map<String, Long> slipsDuring(List<StatusReport> before, List<StatusReport> after) {
        var out = new java.util.TreeMap<String, Long>();
        for (var b : before) {
            after.stream().filter(a -> a.node().equals(b.node()) && a.incarnation() == b.incarnation()).findFirst()
                    .ifPresent(a -> out.put(a.node(), a.heartbeat().slips() - b.heartbeat().slips()));
        }
        return out;
    }

    /** Empty when every probe answered once; else which did not and what it said last. */
    private Optional<String> baseline() throws InterruptedException {
        if (drill.probes().isEmpty()) return Optional.empty();
        Duration wait = Duration.ZERO;
        for (var p : drill.probes()) {
            var w = p.timeout().plus(p.interval().multipliedBy(2)).plus(settings.baselineGrace());
            if (w.compareTo(wait) > 0) wait = w;
        }
        long deadline = clock.nanos() + wait.toNanos();
        while (true) {
            var samples = probes.samples();
            var silent = drill.probes().stream().filter(p -> samples.stream().noneMatch(s -> s.probe().equals(p.name()) && s.ok())).toList();
            if (silent.isEmpty()) return Optional.empty();
            lease.renewIfDue();
            if (clock.nanos() >= deadline) {
                var p = silent.get(0);
                var last = samples.stream().filter(s -> s.probe().equals(p.name())).reduce((a, b) -> b);
                return Optional.of("probe " + p.name() + " (" + p.address() + ") did not answer within " + wait.toMillis()
                        + " ms before the drill" + last.map(s -> ": " + s.detail()).orElse(""));
            }
            clock.sleep(settings.poll());
        }
    }

    private void observe(Fault fault) throws InterruptedException {
        long budgetEnd = startNanos + drill.limits().budget().toNanos();
        long observeEnd = clock.nanos() + drill.limits().settle().toNanos();
        var hold = fault.holdFor();
        boolean undone = hold.isEmpty();
        boolean statusDown = false;
        boolean settledBefore = false;
        while (true) {
            long now = clock.nanos();
            lease.renewIfDue();
            var asked = abortAsked(lastStatus);
            if (asked.isPresent()) {
                abortReason = asked.get();
                note("abort", null, abortReason);
                return;
            }
            if (now >= budgetEnd) {
                abortReason = "the time budget of " + drill.limits().budget().toMillis() + " ms was exceeded";
                note("abort", null, abortReason);
                return;
            }
            if (!undone && now - injectNanos >= hold.get().toNanos()) {
                undone = true;
                fault.undo().ifPresent(step -> {
                    restoreSteps.add(step); // the fault's own end belongs to what was restored, whenever it happened
                    undoNote(step);
                });
                // A freeze shorter than deadtime may go unnoticed; after it the cluster must simply be whole.
                if (drill.kind() == Kind.AGENT_FREEZE) seen.noticed(clock.nanos());
            }
            try {
                var s = cluster.status();
                statusDown = false;
                lastStatus = s;
                var lostOthers = seen.lostOthers(s);
                if (drill.expect().noOtherNodeLost() && !lostOthers.isEmpty()) {
                    abortReason = "node " + String.join(", ", lostOthers) + " lost during the drill (not the target)";
                    note("abort", lostOthers.get(0), abortReason);
                    return;
                }
                seen.status(s, now, injectNanos);
                // Settled on two polls in a row: between a failure and the coordinator's plan there
                // may be a moment with nothing pending. Where resources end is judged afterwards
                // (the verdict), not waited for: a cluster that settled elsewhere is the finding.
                boolean settledNow = Preconditions.settled(s);
                if (seen.noticed() && undone && settledNow && settledBefore && serviceUp()) {
                    settledInTime = true;
                    return;
                }
                settledBefore = settledNow && seen.noticed();
            } catch (IOException e) {
                if (!statusDown) note("status", null, "no agent answered the status: " + e.getMessage());
                statusDown = true;
            }
            if (now >= observeEnd) {
                note("observe", null, "the cluster had not settled " + drill.limits().settle().toMillis() + " ms after the injection");
                return;
            }
            clock.sleep(settings.poll());
        }
    }

    /** Every probe's latest answer is good and came after the cluster noticed the fault. */
    private boolean serviceUp() {
        for (var p : drill.probes()) {
            var last = probes.last(p.name());
            if (last.isEmpty() || !last.get().ok() || last.get().startNanos() < seen.noticedNanos()) return false;
        }
        return true;
    }

    private void restore(Fault fault) throws InterruptedException {
        fault.undo().ifPresent(step -> {
            restoreSteps.add(step);
            undoNote(step);
        });
        for (var step : fault.restore()) {
            restoreSteps.add(step);
            note("restore", null, (step.ok() ? "" : "FAILED: ") + step.what() + (step.detail().isEmpty() ? "" : " — " + step.detail()));
        }
        // Back to normal: every node online (the target included) and nothing in flight.
        long deadline = clock.nanos() + drill.limits().settle().toNanos();
        long began = clock.nanos();
        String last = "no status";
        while (true) {
            lease.renewIfDue();
            try {
                var s = cluster.status();
                var offline = s.nodes().stream().filter(n -> !n.state().equals("alive") || !s.members().contains(n.name()))
                        .map(n -> n.name() + " " + n.state()).toList();
                if (offline.isEmpty() && Preconditions.settled(s)) {
                    var step = RestoreStep.done("every node online and the cluster settled",
                            "after " + Outages.millis(clock.nanos() - began) + " ms");
                    restoreSteps.add(step);
                    note("restore", null, step.what() + " " + step.detail());
                    return;
                }
                last = offline.isEmpty() ? "not settled" : "not online: " + String.join(", ", offline);
            } catch (IOException e) {
                last = "no agent answered: " + e.getMessage();
            }
            if (clock.nanos() >= deadline) {
                var step = RestoreStep.failed("every node online and the cluster settled",
                        "not within " + drill.limits().settle().toMillis() + " ms: " + last);
                restoreSteps.add(step);
                note("restore", null, "FAILED: " + step.what() + " — " + step.detail());
                return;
            }
            clock.sleep(settings.poll());
        }
    }

    private void undoNote(RestoreStep step) {
        note("undo", drill.kind().targetsNode() ? drill.target() : null, (step.ok() ? "" : "FAILED: ") + step.what()
                + (step.ok() ? "" : " — " + step.detail()));
    }

    private List<DrillReport.ProbeSeries> probeSeries(long observeEnd) {
        var samples = probes.samples();
        var series = new ArrayList<DrillReport.ProbeSeries>();
        for (var p : drill.probes()) {
            series.add(Outages.series(p, samples, injectNanos, observeEnd, probes.clockNote(p.name())));
        }
        return series;
    }

    private DrillReport finish(String id, long startEpoch, List<Check> checks, String injected, String digest, long version,
                               Verdict forced, String forcedReason, List<DrillReport.ProbeSeries> series)
            throws IOException {
        enter(Phase.VERDICT);
        var expectations = forced == null ? Expectations.evaluate(drill, series, endOfObserve, seen.fenced(), fenceRecord, seen.noticed(),
                settledInTime, seen.doubleHolders()) : List.<DrillReport.ExpectationResult>of();
        var decision = forced != null ? new Expectations.Decision(forced, forcedReason)
                : Expectations.decide(abortReason, expectations, restoreSteps);
        endPhase();
        List<AgentEvent> recorded;
        synchronized (events) {
            recorded = List.copyOf(events);
        }
        var timeline = new ArrayList<TimelineEntry>(TimelineEvents.entries(recorded, injectEpochMs));
        timeline.addAll(own);
        timeline.addAll(TimelineEvents.probeEntries(series));
        timeline.sort(java.util.Comparator.comparingLong(TimelineEntry::atMs));
        Long gap = series.isEmpty() ? null : series.stream().mapToLong(DrillReport.ProbeSeries::outageMs).max().orElse(0);
        var report = new DrillReport(id, drill.name(), drill.kind().key(), drill.target(), drill.file().toString(),
                lastStatus == null ? null : lastStatus.cluster(), version, digest, startEpoch,
                injectNanos < 0 ? 0 : injectEpochMs, decision.verdict().key(), decision.reason(), injected, gap, List.copyOf(checks),
                List.copyOf(phases), expectations, timeline, series, List.copyOf(restoreSteps), slips);
        store.save(report);
        return report;
    }

    private void enter(Phase next) {
        endPhase();
        phase = next;
        phaseStart = clock.nanos();
        listener.phase(next);
    }

    private void endPhase() {
        if (phase == null) return;
        long now = clock.nanos();
        phases.add(new PhaseTime(phase.key(), Outages.millis(phaseStart - startNanos), Outages.millis(now - phaseStart)));
        phase = null;
    }

    private void note(String kind, String node, String text) {
        noteAt(injectNanos < 0 ? Outages.millis(clock.nanos() - startNanos) : Outages.millis(clock.nanos() - injectNanos),
                kind, node, text);
    }

    private void noteAt(long at, String kind, String node, String text) {
        var entry = new TimelineEntry(at, kind, node, "drill", text);
        own.add(entry);
        listener.entry(entry);
    }

    private void onEvent(AgentEvent e) {
        var ev = e.event();
        if ("status".equals(ev.kind())) return; // snapshots: the run reads the status itself
        if (events.size() < MAX_EVENTS) events.add(e);
        String kind = TimelineEvents.classify(ev.kind(), ev.message());
        if (injectNanos >= 0 && ev.atMs() >= injectEpochMs) seen.event(kind, ev.node(), clock.nanos());
        long at = injectNanos < 0 ? ev.atMs() - clock.epochMillis() : ev.atMs() - injectEpochMs;
        listener.entry(new TimelineEntry(at, kind, ev.node(), e.agent(), ev.message()));
    }

    private String digest() {
        try {
            var text = cluster.runningConfig();
            var sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unknown";
        }
    }
}
