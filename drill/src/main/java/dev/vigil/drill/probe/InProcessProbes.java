package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs each probe on a fixed grid of its interval, from the machine that runs the drill: a thread
 * per probe keeps the grid and starts each attempt on the probe's pool, whatever earlier attempts
 * are doing. Attempts overlap where one waits longer than an interval, as bench's HttpProbe's do:
 * a connect hanging on an address that just moved (the client's ARP entry still names the old
 * node) must not blind the probe for its whole timeout; a sequential probe reported a switchover's
 * gap 263 ms longer than an independent prober beside it (DrillBedIT). At most
 * {@code timeout / interval + 2} attempts are in flight; a slot beyond that is recorded as failed.
 * A missed slot (the grid thread late) is skipped, not caught up in a burst. Every sample is kept
 * with its start and end on the run's monotonic clock. Bounded: at most {@link #MAX_SAMPLES} per
 * probe (a 10 ms probe for 30 minutes), then the probe stops.
 */
public final class InProcessProbes implements Probes {
    public static final int MAX_SAMPLES = 180_000;
    private final List<ProbeSpec> specs;
    private final DrillClock clock;
    /** Per probe, in order; appended by its own thread, read by the run (hence synchronized, not copy-on-write). */
    private final java.util.Map<String, List<ProbeSample>> samples = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per probe, the sample of the latest attempt (by start) that has ended. */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicReference<ProbeSample>> latest =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<java.util.concurrent.ExecutorService> pools = new ArrayList<>();
    private volatile boolean stop;

    /** Told of every sample as it is recorded, on the thread that made it ({@link ProbeStream} streams them). */
    private final java.util.function.Consumer<ProbeSample> listener;

    public InProcessProbes(List<ProbeSpec> specs, DrillClock clock) {
        this(specs, clock, s -> {});
    }

    public InProcessProbes(List<ProbeSpec> specs, DrillClock clock, java.util.function.Consumer<ProbeSample> listener) {
        this.specs = specs;
        this.clock = clock;
        this.listener = listener;
    }

    static Check checkFor(ProbeSpec spec) {
        return switch (spec.kind()) {
            case HTTP -> new HttpGet(URI.create(spec.address()));
            case TCP -> new TcpConnect(spec.address());
            case COMMAND -> new CommandCheck(spec.address());
        };
    }

    @Override
    public void start() {
        for (var spec : specs) {
            samples.put(spec.name(), java.util.Collections.synchronizedList(new ArrayList<>()));
            latest.put(spec.name(), new java.util.concurrent.atomic.AtomicReference<>());
            var check = checkFor(spec);
            var pool = attemptPool(spec);
            pools.add(pool);
            var t = new Thread(() -> loop(spec, check, pool), "drill-probe-" + spec.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Threads made on demand, kept a minute, as many as attempts can overlap within a timeout. */
    private static java.util.concurrent.ExecutorService attemptPool(ProbeSpec spec) {
        int max = (int) Math.min(1_000, spec.timeout().toNanos() / spec.interval().toNanos() + 2);
        var names = new java.util.concurrent.atomic.AtomicInteger();
        return new java.util.concurrent.ThreadPoolExecutor(0, max, 60, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    var t = new Thread(r, "drill-probe-" + spec.name() + "-" + names.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    private void loop(ProbeSpec spec, Check check, java.util.concurrent.ExecutorService pool) {
        long interval = spec.interval().toNanos();
        long next = clock.nanos();
        int count = 0;
        while (!stop && count < MAX_SAMPLES) {
            long start = clock.nanos();
            try {
                pool.execute(() -> attempt(spec, check, start));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                record(new ProbeSample(spec.name(), start, start, false, "too many attempts in flight"));
            }
            count++;
            next += interval;
            long now = clock.nanos();
            if (next < now) next = now + (interval - (now - next) % interval); // skip missed slots
            try {
                clock.sleep(Duration.ofNanos(next - now));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void attempt(ProbeSpec spec, Check check, long start) {
        boolean ok;
        String detail;
        try {
            detail = check.attempt(spec.timeout());
            ok = true;
        } catch (InterruptedException e) {
            return; // closed: the drill no longer looks
        } catch (Exception e) {
            ok = false;
            detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (!stop) record(new ProbeSample(spec.name(), start, clock.nanos(), ok, detail));
    }

    private void record(ProbeSample sample) {
        samples.get(sample.probe()).add(sample);
        latest.get(sample.probe()).accumulateAndGet(sample, (a, b) -> a == null || b.startNanos() > a.startNanos() ? b : a);
        listener.accept(sample);
    }

    @Override
    public List<ProbeSample> samples() {
        var all = new ArrayList<ProbeSample>();
        for (var list : samples.values()) {
            synchronized (list) {
                all.addAll(list);
            }
        }
        all.sort(Comparator.comparingLong(ProbeSample::startNanos));
        return all;
    }

    @Override
    public java.util.Optional<ProbeSample> last(String probe) {
        var ref = latest.get(probe);
        return ref == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(ref.get());
    }

    @Override
    public void close() {
        stop = true;
        for (var t : threads) {
            t.interrupt();
        }
        for (var pool : pools) {
            pool.shutdownNow();
        }
        for (var t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
