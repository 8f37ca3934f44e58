package dev.vigil.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The four heartbeat timers of heartbeat's ha.cf, with the same meanings.
 *
 * @param keepalive interval between two heartbeats sent on every link
 * @param warntime  silence after which a peer is reported late (a warning, nothing moves)
 * @param deadtime  silence after which a peer is declared dead
 * @param initdead  how long, after this agent starts, a peer that was never heard is given
 *                  before it is declared dead (networks and peers take a while to come up)
 */
public record Timing(Duration keepalive, Duration warntime, Duration deadtime, Duration initdead) {

    public Timing {
        Objects.requireNonNull(keepalive, "keepalive");
        Objects.requireNonNull(warntime, "warntime");
        Objects.requireNonNull(deadtime, "deadtime");
        Objects.requireNonNull(initdead, "initdead");
    }

    /**
     * The rules heartbeat enforced at start-up, plus the obvious ones it left implicit.
     * deadtime must exceed 2 × keepalive so that one lost heartbeat never kills a peer.
     *
     * @return a human-readable reason for each broken rule; empty when the timing is usable
     */
    public java.util.List<String> problems() {
        var problems = new java.util.ArrayList<String>();
        if (keepalive.isZero() || keepalive.isNegative()) {
            problems.add("keepalive must be positive, got " + Durations.format(keepalive));
        }
        if (deadtime.compareTo(keepalive.multipliedBy(2)) <= 0) {
            problems.add("deadtime (" + Durations.format(deadtime) + ") must be greater than 2 × keepalive ("
                    + Durations.format(keepalive.multipliedBy(2)) + ")");
        }
        if (warntime.compareTo(keepalive) <= 0 || warntime.compareTo(deadtime) >= 0) {
            problems.add("warntime (" + Durations.format(warntime) + ") must lie strictly between keepalive ("
                    + Durations.format(keepalive) + ") and deadtime (" + Durations.format(deadtime) + ")");
        }
        if (initdead.compareTo(deadtime) < 0) {
            problems.add("initdead (" + Durations.format(initdead) + ") must be at least deadtime ("
                    + Durations.format(deadtime) + ")");
        }
        return problems;
    }

    /**
     * How long a peer counts as just (re)started. A JVM that has just started loads classes and
     * compiles for its first second or two, and at the fastest presets its first beats can come
     * later than deadtime: peers then declared a node dead that had only just joined, and fenced
     * it (measured at the instant preset). For this long after a peer's new incarnation is first
     * heard, it gets at least {@link #JOINING_DEADTIME}.
     */
    public static final Duration JOINING_PERIOD = Duration.ofSeconds(3);

    /** The deadtime a just-(re)started peer gets at least; presets with a longer one keep theirs. */
    public static final Duration JOINING_DEADTIME = Duration.ofSeconds(1);

    /** deadtime for a peer heard for {@code sinceJoined} in its current incarnation. */
    public Duration deadtimeFor(Duration sinceJoined) {
        if (sinceJoined.compareTo(JOINING_PERIOD) < 0 && deadtime.compareTo(JOINING_DEADTIME) < 0) {
            return JOINING_DEADTIME;
        }
        return deadtime;
    }

    public Timing withKeepalive(Duration d) { return new Timing(d, warntime, deadtime, initdead); }
    public Timing withWarntime(Duration d) { return new Timing(keepalive, d, deadtime, initdead); }
    public Timing withDeadtime(Duration d) { return new Timing(keepalive, warntime, d, initdead); }
    public Timing withInitdead(Duration d) { return new Timing(keepalive, warntime, deadtime, d); }
}
