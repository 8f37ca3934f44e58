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
 * Pure, for tests.
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
        long worst = 0;
        Long firstOkAfter = null;
        boolean back = true;
        Long lastOkEnd = null;
        Long outageStart = null;
        for (var s : mine) {
            if (s.ok()) {
                if (outageStart != null) {
                    long length = s.endNanos() - outageStart;
                    if (length >= worst) {
                        worst = length;
                        firstOkAfter = s.endNanos() - injectNanos;
                    }
                    outageStart = null;
                } else if (firstOkAfter == null && s.startNanos() >= injectNanos) {
                    firstOkAfter = s.endNanos() - injectNanos;
                }
                lastOkEnd = s.endNanos();
            } else if (s.startNanos() >= injectNanos && outageStart == null) {
                outageStart = lastOkEnd != null ? lastOkEnd : injectNanos;
            }
        }
        if (outageStart != null) {
            back = false;
            worst = Math.max(worst, endNanos - outageStart);
        }
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
