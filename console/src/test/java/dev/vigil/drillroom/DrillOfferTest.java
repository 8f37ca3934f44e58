package dev.vigil.drillroom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.report.ReportStore;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.PlaybookReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Run a drill of what was just set up": what a recipe's cluster steps define, and the drill that targets it. */
class DrillOfferTest {
    @TempDir
    Path dir;

    @Test
    void theShippedHaproxyRecipeDefinesItsResourcesFromItsTemplateWithTheAnswers() throws Exception {
        var cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, """
                cluster: web
                nodes:
                  - {name: ha1, address: 10.0.0.1}
                  - {name: ha2, address: 10.0.0.2}
                """);
        var inventory = Inventory.read(java.util.Optional.empty(), java.util.Optional.of(cluster));
        assertThat(inventory.errors()).isEmpty();
        var pb = PlaybookReader.read(Path.of("../playbooks/haproxy/playbook.yaml"), inventory.inventory().orElseThrow());
        assertThat(pb.errors()).isEmpty();
        var answers = Map.of("vip", "10.0.0.50", "cidr_netmask", "24", "nic", "", "haproxy_agent", "lsb:haproxy", "primary", "ha1");
        assertThat(DrillOffer.definedBy(pb.playbook().orElseThrow(), answers)).containsExactly("proxy", "proxy-ip");
        // an answer missing: the template cannot be filled here, so nothing is offered (never an error)
        assertThat(DrillOffer.definedBy(pb.playbook().orElseThrow(), Map.of())).isEmpty();
    }

    @Test
    void theFirstDrillWhoseTargetTheRecipeDefinedIsOffered() throws Exception {
        Files.writeString(dir.resolve("drills.yaml"), """
                drills:
                  - {name: web-move, kind: switchover, target: www}
                  - {name: proxy-ip-move, kind: switchover, target: proxy-ip, to: ha2}
                """);
        var settings = new DrillRoomSettings(dir.resolve("drills.yaml"), new ReportStore(dir.resolve("state")),
                (d, l) -> { throw new AssertionError("nothing runs before the operator opens it"); }, () -> "");
        var offer = DrillOffer.from(settings).of(Set.of("proxy", "proxy-ip"));
        assertThat(offer).isPresent();
        assertThat(offer.get().drill().name()).isEqualTo("proxy-ip-move");
        assertThat(offer.get().label()).isEqualTo("proxy-ip-move (switchover of proxy-ip to ha2)");
        assertThat(DrillOffer.from(settings).of(Set.of("db2"))).isEmpty();
        assertThat(DrillOffer.NONE.of(Set.of("www"))).isEmpty();
        // a drill file with errors offers nothing
        Files.writeString(dir.resolve("drills.yaml"), "drills:\n  - {name: x, kind: nonsense, target: www}\n");
        assertThat(DrillOffer.from(settings).of(Set.of("www"))).isEmpty();
    }
}
