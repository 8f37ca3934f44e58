package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.TimingPreset;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents, each in its own network namespace on one bridged segment, exercising the real
 * multicast, broadcast and unicast media and faults injected with {@code ip link} and nftables.
 * Needs root; skipped otherwise.
 */
@Tag("integration")
class NamespaceClusterIT {
    // The lan preset, whatever its current values.
    private static final Duration KEEPALIVE = TimingPreset.LAN.timing().keepalive();
    private static final Duration DEADTIME = TimingPreset.LAN.timing().deadtime();
    /** Status is polled every 10 ms from a busy 2-core machine; this covers the poll, not the detector. */
    private static final Duration OBSERVATION_SLACK = Duration.ofMillis(150);
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");
    private static final String LOSS_TABLE = "vgt_loss";
    private static final String CUT_TABLE = "vgt_cut";

    private static NetnsBed bed;
    private static int basePort;

    @TempDir
    Path dir;
    private TestCluster cluster;

    @BeforeAll
    static void createBed() throws IOException {
        var why = NetnsBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping network-namespace tests: " + why.orElseThrow());
        bed = NetnsBed.withNodes(NODES.size());
        basePort = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    }

    @AfterAll
    static void deleteBed() throws IOException {
        if (bed == null) return;
        var prefix = bed.prefix();
        bed.close();
        assertThat(NetnsBed.leftovers(prefix)).as("namespaces left behind").isEmpty();
    }

    @AfterEach
    void stopClusterAndHeal() throws Exception {
        // Heal even if stopping failed, so the next test starts on a clean segment.
        try {
            if (cluster != null) cluster.close();
        } finally {
            bed.heal();
        }
    }

    /** Node haK lives in namespace nK at address .K. */
    private static String hostOf(String node) {
        return "n" + node.substring(2);
    }

