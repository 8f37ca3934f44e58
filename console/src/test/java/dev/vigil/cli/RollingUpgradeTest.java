package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil install --upgrade}'s decisions from {@code vigil status --json}: when the cluster is
 * healthy enough to start, how a wait for health polls, and the order of the nodes. The upgrade
 * itself runs on bare nodes in {@code InstallIT} (install/).
 */
class RollingUpgradeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> NODES = List.of("n1", "n2", "n3");

    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    /** A status as n1's agent answers it, with {@code resources} spliced in. */
    private static JsonNode status(String states, String resources) throws Exception {
        return MAPPER.readTree("""
                {"cluster": "bare", "node": "n1", "nodes": [%s],
                 "resources": {"coordinator": "n1", "quorate": true, "quorum": "3 of 3 votes", "maintenance": false,
                               "standby": [], "constraints": [], "waitingFor": "", "pending": [], "notes": [],
                               "lost": [], "fenced": [], %s}}
                """.formatted(states, resources));
    }

    private static String alive(String... states) {
        var sb = new StringBuilder();
        for (int i = 0; i < NODES.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append("{\"name\": \"").append(NODES.get(i)).append("\", \"state\": \"")
                    .append(i < states.length ? states[i] : "alive").append("\"}");
        }
        return sb.toString();
    }

    private static final String VIP_ON_N1 = """
            "resources": [{"id": "vip", "runningOn": ["n1"], "failures": {}, "transitions": {}, "multipleActive": false}]""";

    @Test
    void aHealthyClusterHasNothingToSay() throws Exception {
        var s = status(alive(), VIP_ON_N1);
        assertThat(RollingUpgrade.unhealthy(Map.of("n1", s, "n2", s, "n3", s), NODES, Set.of())).isEmpty();
    }

    @Test
    void everyReasonNotToStartIsListedAtOnce() throws Exception {
        var bad = (com.fasterxml.jackson.databind.node.ObjectNode) status(alive("alive", "dead"), """
                "resources": [{"id": "vip", "runningOn": ["n1", "n3"], "failures": {"n2": 2},
                               "transitions": {"n3": "stopping"}, "multipleActive": true}]""");
        var r = (com.fasterxml.jackson.databind.node.ObjectNode) bad.get("resources");
        r.put("quorate", false).put("quorum", "1 of 3 votes");
        r.putArray("standby").add("n3");
        r.putArray("pending").add("vip:stop@n3");

        var problems = RollingUpgrade.unhealthy(Map.of("n1", bad, "n3", bad), NODES, Set.of());

        assertThat(problems).contains("n1 sees n2 dead", "n2: its agent does not answer `vigil status`",
                "no quorum: 1 of 3 votes", "action pending: vip:stop@n3", "n3 is in standby: `vigil node online n3` first",
                "failed action: vip on n2 (2 failures): `vigil resource cleanup vip`", "vip is stopping on n3",
                "vip is active on several nodes");
    }

    @Test
    void theNodeAFailedRunLeftInStandbyIsAllowedWhenTheOthersAreJudged() throws Exception {
        var s = status(alive("alive", "alive", "dead"), VIP_ON_N1);
        ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("resources")).putArray("standby").add("n3");
        var others = List.of("n1", "n2");
        assertThat(RollingUpgrade.unhealthy(Map.of("n1", s, "n2", s), others, Set.of("n3"))).isEmpty();
        assertThat(RollingUpgrade.unhealthy(Map.of("n1", s, "n2", s), others, Set.of())).containsExactly(
                "n3 is in standby: `vigil node online n3` first");
    }

    @Test
    void oneNodesViewIsJudgedWithoutTheOthersAnswering() throws Exception {
        var healthy = status(alive(), VIP_ON_N1);
        assertThat(RollingUpgrade.unhealthy(Map.of("n1", healthy), List.of("n1"), NODES, Set.of())).isEmpty();
        var n2Dead = status(alive("alive", "dead"), VIP_ON_N1);
        assertThat(RollingUpgrade.unhealthy(Map.of("n1", n2Dead), List.of("n1"), NODES, Set.of())).containsExactly("n1 sees n2 dead");
        assertThat(RollingUpgrade.unhealthy(Map.of(), List.of("n1"), NODES, Set.of()))
                .containsExactly("n1: its agent does not answer `vigil status`");
    }

    /** Answers from a script: per look, the status each node gives; records who was asked. */
    private static final class Scripted implements RollingUpgrade.Statuses {
        final List<List<String>> asked = new ArrayList<>();
        final List<Map<String, JsonNode>> looks;

        Scripted(List<Map<String, JsonNode>> looks) {
            this.looks = looks;
        }

        @Override
        public Map<String, JsonNode> of(Collection<String> nodes) {
            var look = looks.get(Math.min(asked.size(), looks.size() - 1));
            asked.add(List.copyOf(nodes));
            var answers = new java.util.LinkedHashMap<String, JsonNode>();
            nodes.forEach(n -> { if (look.containsKey(n)) answers.put(n, look.get(n)); });
            return answers;
        }
    }

    @Test
    void whileWaitingOnlyOneNodeIsAskedAndTheVerdictIsEveryNodes() throws Exception {
        var moving = (com.fasterxml.jackson.databind.node.ObjectNode) status(alive(), VIP_ON_N1);
        ((com.fasterxml.jackson.databind.node.ObjectNode) moving.get("resources")).putArray("pending").add("vip:start@n2");
        var settled = status(alive(), VIP_ON_N1);
        var ask = new Scripted(List.of(Map.of("n1", moving), Map.of("n1", moving),
                Map.of("n1", settled, "n2", settled, "n3", settled)));

        var problems = RollingUpgrade.awaitHealthy(ask, NODES, Set.of(), Duration.ofMinutes(1), Duration.ZERO);

        assertThat(problems).isEmpty();
        assertThat(ask.asked).containsExactly(List.of("n1"), List.of("n1"), List.of("n1"), NODES);
    }

    @Test
    void aPeerSeeingOtherwiseIsNotHiddenByTheFirstNodesView() throws Exception {
        var fine = status(alive(), VIP_ON_N1);
        var n3SeesN2Dead = status(alive("alive", "dead"), VIP_ON_N1);
        var split = Map.of("n1", fine, "n2", fine, "n3", n3SeesN2Dead);
        var ask = new Scripted(List.of(split, split, Map.of("n1", fine, "n2", fine, "n3", fine)));

        assertThat(RollingUpgrade.awaitHealthy(ask, NODES, Set.of(), Duration.ofMinutes(1), Duration.ZERO)).isEmpty();
        assertThat(ask.asked).containsExactly(List.of("n1"), NODES, List.of("n1"), NODES);

        var stuck = new Scripted(List.of(split));
        assertThat(RollingUpgrade.awaitHealthy(stuck, NODES, Set.of(), Duration.ZERO, Duration.ZERO))
                .as("past the bound: the full round's problems").containsExactly("n3 sees n2 dead");
    }

    @Test
    void nodesRunningNothingGoFirstThenTheOthersInFileOrder() throws Exception {
        var s = status(alive(), """
                "resources": [{"id": "vip", "runningOn": ["n1"]}, {"id": "db", "runningOn": ["n3"]}]""");
        assertThat(RollingUpgrade.order(NODES, s)).containsExactly("n2", "n1", "n3");
        assertThat(RollingUpgrade.runningOn(s, "n3")).containsExactly("db");
        assertThat(RollingUpgrade.order(NODES, MAPPER.readTree("{\"resources\": null}"))).containsExactly("n1", "n2", "n3");
    }

    @Test
    void anUpgradeNeedsTheKeyVigilInstallMadeAndMakesNone() throws Exception {
        var config = Files.writeString(dir.resolve("cluster.yaml"), "cluster: web\n");

        assertThat(VigilCommand.run("install", "--upgrade", "--config", config.toString(), "--package", "vigil_1.0_amd64.deb"))
                .isEqualTo(2);
        assertThat(io.err.toString()).contains("no cluster key at " + dir.resolve("cluster.authkey"), "--key");
        assertThat(dir.resolve("cluster.authkey")).doesNotExist();
    }
}
