package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.config.TimingPreset;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, item 2: two bed nodes, no fencing, no ping target, a floating IP, and the quorum
 * arbitrator ({@code vigil arbitrator}) in a third namespace, the bed's client (docs/arbitrator.md).
 *
 * <ol>
 *   <li>(a) the arbitrator killed (by PID) while the cluster is healthy: nothing changes, both nodes
 *       stay quorate with 2 of 3 votes and the VIP never moves;</li>
 *   <li>(b) the arbitrator started again; the heartbeat cable between the nodes cut with nftables
 *       (UDP 694 dropped on ha1, both still reach the arbitrator over TCP): exactly one side is
 *       quorate — ha1, the tie-breaker's pick (lowest) — the other stops the VIP it held without
 *       being fenced, ha1 starts it only after ha2 has stopped it, and at no 10 ms sample do both
 *       hold it;</li>
 *   <li>(c) the arbitrator and ha2 lost together: ha1 has 1 of 3 votes and no arbitrator, so it has
 *       no quorum and starts nothing — the documented behaviour (as corosync-qnetd's).</li>
 * </ol>
 *
 * The VIP is sampled every 10 ms without a fork: from {@code /proc/<agent pid>/net/fib_trie}, the
 * kernel's routing tables of the node's network namespace, where an address the node holds is a
 * {@code /32 host LOCAL} entry.
 */
@Tag("integration")
class ArbitratorBedIT {
    private static final Duration DEADTIME = TimingPreset.FAST.timing().deadtime();
    private static final Duration LEASE = Duration.ofSeconds(1);
    /** The VIP's start and stop timeouts, 2 s each: the loser's stop allowance is 2 + 2 + 2 s (ArbitratedQuorum). */
    private static final Duration ALLOWANCE = Duration.ofSeconds(6);
    /** An agent or the arbitrator started: a JVM on a loaded 2-core machine. */
    private static final Duration START = Duration.ofSeconds(90);
    /** The takeover after a cut: detection, the old permissions' lease + a tenth, the hold, the start, and room. */
    private static final Duration TAKEOVER = DEADTIME.plus(LEASE.multipliedBy(2)).plus(ALLOWANCE).plusSeconds(20);

    private static final String TEMPLATE = """
            cluster: arb
            version: 1
            auth: {keyfile: KEYFILE}
            timing: {preset: fast}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}, start_timeout: 2s, stop_timeout: 2s}
            groups:
              - {id: www, members: [vip], prefer: ha2}
            arbitrator: {address: "${CLIENT_ADDR}:7696", keyfile: ARBKEY, algorithm: ffsplit, tie_breaker: lowest, lease: 1s}
            """;

    private BedCluster cluster;
    private Path workDir;
    private Process arbitrator;

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the arbitrator test on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("varb");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (arbitrator != null && arbitrator.isAlive()) {
                arbitrator.destroyForcibly();
                arbitrator.waitFor(10, TimeUnit.SECONDS);
            }
            if (cluster != null) cluster.closeLeavingNothing();
        } finally {
            BedCluster.keepLogsAndDelete(workDir, "arbitrator-it");
        }
    }

    @Test
    void theArbitratorDecidesASplitWithoutFencingAndItsLossAloneChangesNothing() throws Exception {
        long t0 = System.nanoTime();
        var arbKey = workDir.resolve("arbitrator.key");
        Files.writeString(arbKey, "arbitrator-key-" + System.nanoTime() + "\n");
        Files.setPosixFilePermissions(arbKey, PosixFilePermissions.fromString("rw-------"));
        cluster = BedCluster.create(2, workDir, TEMPLATE.replace("ARBKEY", arbKey.toString()));
        var bed = cluster.bed();
        var arbFile = Files.writeString(workDir.resolve("arbitrator.yaml"), "listen: " + bed.fact("CLIENT_ADDR")
                + ":7696\nclusters:\n  - {name: arb, keyfile: " + arbKey + "}\n");
        startArbitrator(arbFile);
        cluster.startAll();
        awaitHealthy("ha2");
        log("healthy after %d ms", since(t0));

        // (a) the arbitrator killed while healthy: no change.
        try (var vip = new VipSampler(bed, cluster)) {
            arbitrator.destroyForcibly();
            assertThat(arbitrator.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await("both nodes see the arbitrator gone").atMost(LEASE.multipliedBy(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> List.of("ha1", "ha2").stream().allMatch(n -> cluster.status(n)
                            .map(s -> s.arbitrator() != null && !s.arbitrator().connected()).orElse(false)));
            // Past every lease the nodes held: its vote is gone for good.
            Thread.sleep(LEASE.multipliedBy(3).toMillis());
            for (var n : List.of("ha1", "ha2")) {
                var s = cluster.status(n).orElseThrow();
                assertThat(s.resources().quorate()).as("%s quorate without the arbitrator", n).isTrue();
                assertThat(s.resources().quorum()).isEqualTo("2 of 3 votes");
                assertThat(s.arbitrator().holdsVote()).isFalse();
            }
            assertThat(vip.samples()).as("VIP samples").isGreaterThan(100);
            assertThat(vip.holdersSeen()).as("who held the VIP while the arbitrator was down").containsExactly("ha2");
            assertThat(vip.both()).isZero();
        }
        log("(a) arbitrator killed while healthy: no change (%d ms)", since(t0));

        // (b) the arbitrator back; then the heartbeat cable between the nodes cut.
        startArbitrator(arbFile);
        await("both nodes hold the arbitrator's vote again").atMost(START).pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("ha1", "ha2").stream().allMatch(n -> cluster.status(n)
                        .map(s -> s.arbitrator().connected() && s.arbitrator().holdsVote()).orElse(false)));
        var ha2Agent = cluster.agents().process("ha2");
        var rules = Files.writeString(workDir.resolve("cut.nft"), """
                table inet vigil_arb_cut {
                  chain input { type filter hook input priority 0; policy accept; udp dport 694 drop; }
                  chain output { type filter hook output priority 0; policy accept; udp dport 694 drop; }
                }
                """);
        long cutAt;
        try (var vip = new VipSampler(bed, cluster)) {
            cutAt = System.nanoTime();
            nft(bed, "ha1", "-f", rules.toString());
            await("ha1 serves the VIP alone").atMost(TAKEOVER).pollInterval(Duration.ofMillis(50))
                    .until(() -> vip.holdsNow("ha1") && !vip.holdsNow("ha2"));
            long takeoverMs = since(cutAt);
            var s1 = cluster.status("ha1").orElseThrow();
            var s2 = cluster.status("ha2").orElseThrow();
            assertThat(s1.members()).containsExactly("ha1");
            assertThat(s2.members()).containsExactly("ha2");
            assertThat(s1.resources().quorate()).as("ha1: " + s1.resources().quorum()).isTrue();
            assertThat(s1.resources().quorum()).isEqualTo("1 of 3 votes + the arbitrator's 1 (ffsplit)");
            assertThat(s1.arbitrator().holdsVote()).isTrue();
            assertThat(s2.resources().quorate()).as("ha2: " + s2.resources().quorum()).isFalse();
            assertThat(s2.arbitrator().verdict()).isEqualTo("refused");
            assertThat(ha2Agent.isAlive()).as("ha2 was not fenced: its agent lives").isTrue();
            assertThat(s1.resources().fenced()).isEmpty();
            assertThat(vip.both()).as("samples with the VIP on both nodes").isZero();
            // ha1 started it only after the hold: at least the allowance after ha1 lost ha2.
            assertThat(takeoverMs).as("takeover after the cut").isGreaterThanOrEqualTo(ALLOWANCE.toMillis());
            log("(b) cut: ha1 quorate and serving after %d ms, ha2 stopped; %d samples, never two holders",
                    takeoverMs, vip.samples());
            nft(bed, "ha1", "delete", "table", "inet", "vigil_arb_cut");
            awaitHealthy("ha2");
            assertThat(vip.both()).as("samples with the VIP on both nodes, merge included").isZero();
        }
        log("(b) healed, www back on ha2 (%d ms)", since(t0));

        // (c) the arbitrator and ha2 lost together: ha1 has 1 of 3 votes, no quorum, starts nothing.
        try (var vip = new VipSampler(bed, cluster)) {
            arbitrator.destroyForcibly();
            cluster.killNode("ha2");
            long lostAt = System.nanoTime();
            await("ha1 without quorum").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> cluster.status("ha1").map(s -> s.members().equals(List.of("ha1"))
                            && !s.resources().quorate()).orElse(false));
            // Longer than ha1 would need to take over if it had quorum (it needs no hold then).
            Thread.sleep(Math.max(0, DEADTIME.plusSeconds(4).toMillis() - since(lostAt)));
            var s1 = cluster.status("ha1").orElseThrow();
            assertThat(s1.resources().quorate()).isFalse();
            assertThat(s1.resources().quorum()).startsWith("1 of 3 votes: no majority");
            assertThat(vip.everHeld("ha1")).as("ha1 started the VIP without quorum").isFalse();
        }
        log("(c) arbitrator and ha2 lost: ha1 without quorum, VIP not started; total %d ms", since(t0));
    }

    private void startArbitrator(Path file) throws IOException {
        var bed = cluster.bed();
        arbitrator = new ProcessBuilder(HaBed.script().toString(), "client", bed.name(), "--",
                VigilHome.launcher().toString(), "arbitrator", "--config", file.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("arbitrator.log").toFile()))
                .start();
    }

    private static void nft(HaBed bed, String node, String... args) throws IOException {
        var cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", bed.namespace(node), "nft"));
        cmd.addAll(List.of(args));
        var r = HaBed.run(cmd, Duration.ofSeconds(30));
        if (r.exit() != 0) throw new IOException(String.join(" ", cmd) + ": " + r.all());
    }

    /** Both agents members of each other's view, the group on {@code holder} as both see it, one VIP holder. */
    private void awaitHealthy(String holder) {
        cluster.awaitTwoNodesSettledOn(holder, "vip", START);
        for (var n : List.of("ha1", "ha2")) {
            assertThat(cluster.status(n).orElseThrow().arbitrator()).as("%s's arbitrator", n).isNotNull();
        }
    }

    private static long since(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private static void log(String format, Object... args) {
        System.out.println("ArbitratorBedIT: " + String.format(format, args));
    }

    /**
     * Samples, every 10 ms on a thread of its own, which node holds the VIP, from each node's
     * {@code /proc/<agent pid>/net/fib_trie} (no fork: a read of a small procfs file).
     */
    private static final class VipSampler implements AutoCloseable {
        private final String vip;
        private final List<String> nodes = List.of("ha1", "ha2");
        private final long[] pids = new long[2];
        private final boolean[] now = new boolean[2];
        private final AtomicBoolean[] ever = {new AtomicBoolean(), new AtomicBoolean()};
        private final AtomicLong samples = new AtomicLong();
        private final AtomicInteger both = new AtomicInteger();
        private final Thread thread;
        private volatile boolean running = true;

        VipSampler(HaBed bed, BedCluster cluster) {
            this.vip = bed.vip();
            for (int i = 0; i < 2; i++) pids[i] = cluster.agents().process(nodes.get(i)).pid();
            thread = new Thread(this::loop, "vip-sampler");
            thread.setDaemon(true);
            thread.start();
            await("first VIP sample").atMost(Duration.ofSeconds(5)).until(() -> samples.get() > 0);
        }

        private void loop() {
            while (running) {
                int holders = 0;
                for (int i = 0; i < 2; i++) {
                    boolean h = holds(pids[i]);
                    synchronized (this) {
                        now[i] = h;
                    }
                    if (h) {
                        holders++;
                        ever[i].set(true);
                    }
                }
                if (holders > 1) both.incrementAndGet();
                samples.incrementAndGet();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The VIP is a local address in that process's network namespace; a gone process holds nothing. */
        private boolean holds(long pid) {
            String trie;
            try {
                trie = Files.readString(Path.of("/proc/" + pid + "/net/fib_trie"));
            } catch (IOException e) {
                return false;
            }
            String entry = "-- " + vip + "\n";
            for (int at = trie.indexOf(entry); at >= 0; at = trie.indexOf(entry, at + 1)) {
                int lineEnd = trie.indexOf('\n', at + entry.length());
                String next = trie.substring(at + entry.length(), lineEnd < 0 ? trie.length() : lineEnd);
                if (next.contains("/32 host LOCAL")) return true;
            }
            return false;
        }

        synchronized boolean holdsNow(String node) {
            return now[nodes.indexOf(node)];
        }

        boolean everHeld(String node) {
            return ever[nodes.indexOf(node)].get();
        }

        List<String> holdersSeen() {
            return nodes.stream().filter(this::everHeld).toList();
        }

        long samples() {
            return samples.get();
        }

        int both() {
            return both.get();
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
