package dev.vigil.drill.report;

import dev.vigil.drill.fault.RestoreStep;
import java.util.List;
import java.util.Map;

/**
 * What one drill run found, written as JSON (the shape is a promise like {@code vigil status
 * --json}: fields may be added, none renamed or removed) and rendered as HTML by {@link HtmlReport}.
 * Times: {@code ...AtMs} of the run are epoch milliseconds; {@code atMs} in the timeline and
 * probes are milliseconds relative to the injection (negative before it), from the run's
 * monotonic clock for probes and phases and from the agents' clocks for their events.
 *
 * @param verdict       pass | fail | aborted | refused
 * @param reason        why, in one line (which expectation failed and by how much, why it was refused or aborted)
 * @param configDigest  the first 16 hex digits of the SHA-256 of the cluster file the agents run
 * @param injected      what the injection did, or null when it never happened
 * @param gapMs         the longest outage any probe saw (last answer before → first answer after), null without probes
 * @param heartbeatSlips node → heartbeats its agent sent more than half a keepalive late during the run (the
 *                       status's {@code heartbeat.slips}, before the injection and after restore); only nodes whose
 *                       agent answered both times in the same life (a restarted agent counts from zero)
 */
public record DrillReport(String id, String drill, String kind, String target, String file, String cluster,
                          long configVersion, String configDigest, long startedAtMs, long injectedAtMs,
                          String verdict, String reason, String injected, Long gapMs,
                          List<Check> preconditions, List<PhaseTime> phases, List<ExpectationResult> expectations,
                          List<TimelineEntry> timeline, List<ProbeSeries> probes, List<RestoreStep> restore,
                          Map<String, Long> heartbeatSlips) {

    /** One precondition: what was checked, whether it held, what was seen. */
    public record Check(String name, boolean ok, String detail) {}

    /** @param startMs from the start of the run */
    public record PhaseTime(String phase, long startMs, long durationMs) {}

    /** @param actual what was measured, e.g. {@code outage 7312 ms} */
    public record ExpectationResult(String name, boolean ok, String expected, String actual, String detail) {}

    /**
     * @param kind   inject | undo | detection | membership | fencing | stop | start | failure | resource | operator |
     *               coordinator | quorum | config | probe-ok | probe-fail | restore | stream
     * @param node   the node it is about, or null
     * @param source the agent that said it, or {@code drill} for the run's own entries
     */
    public record TimelineEntry(long atMs, String kind, String node, String source, String text) {}

    /**
     * @param outageMs       the longest run of failures (last answer before → first answer after), 0 without one
     * @param firstOkAfterMs the first answer after the outage (or after the injection), from the injection
     * @param back           the probe answered again before the run ended
     * @param vantage        where it ran: {@code local} (the machine that ran the drill) or a node
     * @param clock          for a probe from a node: whose clock stamped its samples and how far off
     *                       they can be on the drill's (null for local probes and older reports)
     */
    public record ProbeSeries(String name, String kind, String address, long intervalMs, List<Sample> samples,
                              long outageMs, Long firstOkAfterMs, boolean back, String vantage, String clock) {
        /** A probe from the drill's own machine, on its clock. */
        public ProbeSeries(String name, String kind, String address, long intervalMs, List<Sample> samples,
                           long outageMs, Long firstOkAfterMs, boolean back) {
            this(name, kind, address, intervalMs, samples, outageMs, firstOkAfterMs, back, null, null);
        }
    }

    /** @param atMs when it started, from the injection; {@code tookMs} until its answer */
    public record Sample(long atMs, long tookMs, boolean ok, String detail) {}

    public enum Verdict {
        PASS, FAIL, ABORTED, REFUSED;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** {@code vigil drill run}'s exit code: 0 pass, 1 fail or aborted, 2 refused. */
        public int exitCode() {
            return switch (this) {
                case PASS -> 0;
                case FAIL, ABORTED -> 1;
                case REFUSED -> 2;
            };
        }
    }
}
