package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ClusterKey;
import dev.vigil.config.ConfigLoader;
import dev.vigil.control.ControlClient;
import dev.vigil.control.StatusReport;
import dev.vigil.heartbeat.HeartbeatPacket;
import dev.vigil.heartbeat.MessageType;
import dev.vigil.heartbeat.PacketCodec;
import dev.vigil.time.MonotonicClock;
import dev.vigil.transport.InMemoryNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole agents in one JVM over an in-memory network (fast preset): the wiring of transports,
 * receiver, detector, membership and control socket, without processes or real sockets.
 */
class AgentTest {
    @TempDir
    Path dir;
    private final InMemoryNetwork network = new InMemoryNetwork();
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private ClusterConfig config;

    private void startCluster(String linksYaml, String... nodes) throws Exception {
        var key = dir.resolve("authkey");
        Files.writeString(key, "agent-test-key-0123456789\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var yaml = new StringBuilder("cluster: t\nauth: {keyfile: authkey}\ntiming: {preset: fast}\nnodes:\n");
        for (int i = 0; i < nodes.length; i++) {
            yaml.append("  - {name: ").append(nodes[i]).append(", address: 127.0.0.").append(21 + i).append("}\n");
        }
        yaml.append("links:\n").append(linksYaml);
        config = ConfigLoader.load(yaml.toString(), dir.resolve("cluster.yaml"));
        for (var n : nodes) {
            start(n);
        }
    }

    private Agent start(String node) throws Exception {
        var options = AgentOptions.resolve(config, Optional.of(node), Optional.of(dir.resolve(node + ".sock")),
                Optional.of(dir.resolve("state").resolve(node)));
        var agent = new Agent(config, options, MonotonicClock.create(),
                (cfg, self, link, drops) -> network.transport(self, link.index(), link.name()));
        agent.start();
        agents.put(node, agent);
        return agent;
    }

    private StatusReport status(String node) throws Exception {
        return new ControlClient(dir.resolve(node + ".sock")).status();
    }

    private String stateSeenBy(String observer, String node) throws Exception {
        return status(observer).nodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow().state();
    }

    @AfterEach
    void stop() {
        agents.values().forEach(Agent::close);
        network.close();
    }

    @Test
    void allNodesAgreeOnTheView() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b", "c");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (var n : List.of("a", "b", "c")) {
                assertThat(status(n).members()).containsExactly("a", "b", "c");
            }
        });
        var report = status("a");
        assertThat(report.nodes()).extracting(StatusReport.NodeReport::state).containsOnly("alive");
        assertThat(report.nodes().get(0).self()).isTrue();
        assertThat(report.votes()).isEqualTo(new StatusReport.VotesReport(3, 3));
        assertThat(report.heartbeat().sent()).isPositive();
    }

    @Test
    void cutNodeIsDeadThenBackAfterRestore() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b", "c");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 3);
        network.cut("c", 0);
        await().atMost(Duration.ofSeconds(2)).until(() -> stateSeenBy("a", "c").equals("dead") && stateSeenBy("b", "c").equals("dead"));
        await().atMost(Duration.ofSeconds(2)).until(() -> stateSeenBy("c", "a").equals("dead"));
        assertThat(status("a").members()).containsExactly("a", "b");
        network.restore("c", 0);
        await().atMost(Duration.ofSeconds(2)).until(() -> status("a").members().size() == 3 && status("c").members().size() == 3);
    }

    @Test
    void closingAnAgentIsALeaveNotADeath() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 2);
        agents.remove("b").close();
        // Well inside deadtime (250 ms): the LEAVE, not the timeout, did it.
        await().atMost(Duration.ofMillis(200)).until(() -> stateSeenBy("a", "b").equals("left"));
    }

    @Test
    void oneCutLinkOfTwoKeepsThePeerAliveAndShowsTheLinkDown() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n  - {type: udp, mode: broadcast, port: 695}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 2);
        network.cut("b", 1);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            var b = status("a").nodes().get(1);
            assertThat(b.links()).extracting(StatusReport.LinkReport::state).containsExactly("up", "down");
        });
        Thread.sleep(500); // two deadtimes with one link cut
        assertThat(stateSeenBy("a", "b")).isEqualTo("alive");
    }

    @Test
    void forgedStaleAndTruncatedPacketsAreCountedAndChangeNothing() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 2);
        var wrongKey = new PacketCodec(new ClusterKey("not-the-cluster-key-at-all".getBytes(StandardCharsets.US_ASCII)), "t");
        var forgedLeave = new HeartbeatPacket(MessageType.LEAVE, "t", "b", Long.MAX_VALUE, 1, 0, 1, 1, List.of(), List.of());
        var rightKey = new PacketCodec(config.key(), "t");
        // A genuine LEAVE of an older life of b: what an attacker could have recorded and replays.
        var staleLeave = new HeartbeatPacket(MessageType.LEAVE, "t", "b", 1, 1, 0, 1, 1, List.of(), List.of());
        for (int i = 0; i < 50; i++) {
            network.inject("a", 0, wrongKey.encode(forgedLeave));
            network.inject("a", 0, rightKey.encode(staleLeave));
            network.inject("a", 0, new byte[] {'V', 'G', 1, 1, 0});
        }
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(status("a").drops())
                .containsEntry("forged", 50L).containsEntry("stale-incarnation", 50L).containsEntry("truncated", 50L));
        assertThat(stateSeenBy("a", "b")).isEqualTo("alive");
        assertThat(status("a").members()).containsExactly("a", "b");
    }

    @Test
    void restartedAgentGetsAHigherIncarnationAndPeersSeeIt() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 2);
        long first = status("b").incarnation();
        agents.remove("b").close();
        start("b");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
            var seen = status("a").nodes().get(1);
            assertThat(seen.state()).isEqualTo("alive");
            assertThat(seen.incarnation()).isGreaterThan(first);
        });
    }

    @Test
    void membershipChangesArePushedToSubscribersWithAFreshStatus() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b", "c");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 3);
        try (var stream = ControlClient.unix(dir.resolve("a.sock")).subscribe()) {
            var first = stream.next();
            assertThat(first.kind()).isEqualTo("status");
            assertThat(first.status().members()).containsExactly("a", "b", "c");
            network.cut("c", 0);
            dev.vigil.control.ControlEvent dead = null;
            dev.vigil.control.ControlEvent after = null;
            // Bounded: the fast preset declares c dead within a second; each event is read once.
            for (int i = 0; i < 200 && (dead == null || after == null); i++) {
                var e = stream.next();
                if (dead == null && e.kind().equals("membership") && e.message().contains("is dead")) {
                    dead = e;
                } else if (dead != null && e.kind().equals("status")) {
                    after = e;
                }
            }
            assertThat(dead).isNotNull();
            assertThat(dead.node()).isEqualTo("c");
            assertThat(dead.message()).startsWith("node c is dead; view ");
            assertThat(after).isNotNull();
            assertThat(after.status().members()).containsExactly("a", "b");
            assertThat(after.atMs() - dead.atMs()).as("snapshot follows the event within").isLessThanOrEqualTo(100);
        }
    }
}
