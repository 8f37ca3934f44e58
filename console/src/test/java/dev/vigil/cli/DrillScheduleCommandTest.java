package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.schedule.FireLog;
import dev.vigil.drill.schedule.ScheduleReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil drill schedule [list]}: next fires with blackouts marked, the last outcome, errors at line:column. */
class DrillScheduleCommandTest {
    private static final Path EXAMPLES = Path.of("../playbooks/drills/web.yaml");
    private static final String CLUSTER = """
            cluster: web
            nodes: [ha1, ha2]
            drills:
              schedule:
                - {drill: web-switchover, cron: "0 0 3 ? * SUN#1", time_zone: Europe/Paris}
              blackouts:
                - {name: year-end-freeze, from: "2026-12-20T00:00", to: "2027-01-04T00:00", time_zone: Europe/Paris}
            """;

    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @Test
    void theNextFiresInTheEntrysZoneWithBlackoutsMarkedAndTheLastOutcome() throws Exception {
        var file = Files.writeString(dir.resolve("cluster.yaml"), CLUSTER);
        var schedule = ScheduleReader.read(file, Optional.empty()).schedule();
        var log = FireLog.open(dir);
        log.add(new FireLog.Fire("web-switchover", "web-switchover", "2026-11-01T02:00:00Z", "2026-11-01T02:00:00.004Z", "ha2",
                "RUN", "", "pass, report 20261101T020000.004Z-web-switchover"));
        String text = DrillScheduleCommand.describe(schedule, Optional.of(log), Instant.parse("2026-12-01T12:00:00Z"));
        assertThat(text).isEqualTo("""
                web-switchover: drill web-switchover, cron "0 0 3 ? * SUN#1" in Europe/Paris (%s:5)
                  next: 2026-12-06 03:00:00 CET
                  next: 2027-01-03 03:00:00 CET  (inside blackout year-end-freeze: will be skipped)
                  next: 2027-02-07 03:00:00 CET
                  last: 2026-11-01 03:00:00 CET RUN: pass, report 20261101T020000.004Z-web-switchover on ha2
                blackout year-end-freeze: 2026-12-20T00:00 to 2027-01-04T00:00 in Europe/Paris
                misfire grace: 600000 ms
                """.formatted(file));
    }

    @Test
    void theCommandListsAndChecksTheEntriesAgainstTheDrillFile() throws Exception {
        var file = Files.writeString(dir.resolve("cluster.yaml"), CLUSTER);
        assertThat(VigilCommand.run("drill", "schedule", "--config", file.toString(), "--file", EXAMPLES.toString(),
                "--state-dir", dir.resolve("none").toString())).as(io.err.toString()).isZero();
        assertThat(io.out.toString()).contains("web-switchover: drill web-switchover").contains("last: never");
        io.out.reset();
        assertThat(VigilCommand.run("drill", "schedule", "list", "--config", file.toString(), "--file", EXAMPLES.toString(),
                "--state-dir", dir.resolve("none").toString())).isZero();
        assertThat(io.out.toString()).contains("next: ");

        var bad = Files.writeString(dir.resolve("bad.yaml"), CLUSTER.replace("drill: web-switchover", "drill: web-swichover")
                .replace("Europe/Paris}", "Europe/Pari}"));
        assertThat(VigilCommand.run("drill", "schedule", "list", "--config", bad.toString(), "--file", EXAMPLES.toString())).isEqualTo(2);
        assertThat(io.err.toString()).contains(bad + ":5:15: no drill named `web-swichover` in the drill file; did you mean 'web-switchover'?")
                .contains(bad + ":5:66: unknown time zone `Europe/Pari`; did you mean 'Europe/Paris'?")
                .contains(bad + ":7:92: unknown time zone `Europe/Pari`").contains("3 error(s) in the drill schedule of " + bad);

        io.err.reset();
        assertThat(VigilCommand.run("drill", "schedule", "--running", "--socket", dir.resolve("nobody.sock").toString(),
                "--config", file.toString())).isEqualTo(2);
        assertThat(io.err.toString()).contains("vigil: cannot read the agent's cluster file");
    }
}
