package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs each probe on a fixed grid of its interval ({@link ProbeGrid}: attempts overlap where one
 * hangs), from the machine that runs the drill. Every sample is kept with its start and end on the
 * run's monotonic clock. Bounded: at most {@link #MAX_SAMPLES} per probe (a 10 ms probe for 30
 * minutes), then the probe stops.
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
    private final List<ProbeGrid> grids = new ArrayList<>();
    private volatile boolean stop;

    /** Told of every sample as it is recorded, on the thread that made it ({@link ProbeStream} streams them). */
    private final java.util.function.Consumer<ProbeSample> listener;

    public InProcessProbes(List<ProbeSpec> specs, DrillClock clock) {
        this(specs, clock, s -> {});
    }

    public InProcessProbes(List<ProbeSpec> specs, DrillClock clock, java.util.function.Consumer<ProbeSample> listener) {
        for (var spec : specs) {
            // Run here, a probe meant for another node would measure the wrong network, silently.
            if (!spec.vantage().equals(ProbeSpec.LOCAL)) {
                throw new IllegalArgumentException("probe " + spec.name() + " runs from " + spec.vantage()
                        + ", not from here: AllProbes.of starts it there");
            }
        }
        this.specs = specs;
        this.clock = clock;
        this.listener = listener;
    }

    static Check checkFor(ProbeSpec spec) {
        return switch (spec.kind()) {
            case HTTP -> new HttpGet(URI.create(spec.address()), spec.reuse());
            case TCP -> new TcpConnect(spec.address());
            case COMMAND -> new CommandCheck(spec.address());
        };
    }

    @Override
    public void start() {
        for (var spec : specs) {
            samples.put(spec.name(), java.util.Collections.synchronizedList(new ArrayList<>()));
            latest.put(spec.name(), new java.util.concurrent.atomic.AtomicReference<>());
            var grid = new ProbeGrid(spec, checkFor(spec), clock, MAX_SAMPLES, this::record);
            grids.add(grid);
            grid.start();
        }
    }

    private void record(ProbeSample sample) {
        if (stop) return;
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
        for (var g : grids) {
            try {
                g.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
