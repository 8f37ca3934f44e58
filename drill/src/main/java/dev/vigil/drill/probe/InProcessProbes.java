package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs each probe on its own thread, on a fixed grid of its interval (a slow answer does not shift
 * the grid; a missed slot is skipped, not caught up in a burst), from the machine that runs the
 * drill. Every sample is kept with its start and end on the run's monotonic clock. Bounded: at
 * most {@link #MAX_SAMPLES} per probe (a 10 ms probe for 30 minutes), then the probe stops and
 * says so.
 */
public final class InProcessProbes implements Probes {
    public static final int MAX_SAMPLES = 180_000;
    private final List<ProbeSpec> specs;
    private final DrillClock clock;
    /** Per probe, in order; appended by its own thread, read by the run (hence synchronized, not copy-on-write). */
    private final java.util.Map<String, List<ProbeSample>> samples = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;

    public InProcessProbes(List<ProbeSpec> specs, DrillClock clock) {
        this.specs = specs;
        this.clock = clock;
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
            var check = checkFor(spec);
            var t = new Thread(() -> loop(spec, check), "drill-probe-" + spec.name());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop(ProbeSpec spec, Check check) {
        long interval = spec.interval().toNanos();
        long next = clock.nanos();
        int count = 0;
        while (!stop && count < MAX_SAMPLES) {
            long start = clock.nanos();
            boolean ok;
            String detail;
            try {
                detail = check.attempt(spec.timeout());
                ok = true;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                ok = false;
                detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            samples.get(spec.name()).add(new ProbeSample(spec.name(), start, clock.nanos(), ok, detail));
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
        var list = samples.get(probe);
        if (list == null) return java.util.Optional.empty();
        synchronized (list) {
            return list.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(list.get(list.size() - 1));
        }
    }

    @Override
    public void close() {
        stop = true;
        for (var t : threads) {
            t.interrupt();
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
