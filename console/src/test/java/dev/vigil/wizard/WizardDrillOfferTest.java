package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;

import com.googlecode.lanterna.input.KeyType;
import dev.vigil.access.Role;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drillroom.DrillOffer;
import dev.vigil.drillroom.DrillRoomSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a good apply the result page offers a drill of what the recipe just set up (a drill whose
 * target is a group its cluster step defines), and {@code d} opens the drill room's guided run.
 */
class WizardDrillOfferTest {
    @TempDir
    Path dir;

    private WizardSettings settings(String drills) throws IOException {
        var recipe = Files.createDirectories(dir.resolve("recipes/web-group"));
        Files.writeString(recipe.resolve("playbook.yaml"), """
                name: the web group
                hosts: [local]
                vars:
                  dir: {type: path, description: "where the cluster file is"}
                steps:
                  - name: the cluster runs www
                    cluster:
                      file: "{{dir}}/cluster.yaml"
                      apply: never
                      content: |
                        resources:
                          - {id: web, agent: "ocf:vigil:apache", params: {configfile: /etc/apache2/apache2.conf}}
                        groups:
                          - {id: www, members: [web]}
                """);
        Files.writeString(dir.resolve("cluster.yaml"), """
                cluster: web
                auth: {keyfile: /etc/vigil/authkey}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 694}
                control: {socket_dir: run}
                policy: {two_node_unsafe: true}
                """);
        Files.writeString(dir.resolve("drills.yaml"), drills);
        var room = new DrillRoomSettings(dir.resolve("drills.yaml"), new ReportStore(dir.resolve("drill-state")),
                (d, l) -> {
                    throw new IOException("no agent in this test");
                }, () -> "");
        return new WizardSettings(dir.resolve("recipes"), dir.resolve("saved"), dir.resolve("state").toString(), WizardHosts.local())
                .withDrills(DrillOffer.from(room));
    }

    private void apply(WizardSessionHarness ui) {
        ui.key('w');
        ui.awaitScreen("web-group");
        ui.key(KeyType.Enter);
        ui.awaitScreen("web-group: answers (1/5)");
        ui.type(dir.toString());
        ui.key(KeyType.Enter);
        ui.awaitScreen("web-group: summary (2/5)");
        ui.key(KeyType.Enter);
        ui.awaitScreen("Plan: 1 change");
        ui.key('a');
        ui.awaitScreen("[y/N]");
        ui.key('y');
        ui.awaitScreen("web-group: result (5/5)");
    }

    @Test
    void aDrillOfTheGroupJustSetUpIsOfferedAndOpensTheGuidedRun() throws Exception {
        try (var ui = new WizardSessionHarness(dir, Role.OPERATOR, 80, 24, settings("""
                drills:
                  - {name: db-move, kind: switchover, target: db}
                  - {name: www-move, kind: switchover, target: www, to: ha2}
                """))) {
            apply(ui);
            ui.awaitScreen("d: run a drill of what was just set up: www-move (switchover of www to ha2)");
            ui.awaitScreen("d drill it");
            assertThat(Files.readString(dir.resolve("cluster.yaml"))).contains("id: www");
            ui.key('d');
            ui.awaitScreen("drill www-move: refused");
            ui.awaitScreen("✗ an agent answers: no agent in this test");
            ui.key(KeyType.Escape);
            ui.awaitScreen("web-group: result (5/5)");
        }
    }

    @Test
    void nothingIsOfferedWhenNoDrillTargetsWhatTheRecipeDefined() throws Exception {
        try (var ui = new WizardSessionHarness(dir, Role.OPERATOR, 80, 24, settings("""
                drills:
                  - {name: db-move, kind: switchover, target: db}
                """))) {
            apply(ui);
            ui.awaitScreen("Done: the web group");
            assertThat(ui.screen()).doesNotContain("run a drill").doesNotContain("d drill it");
            ui.key('d');
            Thread.sleep(100);
            assertThat(ui.screen()).contains("web-group: result (5/5)");
        }
    }
}
