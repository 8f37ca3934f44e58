package dev.vigil.drill.run;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.report.DrillReport.ProbeSeries;
import dev.vigil.drill.report.DrillReport.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * What one probe saw, measured the way bench's HttpProbe and the failover tests measure a client's
 * outage: from the last answer before a run of failures to the first answer after it (answer
 * times, on the run's monotonic clock). Only failures that started after the injection count.
 * Attempts overlap (a slow answer may come after a later attempt's), so answers are taken in the
 * order they came, not the order their attempts started: an outage is a stretch between two
 * consecutive answers in which some attempt started and failed. Pure, for tests.
 */
public final class Outages {
    private Outages() {}

    /**
     * @param injectNanos when the fault was injected
     * @param endNanos    when observation ended: an outage still open then lasts until here, and the probe is not back
     * @param clock       whose clock stamped the samples, for a probe from a node ({@link dev.vigil.drill.probe.Probes#clockNote})
     */
    public static ProbeSeries series(ProbeSpec spec, List<ProbeSample> all, long injectNanos, long endNanos,
                                     java.util.Optional<String> clock) {
        var mine = all.stream().filter(s -> s.probe().equals(spec.name())).toList();
        var answers = mine.stream().filter(ProbeSample::ok).sorted(java.util.Comparator.comparingLong(ProbeSample::endNanos)).toList();
        long[] failures = mine.stream().filter(s -> !s.ok() && s.startNanos() >= injectNanos).mapToLong(ProbeSample::startNanos)
                .sorted().toArray();
        long worst = 0;
        Long firstOkAfter = null;
        Long lastAnswer = null; // the end of the answer before the one at hand
        int f = 0;
        for (var s : answers) {
            boolean failed = false;
            while (f < failures.length && failures[f] < s.endNanos()) {
                failed = true;
                f++;
            }
            if (failed) {
                long length = s.endNanos() - (lastAnswer != null ? lastAnswer : injectNanos);
                if (length >= worst) {
                    worst = length;
                    firstOkAfter = s.endNanos() - injectNanos;
                }
            } else if (firstOkAfter == null && s.startNanos() >= injectNanos) {
                firstOkAfter = s.endNanos() - injectNanos;
            }
            lastAnswer = s.endNanos();
        }
        boolean back = f == failures.length; // no attempt failed after the last answer
        if (!back) worst = Math.max(worst, endNanos - (lastAnswer != null ? lastAnswer : injectNanos));
        var samples = new ArrayList<Sample>(mine.size());
        for (var s : mine) {
            samples.add(new Sample(millis(s.startNanos() - injectNanos), millis(s.endNanos() - s.startNanos()), s.ok(), s.detail()));
        }
        return new ProbeSeries(spec.name(), spec.kind().key(), spec.address(), spec.interval().toMillis(), samples,
                millis(worst), firstOkAfter == null ? null : millis(firstOkAfter), back, spec.vantage(), clock.orElse(null));
    }

    static long millis(long nanos) {
        return Math.floorDiv(nanos, 1_000_000L);
    }
}
