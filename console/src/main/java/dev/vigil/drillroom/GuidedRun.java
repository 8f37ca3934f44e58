package dev.vigil.drillroom;

import dev.vigil.drill.Drill;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.Check;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import dev.vigil.drill.report.ReportText;
import dev.vigil.drill.run.DrillRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One guided drill as the console shows it, an explicit state machine:
 * {@code CHECKING → READY | REFUSED}, then (confirmed by the page) {@code READY → RUNNING → DONE}.
 * The preconditions and the run happen on threads of their own, through the drill library's
 * {@link DrillRun} (the same run as {@code vigil drill run}); this object is the run's listener,
 * and the page reads snapshots of it and redraws when {@link #revision()} moves.
 */
final class GuidedRun implements DrillRun.Listener {
    enum Stage { CHECKING, READY, REFUSED, RUNNING, DONE }

    /** A long drill's live timeline keeps its newest entries; the report keeps all. */
    static final int MAX_ENTRIES = 2000;
    private static final java.util.Set<String> ONCE = java.util.Set.of("stop", "start", "failure", "fencing", "resource");

    private final Drill drill;
    private final AtomicLong revision = new AtomicLong(1);
    private final List<Check> checks = new ArrayList<>();
    private final List<Check> runChecks = new ArrayList<>();
    private final List<TimelineEntry> timeline = new ArrayList<>();
    private volatile Stage stage = Stage.CHECKING;
    private volatile DrillStarter.Prepared prepared;
    private volatile DrillRun.Phase phase;
    private volatile String id;
    private volatile DrillReport report;
    private volatile String error;
    private volatile Consumer<String> onStarted = id -> { };
    /** Counted down once the run ended (report kept and audited, or failed). */
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    private GuidedRun(Drill drill) {
        this.drill = drill;
    }

    /** Puts the run together and checks its preconditions; returns at once (stage CHECKING until they are known). */
    static GuidedRun check(Drill drill, DrillStarter starter) {
        var g = new GuidedRun(drill);
        var t = new Thread(() -> {
            try {
                g.prepared = starter.prepare(drill, g);
                var found = g.prepared.run().preconditions();
                synchronized (g) {
                    g.checks.addAll(found);
                }
                g.stage = found.stream().allMatch(Check::ok) ? Stage.READY : Stage.REFUSED;
            } catch (Exception e) {
                synchronized (g) {
                    g.checks.add(new Check("an agent answers", false, e.getMessage() == null ? e.toString() : e.getMessage()));
                }
                g.stage = Stage.REFUSED;
                g.closePrepared();
            } finally {
                g.revision.incrementAndGet();
            }
        }, "vigil-drillroom-check-" + drill.name());
        t.setDaemon(true); // only reads: nothing to finish
        t.start();
        return g;
    }

    /**
     * Runs the drill (READY only): {@code started} is told the run's id as soon as it has one,
     * {@code ended} when the verdict is in (the report saved) or the run failed. Not a daemon: a
     * console that is asked to stop in the middle of a drill lets restore finish first.
     */
    synchronized void start(Consumer<String> started, Consumer<GuidedRun> ended) {
        if (stage != Stage.READY) throw new IllegalStateException("not ready: " + stage);
        stage = Stage.RUNNING;
        onStarted = started;
        revision.incrementAndGet();
        var t = new Thread(() -> {
            try {
                report = prepared.run().run();
                prepared.keep().accept(report);
            } catch (Exception e) {
                error = e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                closePrepared();
                stage = Stage.DONE;
                revision.incrementAndGet();
                try {
                    ended.accept(this);
                } finally {
                    done.countDown();
                }
            }
        }, "vigil-drillroom-run-" + drill.name());
        t.start();
    }

    /** Waits until the run ended (its report kept and audited), at most {@code bound}; true when it did. */
    boolean awaitDone(java.time.Duration bound) throws InterruptedException {
        return done.await(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void closePrepared() {
        var p = prepared;
        if (p == null) return;
        try {
            p.close();
        } catch (Exception e) {
            // the fence runner's threads: nothing the operator can do about it
        }
    }

    Drill drill() {
        return drill;
    }

    Stage stage() {
        return stage;
    }

    long revision() {
        return revision.get();
    }

    synchronized List<Check> checks() {
        return List.copyOf(checks);
    }

    /** The checks as the run itself made them (they are checked again at its start; the probes' baseline is only there). */
    synchronized List<Check> runChecks() {
        return List.copyOf(runChecks);
    }

    synchronized List<TimelineEntry> timeline() {
        return List.copyOf(timeline);
    }

    Optional<DrillRun.Phase> phase() {
        return Optional.ofNullable(phase);
    }

    Optional<String> id() {
        return Optional.ofNullable(id);
    }

    Optional<DrillReport> report() {
        return Optional.ofNullable(report);
    }

    /** Why the run could not finish (an I/O error before a report existed); empty otherwise. */
    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /** The probes' samples so far, for the live strip. */
    List<ProbeSample> samples() {
        var p = prepared;
        return p == null || stage == Stage.CHECKING ? List.of() : p.samples().get();
    }

    // ---- DrillRun.Listener: the run's thread, and one thread per agent's event stream ------------

    @Override
    public void started(String runId) {
        id = runId;
        revision.incrementAndGet();
        onStarted.accept(runId);
    }

    @Override
    public void phase(DrillRun.Phase p) {
        phase = p;
        revision.incrementAndGet();
    }

    @Override
    public synchronized void check(Check c) {
        runChecks.add(c);
        revision.incrementAndGet();
    }

    @Override
    public synchronized void entry(TimelineEntry e) {
        if (ReportText.chatter(e)) return;
        // a stop, start, failure or fence is news once, though every agent reports it (as in the report);
        // a detection is each agent's own
        if (ONCE.contains(e.kind()) && timeline.stream().anyMatch(x -> x.kind().equals(e.kind()) && x.text().equals(e.text()))) return;
        if (timeline.size() >= MAX_ENTRIES) timeline.remove(0);
        timeline.add(e);
        revision.incrementAndGet();
    }
}
