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
    private String preset = "fast";

    private void startCluster(String linksYaml, String... nodes) throws Exception {
        var key = dir.resolve("authkey");
        Files.writeString(key, "agent-test-key-0123456789\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var yaml = new StringBuilder("cluster: t\nauth: {keyfile: authkey}\ntiming: {preset: " + preset + "}\nnodes:\n");
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

    /**
     * 18 nodes: above {@code Fanout.ALL_TO_ALL_LIMIT} peers, so each beat goes to 8 peers and
     * the beats relay who was heard when. Everyone still agrees on everyone, a silenced node is
     * dead for every survivor within deadtime + 1 s (the bound), and nobody else dies.
     */
    @Test
    void aLargeClusterGossipsAgreesOnTheViewAndOnADeath() throws Exception {
        preset = "lan";
        var nodes = java.util.stream.IntStream.rangeClosed(1, 18).mapToObj(i -> "n" + (char) ('a' + i - 1)).toArray(String[]::new);
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", nodes);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (var n : nodes) {
                assertThat(status(n).members()).hasSize(18);
            }
        });
        // A few beats at full size: each agent receives PER_BEAT (8) beats per keepalive, not 17.
        long before = network.delivered();
        long t0 = System.nanoTime();
        Thread.sleep(1000);
        double perAgentPerKeepalive = (network.delivered() - before) / 18.0
                / ((System.nanoTime() - t0) / (double) config.timing().keepalive().toNanos());
        assertThat(perAgentPerKeepalive).isLessThan(dev.vigil.transport.Fanout.PER_BEAT + 3.0);
        var victim = nodes[17];
        network.cut(victim, 0);
        long cutAt = System.nanoTime();
        await().atMost(config.timing().deadtime().plusSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (int i = 0; i < 17; i++) {
                if (status(nodes[i]).members().contains(victim)) return false;
            }
            return true;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - cutAt)).isGreaterThanOrEqualTo(config.timing().deadtime().minusMillis(100));
        for (int i = 0; i < 17; i++) {
            assertThat(status(nodes[i]).members()).hasSize(17);
        }
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

    /**
     * Issue 18 item 6: the event log is kept by the agent in its state directory: after a restart
     * `vigil history` still shows what happened before it (the peer joining, the agent stopping).
     */
    @Test
    void theEventLogSurvivesAnAgentRestart() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> status("a").members().size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> new ControlClient(dir.resolve("b.sock")).history().events()
                .stream().anyMatch(e -> "membership".equals(e.kind()) && "a".equals(e.node())
                        && !e.message().startsWith("agent on")));
        agents.remove("b").close();
        start("b");

        var events = new ControlClient(dir.resolve("b.sock")).history().events().stream()
                .map(dev.vigil.control.HistoryReport.EventRecord::message).toList();
        assertThat(events).containsSubsequence("agent on b started (incarnation " + first(events) + ")",
                "agent on b stopping", "agent on b started (incarnation " + second(events) + ")");
        assertThat(dir.resolve("state").resolve("b").resolve(dev.vigil.coordination.ClusterHistory.FILE)).exists();
    }

    private static String first(List<String> events) {
        return incarnations(events).get(0);
    }

    private static String second(List<String> events) {
        return incarnations(events).get(1);
    }

    private static List<String> incarnations(List<String> events) {
        return events.stream().filter(m -> m.startsWith("agent on b started (incarnation "))
                .map(m -> m.substring("agent on b started (incarnation ".length(), m.length() - 1)).toList();
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

    /** The cluster file as started, with another version and a comment that changes its digest. */
    private String variant(long version, String tag) throws Exception {
        return config.text().replace("cluster: t\n", "cluster: t\nversion: " + version + "\n") + "# " + tag + "\n";
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private String persisted(String node) throws Exception {
        var f = dir.resolve("state").resolve(node).resolve("cluster.yaml");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /**
     * Issue 19 item 2: two operators apply different files of the same version through two nodes
     * at once. At most one is told it succeeded; the other is told it lost, and to which file
     * (the SHA-256 of the one that runs). Raced many times: the order of the two varies.
     */
    @Test
    void racingAppliesOfOneVersionTellAtMostOneOperatorItSucceeded() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(status("a").members()).containsExactly("a", "b"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                long version = 2 + round;
                String fileA = variant(version, "applied through a, round " + round);
                String fileB = variant(version, "applied through b, round " + round);
                var start = new java.util.concurrent.CountDownLatch(1);
                var viaA = pool.submit(() -> { start.await(); return agents.get("a").applyConfig(fileA); });
                var viaB = pool.submit(() -> { start.await(); return agents.get("b").applyConfig(fileB); });
                start.countDown();
                var a = viaA.get(60, java.util.concurrent.TimeUnit.SECONDS);
                var b = viaB.get(60, java.util.concurrent.TimeUnit.SECONDS);
                String r = "round " + round + ": a said " + a + ", b said " + b;
                assertThat(a.ok() && b.ok()).as(r).isFalse();
                assertThat(a.ok() || b.ok()).as(r).isTrue(); // the network is whole: one of them gets through
                String winner = a.ok() ? fileA : fileB;
                var loser = a.ok() ? b : a;
                assertThat(loser.message()).as(r).contains("sha256 " + sha256(winner));
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(persisted("a")).as(r).isEqualTo(winner);
                    assertThat(persisted("b")).as(r).isEqualTo(winner);
                });
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Issue 12: the drill schedule rides in the cluster file's policy half; the agent carries it to every node unread. */
    @Test
    void aDrillScheduleIsAppliedAndReplicatedWithTheFile() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(status("a").members()).containsExactly("a", "b"));
        String file = variant(2, "with a schedule") + """
                drills:
                  schedule:
                    - {drill: web-switchover, cron: "0 0 3 ? * SUN#1", time_zone: Europe/Paris}
                """;
        var outcome = agents.get("a").applyConfig(file);
        assertThat(outcome.ok()).as(outcome.message()).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(persisted("b")).isEqualTo(file));
        assertThat(status("b").configVersion()).isEqualTo(2);
    }

    /** Issue 19 item 7: an apply that renames the cluster would split it; it is refused and changes nothing. */
    @Test
    void anApplyThatRenamesTheClusterIsRefusedAndChangesNothing() throws Exception {
        startCluster("  - {type: udp, mode: unicast, port: 694}\n", "a", "b");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(status("a").members()).containsExactly("a", "b"));
        var outcome = agents.get("a").applyConfig(variant(2, "renamed").replace("cluster: t\n", "cluster: t2\n"));
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.message()).contains("renames the cluster from `t` to `t2`")
                .contains("stop the agent on every node, change the file on every node, start them all again");
        assertThat(status("a").configVersion()).isEqualTo(1);
        assertThat(persisted("a")).isEmpty();
        Thread.sleep(500);
        assertThat(status("b").configVersion()).isEqualTo(1);
        assertThat(persisted("b")).isEmpty();
    }
}
