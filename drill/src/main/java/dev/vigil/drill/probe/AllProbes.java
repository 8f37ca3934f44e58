package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A drill's probes: those of {@code vantage: local} in this process, the others on their nodes. */
public final class AllProbes implements Probes {
    private final List<Probes> parts;

    private AllProbes(List<Probes> parts) {
        this.parts = parts;
    }

    /** @param vantageCommand the command that runs {@code vigil drill probe} on a node (see {@link VantageProbes}) */
    public static Probes of(List<ProbeSpec> specs, DrillClock clock, Function<String, List<String>> vantageCommand) {
        var local = specs.stream().filter(s -> s.vantage().equals(ProbeSpec.LOCAL)).toList();
        var remote = specs.stream().filter(s -> !s.vantage().equals(ProbeSpec.LOCAL)).toList();
        if (remote.isEmpty()) return new InProcessProbes(local, clock);
        return new AllProbes(List.of(new InProcessProbes(local, clock), new VantageProbes(remote, vantageCommand, clock)));
    }

    @Override
    public void start() {
        parts.forEach(Probes::start);
    }

    @Override
    public List<ProbeSample> samples() {
        var all = new ArrayList<ProbeSample>();
        parts.forEach(p -> all.addAll(p.samples()));
        all.sort(Comparator.comparingLong(ProbeSample::startNanos));
        return all;
    }

    @Override
    public Optional<ProbeSample> last(String probe) {
        return parts.stream().map(p -> p.last(probe)).flatMap(Optional::stream).findFirst();
    }

    @Override
    public Optional<String> clockNote(String probe) {
        return parts.stream().map(p -> p.clockNote(probe)).flatMap(Optional::stream).findFirst();
    }

    @Override
    public void close() {
        parts.forEach(Probes::close);
    }
}
