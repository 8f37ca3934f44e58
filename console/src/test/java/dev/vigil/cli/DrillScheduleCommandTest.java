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

    @Test
    void configCheckAndApplyReadTheDrillsSectionAndNameEachMistakeAtItsLineAndColumn() throws Exception {
        var key = Files.writeString(dir.resolve("authkey"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.copy(EXAMPLES, dir.resolve("drills.yaml")); // next to the cluster file: its drills are known
        String base = """
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 694}
                policy: {two_node_unsafe: true}
                drills:
                  schedule:
                    - {drill: web-switchover, cron: "0 0 3 ? * SUN#1", time_zone: Europe/Paris}
                """;
        var good = Files.writeString(dir.resolve("cluster.yaml"), base);
        assertThat(VigilCommand.run("config", "check", good.toString())).as(io.err.toString()).isZero();

        var bad = Files.writeString(dir.resolve("bad.yaml"), base.replace("drill: web-switchover", "drill: web-swichover")
                .replace("0 0 3 ? * SUN#1", "0 0 25 ? * SUN#1"));
        assertThat(VigilCommand.run("config", "check", bad.toString())).isEqualTo(1);
        assertThat(io.err.toString()).contains(bad + ":11:15: no drill named `web-swichover` in the drill file; did you mean 'web-switchover'?")
                .contains(bad + ":11:36: bad cron expression `0 0 25 ? * SUN#1`: Hour values must be between 0 and 23").contains("2 error(s)");
        io.err.reset();
        assertThat(VigilCommand.run("config", "apply", bad.toString(), "--socket", dir.resolve("nobody.sock").toString()))
                .isEqualTo(1);
        assertThat(io.err.toString()).contains(bad + ":11:15: no drill named").contains("nothing applied");
    }
}
