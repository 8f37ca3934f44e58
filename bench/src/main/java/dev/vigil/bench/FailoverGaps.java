package dev.vigil.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds service gaps in {@link HttpProbe} logs. A <em>failover</em> is the span from the last
 * good answer of node A to the first good answer of a different node B; an <em>outage</em> is the
 * same for a node that comes back itself after failed probes (a blip, not a failover). Both are
 * measured between probe send times, so their resolution is the probing interval.
 *
 * <p>A change of answering node with no failed probe between is a <em>switch</em>, never a
 * failover: with probes every 2–10 ms and a deadtime of 20 ms or more no real takeover fits
 * between two probes, so it means two nodes answered at once (the address on both, or a flapping
 * ARP entry). Counted as a failover it would put a "10 ms gap" into the statistics; it is
 * reported on its own, and a benchmark rejects the trial.
 */
public final class FailoverGaps {
    private FailoverGaps() {}

    /**
     * One span without good answers.
     *
     * @param from         the node that answered last before the span
     * @param to           the node that answered first after it
     * @param lastGoodMs   the last good probe of {@code from}
     * @param firstGoodMs  the first good probe of {@code to}
     * @param failedProbes failed probes inside the span
     */
    public record Gap(String from, String to, long lastGoodMs, long firstGoodMs, int failedProbes) {
        public Gap {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (firstGoodMs < lastGoodMs) {
                throw new IllegalArgumentException("gap ends before it starts: " + lastGoodMs + " > " + firstGoodMs);
            }
        }

        public Duration length() {
            return Duration.ofMillis(firstGoodMs - lastGoodMs);
        }

        public boolean isFailover() {
            return !from.equals(to) && failedProbes > 0;
        }

        /** Another node answered with no failed probe between: see the class comment. */
        public boolean isSwitch() {
            return !from.equals(to) && failedProbes == 0;
        }
    }

    /** What one trial's log shows. */
    public record Trial(String name, int probes, int failed, List<Gap> failovers, List<Gap> outages, List<Gap> switches) {
        public Trial {
            failovers = List.copyOf(failovers);
            outages = List.copyOf(outages);
            switches = List.copyOf(switches);
        }
    }

    /** Min, median and max of the failover gaps over several trials. */
    public record Stats(int count, Duration min, Duration median, Duration max) {
        static Optional<Stats> of(List<Duration> values) {
            if (values.isEmpty()) {
                return Optional.empty();
            }
            var sorted = values.stream().sorted().toList();
            int n = sorted.size();
            Duration median = n % 2 == 1
                    ? sorted.get(n / 2)
                    : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
            return Optional.of(new Stats(n, sorted.get(0), median, sorted.get(n - 1)));
        }
    }

    /** Analyses one trial; the records may come in any order. */
    public static Trial analyse(String name, List<ProbeRecord> records) {
        var sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(ProbeRecord::epochMillis));
        var failovers = new ArrayList<Gap>();
        var outages = new ArrayList<Gap>();
        var switches = new ArrayList<Gap>();
        ProbeRecord lastGood = null;
        int failedSince = 0;
        int failed = 0;
        for (var r : sorted) {
            if (!r.ok()) {
                failed++;
                failedSince++;
                continue;
            }
            if (lastGood != null) {
                var gap = new Gap(lastGood.detail(), r.detail(), lastGood.epochMillis(), r.epochMillis(), failedSince);
                if (gap.isFailover()) {
                    failovers.add(gap);
                } else if (gap.isSwitch()) {
                    switches.add(gap);
                } else if (failedSince > 0) {
                    outages.add(gap);
                }
            }
            lastGood = r;
            failedSince = 0;
        }
        return new Trial(name, sorted.size(), failed, failovers, outages, switches);
    }

    public static Trial read(Path log) throws IOException {
        var records = new ArrayList<ProbeRecord>();
        var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            var line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            records.add(ProbeRecord.parse(line, log + ":" + (i + 1)));
        }
        return analyse(log.toString(), records);
    }

    /** Failover gap statistics over trials; empty when no trial saw a failover. */
    public static Optional<Stats> failoverStats(List<Trial> trials) {
        return Stats.of(trials.stream().flatMap(t -> t.failovers().stream()).map(Gap::length).toList());
    }

    /** The report {@code HttpProbe --summary} prints. */
    public static String report(List<Trial> trials) {
        var sb = new StringBuilder();
        for (var t : trials) {
            sb.append(String.format("%s: %d probes, %d failed, %d failover(s), %d outage(s), %d switch(es)%n",
                    t.name(), t.probes(), t.failed(), t.failovers().size(), t.outages().size(), t.switches().size()));
            for (var g : t.failovers()) {
                sb.append(String.format("  failover %s -> %s: gap %d ms (%d failed probes) from %d%n",
                        g.from(), g.to(), g.length().toMillis(), g.failedProbes(), g.lastGoodMs()));
            }
            for (var g : t.outages()) {
                sb.append(String.format("  outage on %s: gap %d ms (%d failed probes) from %d%n",
                        g.from(), g.length().toMillis(), g.failedProbes(), g.lastGoodMs()));
            }
            for (var g : t.switches()) {
                sb.append(String.format("  switch %s -> %s with no failed probe between (both answered?) at %d%n",
                        g.from(), g.to(), g.lastGoodMs()));
            }
        }
        var stats = failoverStats(trials);
        if (stats.isPresent()) {
            var s = stats.get();
            sb.append(String.format("failover gap over %d failover(s) in %d trial(s): min %d ms, median %d ms, max %d ms%n",
                    s.count(), trials.size(), s.min().toMillis(), s.median().toMillis(), s.max().toMillis()));
        } else {
            sb.append(String.format("no failover in %d trial(s)%n", trials.size()));
        }
        return sb.toString();
    }
}
