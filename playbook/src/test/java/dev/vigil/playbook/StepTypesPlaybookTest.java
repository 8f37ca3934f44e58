package dev.vigil.playbook;


import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * package, service, exports and wait through the front door: read from a playbook, found by
 * {@link Step#of}, run by the engine on this machine. Only queries touch the machine (dpkg's
 * state, apache2's init script's status); files go to a temp directory.
 */
class StepTypesPlaybookTest {
    @TempDir
    Path dir;

    @Test
    void aPlaybookOfTheNewStepTypesPlansAndApplies() throws Exception {
        Path exports = dir.resolve("ganesha.conf");
        Path pb = dir.resolve("pb.yaml");
        Files.writeString(pb, """
                hosts: local
                vars:
                  conf: {type: path, default: %s}
                steps:
                  - package: {name: apache2}
                  - service: {name: apache2, enabled: true}
                  - exports: {path: /srv/nfs, clients: "10.0.0.0/24", options: "rw,sync,no_root_squash", format: ganesha, export_id: "3", file: "{{conf}}"}
                  - wait: {command: "test -f {{conf}}", timeout: 5s, interval: 100ms}
                """.formatted(exports));
        var r = PlaybookReader.read(pb, Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        var playbook = r.playbook().orElseThrow();

        var plan = Engine.run(playbook, Map.of("conf", exports.toString()), Map.of("local", new LocalHost("local")), false,
                Engine.newRunId(), Step.FileWatcher.NONE, Engine.Listener.NONE).hosts().get("local");
        assertThat(plan.failed()).as(plan.steps().toString()).isZero();
        assertThat(plan.steps()).extracting(Report.StepResult::type).containsExactly("package", "service", "exports", "wait");
        assertThat(plan.steps().get(0).status()).isEqualTo("ok");
        assertThat(plan.steps().get(2).status()).isEqualTo("change");
        assertThat(plan.steps().get(3).message()).startsWith("not waited for in a plan");
        assertThat(exports).doesNotExist();

        // apply only the file-bound steps (the service step would change this machine's rc links)
        Files.writeString(pb, Files.readString(pb).replace("  - service: {name: apache2, enabled: true}\n", ""));
        var again = PlaybookReader.read(pb, Inventory.localOnly()).playbook().orElseThrow();
        var apply = Engine.run(again, Map.of("conf", exports.toString()), Map.of("local", new LocalHost("local")), true,
                Engine.newRunId(), Step.FileWatcher.NONE, Engine.Listener.NONE).hosts().get("local");
        assertThat(apply.failed()).as(apply.steps().toString()).isZero();
        assertThat(apply.changed()).isEqualTo(1);
        assertThat(Files.readString(exports)).contains("Export_Id = 3;", "Clients = 10.0.0.0/24;");
        var second = Engine.run(again, Map.of("conf", exports.toString()), Map.of("local", new LocalHost("local")), true,
                Engine.newRunId(), Step.FileWatcher.NONE, Engine.Listener.NONE).hosts().get("local");
        assertThat(second.changed()).isZero();
    }
}
