package dev.vigil.wizard;

import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.Report;
import dev.vigil.playbook.steps.Step;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One plan or apply of a recipe, on a thread of its own so the screen never waits for it: what
 * each host is doing now and what each step did, as the engine tells it ({@link Engine.Listener},
 * called from one thread per host), then the engine's report. The page reads snapshots and
 * redraws when {@link #revision()} moves.
 */
final class WizardRun implements Engine.Listener {
    /** One host as the progress view shows it. */
    record HostState(String host, String running, List<Report.StepResult> done, boolean finished) {}

    private final boolean apply;
    private final String runId;
    private final Map<String, HostState> hosts = new LinkedHashMap<>();
    private final AtomicLong revision = new AtomicLong(1);
    private volatile Report report;
    private volatile String error;

    private WizardRun(boolean apply, String runId) {
        this.apply = apply;
        this.runId = runId;
    }

    /**
     * Starts the run and returns at once. {@code done} is called on the run's thread when it is
     * over (the report or the error is set by then).
     */
    static WizardRun start(Playbook pb, Map<String, String> values, WizardHosts where, boolean apply, String runId,
                           Step.FileWatcher watcher, Consumer<WizardRun> done) {
        var run = new WizardRun(apply, runId);
        synchronized (run) {
            for (String h : pb.hosts()) run.hosts.put(h, new HostState(h, "waiting", List.of(), false));
        }
        var t = new Thread(() -> {
            try {
                try (var opened = where.open(pb.hosts())) {
                    run.report = Engine.run(pb, values, opened.hosts(), apply, runId, watcher, run);
                }
            } catch (IOException | RuntimeException e) {
                run.error = e.getMessage() == null ? e.toString() : e.getMessage();
            } finally {
                try {
                    done.accept(run);
                } finally {
                    run.revision.incrementAndGet();
                }
            }
        }, "vigil-wizard-" + (apply ? "apply-" : "plan-") + runId);
        t.setDaemon(true); // the engine bounds every step; the console's exit must not wait for a run
        t.start();
        return run;
    }

    boolean apply() {
        return apply;
    }

    String runId() {
        return runId;
    }

    long revision() {
        return revision.get();
    }

    boolean finished() {
        return report != null || error != null;
    }

    Optional<Report> report() {
        return Optional.ofNullable(report);
    }

    /** Why the run could not run at all (a host that could not be opened); empty otherwise. */
    Optional<String> error() {
        return Optional.ofNullable(error);
    }

    synchronized List<HostState> hosts() {
        return List.copyOf(hosts.values());
    }

    // ---- Engine.Listener: one thread per host ---------------------------------------------------

    @Override
    public synchronized void stepStarted(String host, String step) {
        var h = hosts.get(host);
        if (h != null) hosts.put(host, new HostState(host, step, h.done(), false));
        revision.incrementAndGet();
    }

    @Override
    public synchronized void stepDone(String host, Report.StepResult result) {
        var h = hosts.get(host);
        if (h == null) return;
        var done = new ArrayList<>(h.done());
        done.add(result);
        hosts.put(host, new HostState(host, null, List.copyOf(done), false));
        revision.incrementAndGet();
    }

    @Override
    public synchronized void hostDone(Report.HostReport r) {
        hosts.put(r.host(), new HostState(r.host(), null, r.steps(), true));
        revision.incrementAndGet();
    }
}
