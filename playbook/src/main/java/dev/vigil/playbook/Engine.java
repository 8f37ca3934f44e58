package dev.vigil.playbook;

import dev.vigil.config.Durations;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.steps.Facts;
import dev.vigil.playbook.steps.Step;
import dev.vigil.playbook.steps.Template;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a checked playbook on its hosts, as Ansible's linear strategy would with one difference:
 * each host goes through the steps at its own pace (Ansible's {@code free}), so a slow host does
 * not hold the others back.
 *
 * <ul>
 * <li>Hosts run in parallel, at most {@link Options#forks} at a time (default 10, as Ansible's).
 *     With {@code serial: N} they run in batches of N in the playbook's order; a batch finishes
 *     before the next starts, and a batch in which every host failed stops the run (Ansible does
 *     the same: a rolling change that broke a whole batch must not go on to the next).</li>
 * <li>Each host first gathers its {@link Facts}; a host whose facts cannot be gathered fails there
 *     ({@code unreachable} when the host cannot be reached at all).</li>
 * <li>On each host the steps run in order; the first failure stops that host, the others go on,
 *     unless {@code any_errors_fatal: true}: then no further step starts on any host, and the
 *     report says which host's failure stopped the run.</li>
 * <li>A step runs at most its {@code timeout:} ({@link Step.Context#DEFAULT_TIMEOUT} without one).
 *     It runs on a thread of its own, and the engine stops waiting for it at the timeout whatever
 *     it is doing: a Host call that ignores its own bound cannot hang the run. The step's thread
 *     is then interrupted ({@link LocalHost} kills its command) and the step reported failed,
 *     "timed out after ...".</li>
 * <li>A step whose {@code when:} is false on the host is reported {@code skipped}.</li>
 * <li>Handlers that a step notified, and that changed, run once each at the end of the host's
 *     steps, in the order the playbook declares them, and only when the host did not fail (as
 *     Ansible does without {@code force_handlers}).</li>
 * </ul>
 *
 * A plan ({@code apply} false) changes nothing: steps only look, and a notified handler is
 * reported as a change it would make. The report lists the hosts in the playbook's order,
 * whatever order they finished in.
 */
public final class Engine {
    /**
     * Told what happens as it happens, for a progress display. <b>Called from several threads at
     * once</b> (one per host running): an implementation must be thread-safe. Calls about one host
     * come from one thread at a time, in order.
     */
    public interface Listener {
        void stepDone(String host, Report.StepResult result);

        /** Before any host starts: the hosts in the playbook's order. */
        default void runStarted(Playbook playbook, List<String> hosts) {}

        /** A step (or {@code gather facts}, or a handler) starts on a host; its name as the report will give it. */
        default void stepStarted(String host, String step) {}

        /** A host has finished, failed or been stopped; nothing more happens on it in this run. */
        default void hostDone(Report.HostReport report) {}

        Listener NONE = (h, r) -> {};
    }

    /** @param forks how many hosts run at the same time, at least 1 */
    public record Options(int forks) {
        public static final int DEFAULT_FORKS = 10;
        public static final Options DEFAULTS = new Options(DEFAULT_FORKS);

        public Options {
            if (forks < 1) throw new IllegalArgumentException("forks must be 1 or more, got " + forks);
        }
    }

    /** The name a host's fact gathering has in the report when it fails. */
    public static final String FACTS_STEP = "gather facts";

    private Engine() {}

    /** For runs that keep no journal (plans, and applies until the journal exists). */
    public static Step.FileWatcher noJournal() {
        return Step.FileWatcher.NONE;
    }

    /** A new run id: UTC time to the second and 4 random hex digits, sortable and unique enough per host. */
    public static String newRunId() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"))
                + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /** {@link #run(Playbook, Map, Map, boolean, String, Step.FileWatcher, Listener, Options)} with the default forks. */
    public static Report run(Playbook pb, Map<String, String> values, Map<String, Host> hosts, boolean apply,
                             String runId, Step.FileWatcher watcher, Listener listener) {
        return run(pb, values, hosts, apply, runId, watcher, listener, Options.DEFAULTS);
    }

    /**
     * @param values  the resolved variables ({@link Vars#resolve}); the values of those declared
     *                {@code secret} are replaced by {@link Secrets#MASK} in every result, before the
     *                listener or the report sees it
     * @param hosts   one {@link Host} per name in the playbook's {@code hosts}
     * @param watcher told of every file before it is replaced (the journal), from several threads
     *                (one per host); {@code FileWatcher.NONE} for none
     */
    public static Report run(Playbook pb, Map<String, String> values, Map<String, Host> hosts, boolean apply,
                             String runId, Step.FileWatcher watcher, Listener listener, Options options) {
        List<String> order = pb.hosts();
        for (String name : order) {
            if (!hosts.containsKey(name)) throw new IllegalArgumentException("no Host given for " + name);
        }
        listener.runStarted(pb, order);
        var run = new Run(pb, values, hosts, apply, watcher, listener);
        int batchSize = pb.serial() > 0 ? pb.serial() : Math.max(1, order.size());
        var reports = new HashMap<String, Report.HostReport>();
        Optional<String> stopped = Optional.empty();
        ExecutorService hostPool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.forks(), batchSize)), daemons("playbook-host"));
        try {
            for (int from = 0; from < order.size(); from += batchSize) {
                List<String> batch = order.subList(from, Math.min(order.size(), from + batchSize));
                if (run.fatal.get() != null || stopped.isPresent()) {
                    batch.forEach(h -> reports.put(h, notStarted(h, listener)));
                    continue;
                }
                var futures = new LinkedHashMap<String, Future<Report.HostReport>>();
                for (String h : batch) futures.put(h, hostPool.submit(() -> run.host(hosts.get(h))));
                for (var f : futures.entrySet()) reports.put(f.getKey(), await(f.getKey(), f.getValue(), run.secrets));
                boolean allFailed = batch.stream().map(reports::get).allMatch(r -> r.failed() + r.unreachable() > 0);
                if (pb.serial() > 0 && allFailed && from + batchSize < order.size()) {
                    stopped = Optional.of("every host of the batch " + String.join(", ", batch)
                            + " failed; the later batches did not start (serial: " + pb.serial() + ")");
                }
            }
        } finally {
            hostPool.shutdownNow();
            run.stepPool.shutdownNow();
        }
        if (run.fatal.get() != null) stopped = Optional.of(run.fatal.get());
        var ordered = new LinkedHashMap<String, Report.HostReport>();
        for (String h : order) ordered.put(h, reports.get(h));
        return new Report(runId, apply, ordered, stopped);
    }

    private static Report.HostReport notStarted(String host, Listener listener) {
        var r = new Report.HostReport(host, List.of());
        listener.hostDone(r);
        return r;
    }

    /** A host's thread ends on its own (every step is bounded); an exception there is a bug, reported on the host. */
    private static Report.HostReport await(String host, Future<Report.HostReport> f, Secrets secrets) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return new Report.HostReport(host, List.of(new Report.StepResult("(run)", "", "failed", "interrupted", "")));
        } catch (ExecutionException e) {
            return new Report.HostReport(host, List.of(secrets.mask(new Report.StepResult("(run)", "", "failed",
                    "internal error: " + e.getCause(), ""))));
        }
    }

    /** What every host of one run shares. */
    private static final class Run {
        final Playbook pb;
        final Map<String, String> values;
        final Map<String, Host> hosts;
        final boolean apply;
        final Step.FileWatcher watcher;
        final Listener listener;
        final Path dir;
        /** The {@code secret} variables' values: hidden in every result before anyone sees it. */
        final Secrets secrets;
        /** Why the run stops ({@code any_errors_fatal}); set once, by the first host that fails. */
        final AtomicReference<String> fatal = new AtomicReference<>();
        /** Steps run here, so that the host's thread can stop waiting at the step's timeout. */
        final ExecutorService stepPool = Executors.newCachedThreadPool(daemons("playbook-step"));

        Run(Playbook pb, Map<String, String> values, Map<String, Host> hosts, boolean apply, Step.FileWatcher watcher,
            Listener listener) {
            this.pb = pb;
            this.values = values;
            this.hosts = hosts;
            this.apply = apply;
            this.watcher = watcher;
            this.listener = listener;
            this.dir = pb.file().toAbsolutePath().getParent();
            this.secrets = Secrets.of(pb, values);
        }

        Report.HostReport host(Host host) {
            var results = new ArrayList<Report.StepResult>();
            hostSteps(host, results);
            var report = new Report.HostReport(host.name(), List.copyOf(results));
            listener.hostDone(report);
            return report;
        }

        /** Runs everything on one host, adding each result to {@code results}. */
        private void hostSteps(Host host, List<Report.StepResult> results) {
            var hostValues = new HashMap<>(values);
            hostValues.put("host", host.name());
            listener.stepStarted(host.name(), FACTS_STEP);
            var facts = facts(host);
            if (facts.failure != null) {
                var r = secrets.mask(facts.failure);
                failed(host, r);
                add(host, results, r);
                return;
            }
            hostValues.putAll(facts.values);
            Map<String, String> v = Map.copyOf(hostValues);
            var notified = new LinkedHashSet<String>();
            for (StepSpec s : pb.steps()) {
                if (fatal.get() != null) return; // any_errors_fatal: no further step starts
                var r = secrets.mask(step(s, host, apply, v, label(s.name(), v)));
                if (isFailure(r)) failed(host, r); // before the listener hears of it: the run is stopped by then
                add(host, results, r);
                if (isFailure(r)) return;
                if (isChange(r)) notified.addAll(s.notifies());
            }
            for (var h : pb.handlers().values()) {
                if (!notified.contains(h.name())) continue;
                if (fatal.get() != null) return;
                String name = "handler: " + h.name();
                Report.StepResult r;
                if (apply) {
                    r = step(h, host, true, v, name);
                } else {
                    try {
                        r = skipped(h, v, name).orElse(new Report.StepResult(name, h.type(), "change",
                                "would run: notified by a step that would change", ""));
                    } catch (IllegalArgumentException e) {
                        r = new Report.StepResult(name, h.type(), "fail", message(e), "");
                    }
                }
                r = secrets.mask(r);
                if (isFailure(r)) failed(host, r); // before the listener hears of it: the run is stopped by then
                add(host, results, r);
                if (isFailure(r)) return;
            }
        }

        /** @param r masked already ({@link Secrets#mask}): results, listeners and the report show no secret */
        private void add(Host host, List<Report.StepResult> results, Report.StepResult r) {
            results.add(r);
            listener.stepDone(host.name(), r);
        }

        private void failed(Host host, Report.StepResult r) {
            if (pb.anyErrorsFatal()) {
                fatal.compareAndSet(null, host.name() + " failed at `" + r.name() + "` (any_errors_fatal): " + firstLine(r.message()));
            }
        }

        private record Gathered(Map<String, String> values, Report.StepResult failure) {}

        private Gathered facts(Host host) {
            var t = Facts.TIMEOUT;
            try {
                return new Gathered(bounded(() -> Facts.gather(host, t), t), null);
            } catch (TimedOut e) {
                return new Gathered(null, new Report.StepResult(FACTS_STEP, "facts", apply ? "failed" : "fail",
                        "gathering facts did not finish within " + Durations.format(t), ""));
            } catch (IOException e) {
                return new Gathered(null, new Report.StepResult(FACTS_STEP, "facts", "unreachable", message(e), ""));
            } catch (Step.Failure | RuntimeException e) {
                return new Gathered(null, new Report.StepResult(FACTS_STEP, "facts", apply ? "failed" : "fail", message(e), ""));
            }
        }

        private Optional<Report.StepResult> skipped(StepSpec s, Map<String, String> v, String label) {
            if (s.when().isEmpty()) return Optional.empty();
            // A condition that cannot be evaluated here (a fact this host lacks) throws: the step fails.
            if (s.when().get().test(v)) return Optional.empty();
            return Optional.of(new Report.StepResult(label, s.type(), "skipped", "when: " + s.when().get().text() + " is false", ""));
        }

        private Report.StepResult step(StepSpec s, Host host, boolean apply, Map<String, String> v, String label) {
            String fail = apply ? "failed" : "fail";
            Duration timeout = s.timeout().orElse(Step.Context.DEFAULT_TIMEOUT);
            long started = System.nanoTime();
            try {
                var skip = skipped(s, v, label);
                if (skip.isPresent()) return skip.get();
                listener.stepStarted(host.name(), secrets.mask(label));
                var rendered = new LinkedHashMap<String, String>();
                for (var e : s.params().entrySet()) rendered.put(e.getKey(), Template.render(e.getValue(), v));
                var ctx = new Step.Context(dir, v, watcher, this::peer, timeout);
                var o = bounded(() -> Step.of(s.type()).run(host, rendered, apply, ctx), timeout);
                String status = o.changed() ? (apply ? "changed" : "change") : "ok";
                return new Report.StepResult(label, s.type(), status, o.message(), o.diff());
            } catch (TimedOut e) {
                return new Report.StepResult(label, s.type(), fail, "timed out after " + Durations.format(timeout), "");
            } catch (Step.Failure | IOException | RuntimeException e) {
                String m = message(e);
                // A step whose command was killed at the step's own bound timed out just the same.
                if (System.nanoTime() - started >= timeout.toNanos()) m = "timed out after " + Durations.format(timeout) + ": " + m;
                return new Report.StepResult(label, s.type(), fail, m, "");
            }
        }

        private Optional<Host> peer(String name) {
            return Optional.ofNullable(hosts.get(name));
        }

        /** Runs {@code work} on a step thread and waits at most {@code timeout} for it. */
        private <T> T bounded(Work<T> work, Duration timeout) throws Step.Failure, IOException {
            Future<T> f = stepPool.submit((Callable<T>) work::call);
            try {
                return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true); // interrupts the step: LocalHost kills its command
                throw new TimedOut();
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Step.Failure x) throw x;
                if (c instanceof IOException x) throw x;
                if (c instanceof RuntimeException x) throw x;
                throw new IllegalStateException(c);
            }
        }
    }

    private interface Work<T> {
        T call() throws Step.Failure, IOException;
    }

    private static final class TimedOut extends RuntimeException {
        TimedOut() {
            super(null, null, false, false);
        }
    }

    private static String label(String name, Map<String, String> v) {
        try {
            return Template.render(name, v); // names may use {{var}} too, as in Ansible
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static ThreadFactory daemons(String prefix) {
        var n = new AtomicInteger();
        return r -> {
            var t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true); // a step stuck in a Host call past its timeout must not keep the JVM alive
            return t;
        };
    }

    static boolean isFailure(Report.StepResult r) {
        return r.status().equals("failed") || r.status().equals("fail") || r.status().equals("unreachable");
    }

    private static boolean isChange(Report.StepResult r) {
        return r.status().equals("changed") || r.status().equals("change");
    }
}
