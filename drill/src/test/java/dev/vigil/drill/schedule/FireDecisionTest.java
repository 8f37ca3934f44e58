package dev.vigil.drill.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.schedule.DrillSchedule.Blackout;
import dev.vigil.drill.schedule.FireDecision.Decision;
import dev.vigil.drill.schedule.FireDecision.Outcome;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

/** The misfire and blackout policy on given instants: no clock is read. */
class FireDecisionTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Blackouts NONE = Blackouts.of(List.of());
    private static final Blackouts OFFICE_AND_FREEZE = Blackouts.of(List.of(
            new Blackout("office-hours", "* * 8-17 ? * MON-FRI", null, null, PARIS, 1),
            new Blackout("freeze", null, LocalDateTime.of(2026, 12, 20, 0, 0), LocalDateTime.of(2027, 1, 4, 0, 0), PARIS, 2)));

    private static Instant paris(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(PARIS).toInstant();
    }

    private static CronExpression cron(String expr) throws ParseException {
        var c = new CronExpression(expr);
        c.setTimeZone(TimeZone.getTimeZone(PARIS));
        return c;
    }

    @Test
    void onTimeOrWithinTheGraceRuns() {
        Instant t = paris("2026-12-06T03:00");
        assertThat(FireDecision.atFire(t, t, GRACE, NONE)).isEqualTo(new Decision(Outcome.RUN, t, ""));
        assertThat(FireDecision.atFire(t, t.plus(GRACE), GRACE, NONE))
                .isEqualTo(new Decision(Outcome.RUN, t, "late by 600000 ms"));
    }

    @Test
    void laterThanTheGraceIsSkippedWithHowLate() {
        Instant t = paris("2026-12-06T03:00");
        var d = FireDecision.atFire(t, t.plus(GRACE).plusMillis(1), GRACE, NONE);
        assertThat(d.outcome()).isEqualTo(Outcome.SKIPPED_LATE);
        assertThat(d.reason()).isEqualTo("missed by 600001 ms, more than the grace of 600000 ms");
    }

    @Test
    void aFireInsideABlackoutIsSkippedAndNamesIt() {
        // Monday 2026-12-07 09:00 in Paris is office hours; 07:59:59 is not, 08:00:00 is.
        Instant nine = paris("2026-12-07T09:00");
        assertThat(FireDecision.atFire(nine, nine, GRACE, OFFICE_AND_FREEZE))
                .isEqualTo(new Decision(Outcome.SKIPPED_BLACKOUT, nine, "inside blackout office-hours"));
        Instant before = paris("2026-12-07T07:59:59");
        assertThat(FireDecision.atFire(before, before, GRACE, OFFICE_AND_FREEZE).outcome()).isEqualTo(Outcome.RUN);
        // Late into the blackout: it would start inside it, so it is skipped too.
        assertThat(FireDecision.atFire(before, paris("2026-12-07T08:00"), GRACE, OFFICE_AND_FREEZE).reason())
                .isEqualTo("inside blackout office-hours");
        // The same hour on a Sunday runs; inside the year-end freeze it does not, on a Sunday either.
        Instant sunday = paris("2026-12-06T09:00");
        assertThat(FireDecision.atFire(sunday, sunday, GRACE, OFFICE_AND_FREEZE).outcome()).isEqualTo(Outcome.RUN);
        Instant frozen = paris("2026-12-27T03:00");
        assertThat(FireDecision.atFire(frozen, frozen, GRACE, OFFICE_AND_FREEZE).reason()).isEqualTo("inside blackout freeze");
        Instant thaw = paris("2027-01-04T00:00");
        assertThat(FireDecision.atFire(thaw, thaw, GRACE, OFFICE_AND_FREEZE).outcome()).isEqualTo(Outcome.RUN);
    }

    @Test
    void aRunnerStartingAfterAnOutageRunsOnlyTheLatestMissedFireWithinTheGrace() throws ParseException {
        // Every 5 minutes; the last recorded fire at 03:00; the new runner starts at 03:17.
        var c = cron("0 0/5 * * * ?");
        var ds = FireDecision.catchUp(c, paris("2026-12-06T03:00"), paris("2026-12-06T03:17"), GRACE, NONE, 1000);
        assertThat(ds).containsExactly(
                new Decision(Outcome.SKIPPED_LATE, paris("2026-12-06T03:05"), "missed while no runner was up; a later fire was also missed"),
                new Decision(Outcome.SKIPPED_LATE, paris("2026-12-06T03:10"), "missed while no runner was up; a later fire was also missed"),
                new Decision(Outcome.RUN, paris("2026-12-06T03:15"), "late by 120000 ms"));
    }

    @Test
    void aRunnerStartingTooLateRecordsTheMissedFireAndRunsNothing() throws ParseException {
        var c = cron("0 0 3 ? * SUN#1");
        var ds = FireDecision.catchUp(c, paris("2026-11-01T03:00"), paris("2026-12-06T04:00"), GRACE, NONE, 1000);
        assertThat(ds).containsExactly(new Decision(Outcome.SKIPPED_LATE, paris("2026-12-06T03:00"),
                "missed while no runner was up: missed by 3600000 ms, more than the grace of 600000 ms"));
    }

    @Test
    void nothingMissedNothingDecidedAndTheCountIsBounded() throws ParseException {
        assertThat(FireDecision.catchUp(cron("0 0 3 ? * SUN#1"), paris("2026-12-06T03:00"), paris("2026-12-06T03:17"),
                GRACE, NONE, 1000)).isEmpty();
        var many = FireDecision.catchUp(cron("* * * * * ?"), paris("2026-12-06T03:00"), paris("2026-12-06T04:00"),
                GRACE, NONE, 10);
        assertThat(many).hasSize(10);
        assertThat(many.get(9)).isEqualTo(new Decision(Outcome.RUN, paris("2026-12-06T04:00"), ""));
    }
}
