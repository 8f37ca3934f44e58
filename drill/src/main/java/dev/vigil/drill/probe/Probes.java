package dev.vigil.drill.probe;

import java.util.List;

/** The drill's probes, running from {@link #start()} until {@link #close()}; samples kept in order per probe. */
public interface Probes extends AutoCloseable {
    void start();

    /** Every sample so far, all probes, oldest first per probe. */
    List<ProbeSample> samples();

    /** One probe's latest sample: of the attempts that have ended, the one that started last (cheap: the run asks on every poll). */
    default java.util.Optional<ProbeSample> last(String probe) {
        return samples().stream().filter(s -> s.probe().equals(probe)).reduce((a, b) -> b);
    }

    /** For a probe whose times come from another clock (a vantage node's): whose, and how far off they can be. */
    default java.util.Optional<String> clockNote(String probe) {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
