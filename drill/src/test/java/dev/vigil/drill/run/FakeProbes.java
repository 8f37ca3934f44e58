package dev.vigil.drill.run;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.probe.Probes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Probes on the fake clock: every probe samples on its interval's grid from start, each answer 1 ms
 * after it started; {@code ok} says, for a sample's start (fake nanos), whether the service answered.
 */
final class FakeProbes implements Probes {
    private final List<ProbeSpec> specs;
    private final FakeCluster.FakeClock clock;
    private final LongPredicate ok;
    private final List<ProbeSample> samples = new ArrayList<>();
    private long next = -1;
    boolean closed;

    FakeProbes(List<ProbeSpec> specs, FakeCluster.FakeClock clock, LongPredicate ok) {
        this.specs = specs;
        this.clock = clock;
        this.ok = ok;
    }

    @Override
    public void start() {
        next = clock.nanos();
    }

    @Override
    public List<ProbeSample> samples() {
        while (!specs.isEmpty() && next >= 0 && !closed && next + 1_000_000 <= clock.nanos()) {
            for (var p : specs) {
                boolean answered = ok.test(next);
                samples.add(new ProbeSample(p.name(), next, next + 1_000_000, answered, answered ? "200 node=ha2" : "connection refused"));
            }
            next += specs.get(0).interval().toNanos();
        }
        return List.copyOf(samples);
    }

    @Override
    public void close() {
        samples();
        closed = true;
    }
}