    private TestCluster startCluster(String links) throws Exception {
        var nodes = NODES.stream().map(n -> "  - {name: %s, address: %s}".formatted(n, bed.address(hostOf(n))))
                .collect(Collectors.joining("\n"));
        var prefixes = NODES.stream().collect(Collectors.toMap(Function.identity(), n -> bed.execPrefix(hostOf(n))));
        cluster = new TestCluster(dir, """
                cluster: netns
                auth: {keyfile: KEYFILE}
                timing: {preset: lan}
                nodes:
                %s
                links:
                %s
                """.formatted(nodes, links), prefixes);
        for (var n : NODES) {
            cluster.start(n);
        }
        await("all three see each other on every link").atMost(TestCluster.AGENTS_UP).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (var observer : NODES) {
                        var r = cluster.status(observer);
                        assertThat(r).as("%s answers\n%s", observer, cluster.logs()).isPresent();
                        for (var peer : r.get().nodes()) {
                            if (peer.self()) continue;
                            assertThat(peer.state()).as("%s seen by %s", peer.name(), observer).isEqualTo("alive");
                            assertThat(peer.links()).extracting(StatusReport.LinkReport::state)
                                    .as("links of %s seen by %s", peer.name(), observer).isNotEmpty().containsOnly("up");
                        }
                        assertThat(r.get().members()).containsExactlyElementsOf(NODES);
                    }
                });
        return cluster;
    }

    private String multicastAndBroadcast() {
        return """
                  - {type: udp, mode: multicast, group: %s, port: %d}
                  - {type: udp, mode: broadcast, port: %d}""".formatted(bed.multicastGroup(), basePort, basePort + 1);
    }

    private static Optional<StatusReport.NodeReport> seen(TestCluster c, String observer, String node) {
        return c.status(observer).flatMap(r -> r.nodes().stream().filter(n -> n.name().equals(node)).findFirst());
    }

    private static Map<String, String> linkStates(StatusReport.NodeReport n) {
        var m = new LinkedHashMap<String, String>();
        n.links().forEach(l -> m.put(l.link(), l.state()));
        return m;
    }

    @Test
    void multicastAndBroadcastLinksConnectAllThreeNodes() throws Exception {
        var c = startCluster(multicastAndBroadcast());
        for (var observer : NODES) {
            var r = c.status(observer).orElseThrow();
            for (var peer : r.nodes()) {
                if (peer.self()) continue;
                assertThat(peer.links()).as("%s's links to %s", observer, peer.name()).hasSize(2)
                        .allSatisfy(l -> {
                            assertThat(l.state()).isEqualTo("up");
                            // Heard recently on each medium by itself, not merely once at start.
                            assertThat(l.lastHeardMs()).isNotNull().isLessThan(DEADTIME.toMillis());
                        });
                assertThat(peer.links()).extracting(StatusReport.LinkReport::link)
                        .anySatisfy(n -> assertThat(n).startsWith("mcast"))
                        .anySatisfy(n -> assertThat(n).startsWith("bcast"));
            }
        }
    }

    @Test
    void nodeWhoseInterfaceGoesDownIsDeclaredDeadAndRejoinsWhenItComesBack() throws Exception {
        var c = startCluster(multicastAndBroadcast());

        var watched = List.of("ha1>ha3", "ha2>ha3", "ha3>ha1", "ha3>ha2");
        // Wall clock, to compare with the agents' log timestamps; taken before the command so
        // however long `ip link set` takes counts against the agents, not for them.
        var downAt = LocalDateTime.now();
        long downNanos = System.nanoTime();
        bed.linkDown("n3");
        var commandTook = TestCluster.since(downNanos);
        await("ha3 and the others see each other dead").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    for (var w : watched) {
                        var pair = w.split(">");
                        assertThat(c.stateSeenBy(pair[0], pair[1])).as(w).contains("dead");
                    }
                });
        // The detector's own latency, from its log line: polling four status sockets from a
        // busy 2-core machine adds a few hundred ms that are not the agent's.
        var deadAfter = new LinkedHashMap<String, Duration>();
        for (var w : watched) {
            var pair = w.split(">");
            c.firstLogged(pair[0], "node " + pair[1] + " is dead").ifPresent(t -> deadAfter.put(w, Duration.between(downAt, t)));
        }
        System.out.printf("eth0 of ha3 down (ip took %d ms); declared dead after %s%n", commandTook.toMillis(), deadAfter);
        var bound = DEADTIME.plus(KEEPALIVE).plus(OBSERVATION_SLACK);
        assertThat(deadAfter).as("who logged whom dead, after eth0 of ha3 went down\n%s", c.logs())
                .containsOnlyKeys(watched).allSatisfy((w, after) -> assertThat(after).as(w).isLessThanOrEqualTo(bound));
        assertThat(c.status("ha1").orElseThrow().members()).containsExactly("ha1", "ha2");

        bed.linkUp("n3");
        await("ha3 back on both links").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (var observer : List.of("ha1", "ha2")) {
                var n3 = seen(c, observer, "ha3").orElseThrow();
                assertThat(n3.state()).as("ha3 seen by %s", observer).isEqualTo("alive");
                assertThat(linkStates(n3).values()).as("ha3's links seen by %s", observer).containsOnly("up");
            }
            for (var peer : List.of("ha1", "ha2")) {
                assertThat(c.stateSeenBy("ha3", peer)).as("%s seen by ha3", peer).contains("alive");
            }
        });
        assertThat(c.status("ha3").orElseThrow().members()).containsExactlyElementsOf(NODES);
    }

    @Test
    void thirtyPercentLossOnOneNodeCausesNoFalseDeath() throws Exception {
        assumeTrue(NetnsBed.whyNoNft().isEmpty(), () -> "skipping: " + NetnsBed.whyNoNft().orElseThrow());
        // One medium only: the preset itself must carry the loss (k = deadtime / keepalive = 12.5
        // at lan, so a false death needs 12 losses in a row: 0.3^12 ≈ 5e-7 per beat).
        var c = startCluster("""
                  - {type: udp, mode: multicast, group: %s, port: %d}""".formatted(bed.multicastGroup(), basePort));
        // Every UDP datagram in or out of ha3 is dropped with p = 0.3, each independently; the
        // pass counters give the denominator.
        bed.nft("n3", LOSS_TABLE, """
                  chain input {
                    type filter hook input priority 0; policy accept;
                    meta l4proto udp numgen random mod 100 < 30 counter drop comment "in-dropped"
                    meta l4proto udp counter comment "in-passed"
                  }
                  chain output {
                    type filter hook output priority 0; policy accept;
                    meta l4proto udp numgen random mod 100 < 30 counter drop comment "out-dropped"
                    meta l4proto udp counter comment "out-passed"
                  }""");

        var duration = Duration.ofSeconds(60);
        var pairs = List.of("ha1>ha3", "ha2>ha3", "ha3>ha1", "ha3>ha2");
        var lateSamples = new LinkedHashMap<String, Integer>();
        var badSamples = new ArrayList<String>();
        int samples = 0;
        long start = System.nanoTime();
        // Bounded by time and by count: ~1200 rounds at 50 ms, capped at twice that.
        while (TestCluster.since(start).compareTo(duration) < 0 && samples < 2400) {
            samples++;
            var reports = new LinkedHashMap<String, StatusReport>();
            for (var n : NODES) {
                c.status(n).ifPresent(r -> reports.put(n, r));
            }
            for (var p : pairs) {
                var pair = p.split(">");
                var r = reports.get(pair[0]);
                var state = r == null ? Optional.<String>empty() : TestCluster.stateOf(r, pair[1]);
                if (state.isEmpty()) {
                    badSamples.add(TestCluster.since(start).toMillis() + " ms: " + pair[0] + " did not answer");
                } else if (state.get().equals("late")) {
                    lateSamples.merge(p, 1, Integer::sum);
                } else if (!state.get().equals("alive")) {
                    badSamples.add(TestCluster.since(start).toMillis() + " ms: " + p + " " + state.get());
                }
            }
            Thread.sleep(50);
        }
        var counters = bed.nftCounters("n3", LOSS_TABLE);
        var logs = c.logs();
        long lateLogLines = logs.lines().filter(l -> l.contains("late heartbeat")).count();
        System.out.printf("30%% loss on ha3 for %s: %d sampling rounds, late seen in samples %s, %d 'late heartbeat' log lines, nft %s%n",
                duration, samples, lateSamples, lateLogLines, counters);

        assertThat(badSamples).as("states other than alive/late during loss\n%s", logs).isEmpty();
        assertThat(logs.lines().filter(l -> l.contains("is dead")).toList()).as("deaths in the agents' logs").isEmpty();
        assertThat(samples).as("sampling kept up").isGreaterThan(600);
        for (var dir : List.of("in", "out")) {
            long dropped = counters.getOrDefault(dir + "-dropped", 0L);
            long passed = counters.getOrDefault(dir + "-passed", 0L);
            // ~750 datagrams out and ~1500 in over 60 s: 3 sigma is under 6 points.
            assertThat(dropped + passed).as("%s datagrams seen by nft", dir).isGreaterThan(400);
            assertThat((double) dropped / (dropped + passed)).as("%s drop ratio (%d of %d)", dir, dropped, dropped + passed)
                    .isCloseTo(0.30, within(0.06));
        }
    }

    @Test
    void cuttingOneOfTwoLinksKeepsPeersAliveAndShowsThatLinkDown() throws Exception {
        assumeTrue(NetnsBed.whyNoNft().isEmpty(), () -> "skipping: " + NetnsBed.whyNoNft().orElseThrow());
        int unicastPort = basePort + 2;
        var c = startCluster("""
                  - {type: udp, mode: unicast, port: %d}
                  - {type: udp, mode: broadcast, port: %d}""".formatted(unicastPort, basePort + 1));
        var unicast = seen(c, "ha1", "ha3").orElseThrow().links().get(0).link();
        var broadcast = seen(c, "ha1", "ha3").orElseThrow().links().get(1).link();
        assertThat(unicast).startsWith("ucast");

        bed.nft("n3", CUT_TABLE, """
                  chain input {
                    type filter hook input priority 0; policy accept;
                    udp dport %1$d counter drop comment "in-cut"
                  }
                  chain output {
                    type filter hook output priority 0; policy accept;
                    udp dport %1$d counter drop comment "out-cut"
                  }""".formatted(unicastPort));
        long cutAt = System.nanoTime();
        var observations = List.of("ha1>ha3", "ha2>ha3", "ha3>ha1", "ha3>ha2");
        // While the unicast link times out, the peer must never leave "alive": the broadcast
        // link carries it. So every poll checks the state, not only the last one.
        var notAlive = new ArrayList<String>();
        Map<String, Map<String, String>> links = Map.of();
        boolean cutSeen = false;
        while (!cutSeen && TestCluster.since(cutAt).compareTo(Duration.ofSeconds(5)) < 0) {
            links = new LinkedHashMap<>();
            for (var o : observations) {
                var pair = o.split(">");
                var n = seen(c, pair[0], pair[1]);
                if (n.isEmpty() || !n.get().state().equals("alive")) {
                    notAlive.add(TestCluster.since(cutAt).toMillis() + " ms: " + o + " " + n.map(StatusReport.NodeReport::state));
                }
                links.put(o, n.map(NamespaceClusterIT::linkStates).orElse(Map.of()));
            }
            cutSeen = links.values().stream().allMatch(l -> "down".equals(l.get(unicast)) && "up".equals(l.get(broadcast)));
            Thread.sleep(20);
        }
        assertThat(notAlive).as("peers that were not alive while one link was cut\n%s", c.logs()).isEmpty();
        assertThat(cutSeen).as("unicast down and broadcast up for every pair within 5 s; last seen %s", links).isTrue();
        System.out.printf("unicast link seen down %d ms after the cut%n", TestCluster.since(cutAt).toMillis());
        assertThat(bed.nftCounters("n3", CUT_TABLE)).as("the cut dropped traffic both ways")
                .allSatisfy((rule, packets) -> assertThat(packets).as(rule).isPositive());

        bed.nftDelete("n3", CUT_TABLE);
        await("the unicast link comes back").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    for (var o : observations) {
                        var pair = o.split(">");
                        var n = seen(c, pair[0], pair[1]).orElseThrow();
                        assertThat(n.state()).as(o).isEqualTo("alive");
                        assertThat(linkStates(n).values()).as(o).containsOnly("up");
                    }
                });
        var logs = c.logs();
        assertThat(logs.lines().filter(l -> l.contains("is dead") || l.contains("late heartbeat")).toList())
                .as("the surviving link kept every peer on time").isEmpty();
        assertThat(Files.readString(c.log("ha1"))).contains("link ha3 " + unicast + " dead", "link ha3 " + unicast + " up");
    }
}
