package dev.vigil.drill.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.quartz.CronExpression;

/**
 * What the runner does with a fire, decided from the times alone (an injected "now"), so the policy is
 * testable without waiting for a clock:
 * <ul>
 * <li>a fire whose scheduled time, or the moment it would start, is inside a blackout is skipped and
 *     recorded with the blackout's name;</li>
 * <li>a fire later than {@code misfireGrace} (the runner was busy with a long drill, or no runner was
 *     up) is skipped and recorded; within the grace it runs, once;</li>
 * <li>when a runner starts, the fires since the last one recorded in the fire log and before its start
 *     were missed: only the latest of them may still run (if within the grace, and not in a blackout),
 *     the others are recorded as missed. A fire is never run twice: one already recorded is not
 *     considered again.</li>
 * </ul>
 */
public final class FireDecision {
    /** SKIPPED_TAKEN: the cluster's fire log says another runner took it (docs/drills.md). */
    public enum Outcome { RUN, SKIPPED_BLACKOUT, SKIPPED_LATE, SKIPPED_RUNNING, SKIPPED_TAKEN }

    /** The decision for one scheduled fire; {@code reason} says why for anything but a timely run. */
    public record Decision(Outcome outcome, Instant scheduled, String reason) {}

    private FireDecision() {}

    public static Decision atFire(Instant scheduled, Instant now, Duration grace, Blackouts blackouts) {
        Optional<String> b = blackouts.covering(scheduled).or(() -> blackouts.covering(now));
        if (b.isPresent()) return new Decision(Outcome.SKIPPED_BLACKOUT, scheduled, "inside blackout " + b.get());
        Duration late = Duration.between(scheduled, now);
        if (late.compareTo(grace) > 0) {
            return new Decision(Outcome.SKIPPED_LATE, scheduled, "missed by " + late.toMillis() + " ms, more than the grace of "
                    + grace.toMillis() + " ms");
        }
        return new Decision(Outcome.RUN, scheduled, late.isNegative() || late.isZero() ? "" : "late by " + late.toMillis() + " ms");
    }

    /**
     * The fires of {@code cron} after {@code lastRecorded} and at or before {@code runnerStart}, each with its
     * decision: all but the latest are missed; the latest is decided by {@link #atFire}. Bounded to the
     * last {@code max} fires (a cron of every second over a week's outage is not a million records).
     */
    public static List<Decision> catchUp(CronExpression cron, Instant lastRecorded, Instant runnerStart, Duration grace,
                                         Blackouts blackouts, int max) {
        var fires = new ArrayList<Instant>();
        Date next = cron.getNextValidTimeAfter(Date.from(lastRecorded));
        while (next != null && !next.toInstant().isAfter(runnerStart)) {
            fires.add(next.toInstant());
            if (fires.size() > max) fires.remove(0);
            next = cron.getNextValidTimeAfter(next);
        }
        var out = new ArrayList<Decision>();
        for (int i = 0; i < fires.size(); i++) {
            Instant f = fires.get(i);
            if (i < fires.size() - 1) {
                out.add(new Decision(Outcome.SKIPPED_LATE, f, "missed while no runner was up; a later fire was also missed"));
            } else {
                Decision d = atFire(f, runnerStart, grace, blackouts);
                out.add(d.outcome() == Outcome.SKIPPED_LATE
                        ? new Decision(Outcome.SKIPPED_LATE, f, "missed while no runner was up: " + d.reason()) : d);
            }
        }
        return out;
    }
}
