package dev.vigil.drill.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.DrillError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduleReaderTest {
    private static final Path FILE = Path.of("cluster.yaml");
    private static final Optional<java.util.Collection<String>> DRILLS = Optional.of(List.of("web-switchover", "web-crash"));

    private static List<String> errors(String yaml) {
        var r = ScheduleReader.read(FILE, yaml, DRILLS);
        assertThat(r.ok()).as("errors expected").isFalse();
        return r.errors().stream().map(DrillError::toString).toList();
    }

    @Test
    void readsTheScheduleBlackoutsAndGrace() {
        var r = ScheduleReader.read(FILE, """
                cluster: web
                nodes: [ha1, ha2]
                drills:
                  misfire_grace: 5m
                  schedule:
                    - {drill: web-switchover, cron: "0 0 3 ? * SUN#1", time_zone: Europe/Paris}
                    - {name: nightly-crash, drill: web-crash, cron: "0 30 2 * * ?"}
                  blackouts:
                    - {name: office-hours, cron: "* * 8-17 ? * MON-FRI", time_zone: Europe/Paris}
                    - {name: freeze, from: "2026-12-20T00:00", to: "2027-01-04T00:00", time_zone: Europe/Paris}
                """, DRILLS);
        assertThat(r.errors()).isEmpty();
        var s = r.schedule();
        assertThat(s.misfireGrace()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.entries()).containsExactly(
                new DrillSchedule.Entry("web-switchover", "web-switchover", "0 0 3 ? * SUN#1", ZoneId.of("Europe/Paris"), 6),
                new DrillSchedule.Entry("nightly-crash", "web-crash", "0 30 2 * * ?", ZoneOffset.UTC, 7));
        assertThat(s.blackouts()).extracting(DrillSchedule.Blackout::name).containsExactly("office-hours", "freeze");
        assertThat(s.blackouts().get(1).from()).isEqualTo(LocalDateTime.of(2026, 12, 20, 0, 0));
    }

    @Test
    void aClusterFileWithoutDrillsHasAnEmptySchedule() {
        var r = ScheduleReader.read(FILE, "cluster: web\nnodes: [ha1, ha2]\n", DRILLS);
        assertThat(r.ok()).isTrue();
        assertThat(r.schedule().entries()).isEmpty();
        assertThat(r.schedule().misfireGrace()).isEqualTo(DrillSchedule.DEFAULT_MISFIRE_GRACE);
    }

    /** How many drill reports, and how old, every agent keeps for the cluster. */
    @Test
    void reportRetentionIsReadAndCheckedWithinTheAgentsBound() {
        var r = ScheduleReader.read(FILE, "drills:\n  reports: {keep: 20, max_age: 720h}\n", DRILLS);
        assertThat(r.errors()).isEmpty();
        assertThat(r.schedule().reports()).isEqualTo(new DrillSchedule.Retention(20, Duration.ofDays(30)));
        assertThat(ScheduleReader.read(FILE, "cluster: web\n", DRILLS).schedule().reports()).isEqualTo(DrillSchedule.Retention.DEFAULT);
        assertThat(errors("drills:\n  reports: {keep: 0, max_age: soon, kept: 3}\n")).containsExactly(
                "cluster.yaml:2:19: `keep` must be a whole number from 1 to 1000, not `0`",
                "cluster.yaml:2:31: `max_age` must be a duration such as 30s, 10m or 1h, not `soon`",
                "cluster.yaml:2:37: unknown key `kept` in `reports` (known: keep, max_age)");
    }

    @Test
    void everyMistakeAtItsLineAndColumn() {
        assertThat(errors("""
                drills:
                  misfire_grase: 5m
                  schedule:
                    - {drill: web-switchovr, cron: "0 0 3 ? * SUN#1"}
                    - {drill: web-crash, cron: "0 0 3 * * MON", time_zone: Europe/Pariss}
                    - {drill: web-crash, cron: "0 0 3 ? * SUN"}
                    - {drill: web-crash, cron: "0 0 4 ? * SUN"}
                    - {cron: "0 0 3 ? * SUN", when: now}
                  blackouts:
                    - {name: a, cron: "* * 8-17 ? * MON-FRI", from: "2026-12-20T00:00"}
                    - {name: b, from: "2026-12-20", to: "2026-12-21T00:00"}
                    - {name: c, from: "2026-12-21T00:00", to: "2026-12-20T00:00"}
                    - {name: d}
                """)).containsExactly(
                "cluster.yaml:2:3: unknown key `misfire_grase` in `drills`; did you mean 'misfire_grace'? (known: schedule, blackouts, misfire_grace, reports)",
                "cluster.yaml:4:15: no drill named `web-switchovr` in the drill file; did you mean 'web-switchover'?",
                "cluster.yaml:5:32: bad cron expression `0 0 3 * * MON`: Support for specifying both a day-of-week AND a day-of-month parameter is not implemented. (Quartz syntax: seconds minutes hours day-of-month month day-of-week [year], e.g. \"0 0 3 ? * SUN#1\")",
                "cluster.yaml:5:60: unknown time zone `Europe/Pariss`; did you mean 'Europe/Paris'? (a tz database name such as Europe/Paris, or UTC)",
                "cluster.yaml:7:7: schedule entry `web-crash` is defined twice (first at line 6); give one a `name:`",
                "cluster.yaml:8:7: a schedule entry needs `drill:`",
                "cluster.yaml:8:31: unknown key `when` in a schedule entry (known: name, drill, cron, time_zone)",
                "cluster.yaml:10:17: a blackout has either `cron:` (recurring) or `from:` and `to:` (once), not both",
                "cluster.yaml:11:23: `from` must be a local date and time such as 2026-12-20T00:00, not `2026-12-20`",
                "cluster.yaml:12:47: `to` must be after `from`",
                "cluster.yaml:13:7: a blackout needs `cron:` (every second it matches is excluded, e.g. \"* * 8-17 ? * MON-FRI\") or both `from:` and `to:` (e.g. \"2026-12-20T00:00\")");
    }

    @Test
    void aBadCronFieldAndAWrongShape() {
        assertThat(errors("""
                drills:
                  schedule:
                    - {drill: web-crash, cron: "0 0 25 * * ?"}
                  blackouts: {name: x}
                """)).containsExactly(
                "cluster.yaml:3:32: bad cron expression `0 0 25 * * ?`: Hour values must be between 0 and 23 (Quartz syntax: seconds minutes hours day-of-month month day-of-week [year], e.g. \"0 0 3 ? * SUN#1\")",
                "cluster.yaml:4:14: `blackouts` must be a list (lines starting with `- `)");
    }

    @Test
    void withoutTheDrillFileTheDrillNamesAreNotChecked() {
        var r = ScheduleReader.read(FILE, "drills:\n  schedule:\n    - {drill: anything, cron: \"0 0 3 ? * SUN\"}\n", Optional.empty());
        assertThat(r.ok()).isTrue();
    }
}
