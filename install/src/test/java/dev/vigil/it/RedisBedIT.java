package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The redis recipe for real on the namespace bed ({@link PlaybookBed}, three nodes reached over
 * SSH): {@code vigil playbook apply} sets it up, ClusterLabs' {@code ocf:heartbeat:redis}
 * (unmodified) runs under the agents started from the cluster file it wrote, and a writer in the
 * client namespace ({@code bench/.../RedisWriter.java}, compiled here) pushes a sequence number
 * through the floating IP every 2 ms while the master's node loses power (its cable cut and every
 * process in it killed at once): a replica is promoted, the other follows it, the IP moves, the
 * writes resume within the bound the configuration gives, and the node, booted again, rejoins as
 * a replica of the new master. The write gap and the acknowledged writes lost are printed (the
 * measurement is bench/redis-failover.sh's); what is asserted is what the configuration promises.
 *
 * <p>Machine-global: root, network namespaces (the bed's unique names), redis-server, redis-cli
 * and resource-agents installed on the host (each node sees the host's /usr).
 */
@Tag("integration")
class RedisBedIT {
    private static final Path RECIPE = VigilHome.home().resolve("playbooks/redis/playbook.yaml");
    private static final Path AGENT = Path.of("/usr/lib/ocf/resource.d/heartbeat/redis");
    private static final Path WRITER_SOURCE = Path.of("../bench/src/main/java/dev/vigil/bench/RedisWriter.java");
    private static final int PORT = 6379;
    /** The recipe's start, promote, demote and notify timeout in this test. */
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KEEPALIVE = TimingPreset.FAST.timing().keepalive();
    /** The bed's fence devices' timeout ({@link BedCluster}'s fencing yaml). */
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20);
    /**
     * From the master's death to writes accepted again: detection, the fence, the pre-promote
     * notifications and the promote, the IP's start; with min-replicas-to-write 1 the other replica's
     * post-promote notification (its demote: following the new master, the sync) too.
     */
    private static final Duration FAILOVER_BOUND = Timing.JOINING_DEADTIME.plus(KEEPALIVE).plus(Duration.ofSeconds(1))
            .plus(FENCE_TIMEOUT).plus(OP_TIMEOUT.multipliedBy(3)).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT);
    /** First start: JVMs, probes, three starts and a promote, replicas' syncs. */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlaybookBed pb;
    private Path dir;
    private Process writer;
    private final String password = "bed-" + Long.toHexString(new java.security.SecureRandom().nextLong())
            + Long.toHexString(System.nanoTime());

    @BeforeEach
    void checkHost() throws IOException {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the redis recipe on the SSH bed: " + why.orElse(""));
        for (var p : List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/bin/redis-cli"), AGENT)) {
            assumeTrue(Files.isExecutable(p), "skipping: the redis recipe's test needs " + p
                    + " (apt-get install redis-server redis-tools resource-agents)");
        }
        assumeTrue(Files.isRegularFile(RECIPE), "skipping: no " + RECIPE);
        dir = Files.createTempDirectory("vredis");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (writer != null && writer.isAlive()) {
            writer.destroyForcibly();
            writer.waitFor(10, TimeUnit.SECONDS);
        }
        PlaybookBed.tearDown(pb, dir, Path.of("target/playbook-it/redis").toAbsolutePath());
    }

    @Test
    void theMasterDiesAReplicaIsPromotedTheOtherFollowsAndWritesResume() throws Exception {
        pb = PlaybookBed.up(3, true, dir);
        var bed = pb.bed();
        var vars = pb.writeOperatorFile("vars.yaml", """
                vip: ${VIP}
                cidr_netmask: ${PREFIX}
                nic: eth0
                password: %s
                op_timeout: %ds
                min_replicas_to_write: 1
                min_replicas_max_lag: 10
                appendonly: "no"
                node1: ha1
                node2: ha2
                node3: ha3
                primary: ha1
                """.formatted(password, OP_TIMEOUT.toSeconds()));
        pb.installClusterFileOnNodes();
        var apply = pb.vigil(Duration.ofMinutes(5), List.of("playbook", "apply", RECIPE.toString(), "--vars",
                vars.toString(), "--config", pb.clusterFile().toString(), "--json"));
        assertThat(apply.exit()).as("playbook apply: %s", apply.all()).isZero();
        JsonNode doc = JSON.readTree(apply.stdout());
        doc.get("hosts").fields().forEachRemaining(h -> assertThat(h.getValue().path("failed").asInt())
                .as("failed steps on %s: %s", h.getKey(), h.getValue()).isZero());

        // 1. ha1 (the primary) is promoted, ha2 and ha3 replicate from it, the IP is on ha1.
        pb.startAgents();
        await("ha1 master, ha2 and ha3 its replicas, the IP on ha1").atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(replication("ha1")).as(pb.agentLogs()).containsEntry("role", "master");
                    for (var n : List.of("ha2", "ha3")) {
                        assertThat(replication(n)).as("%s", n).containsEntry("role", "slave")
                                .containsEntry("master_host", "ha1").containsEntry("master_link_status", "up");
                    }
                    assertThat(bed.vipHolders()).containsExactly("ha1");
                });

        // 2. a client writes through the IP; then ha1 loses power.
        writer = startWriter(bed);
        await("the writer's first writes").atMost(Duration.ofSeconds(30)).until(() -> count(bed, "ha2") > 100);
        long t0 = System.nanoTime();
        bed.cutLink("ha1");
        pb.killNode("ha1");

        String[] master = new String[1];
        await("a replica promoted, the other following it, the IP with it").atMost(FAILOVER_BOUND)
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    var promoted = List.of("ha2", "ha3").stream()
                            .filter(n -> "master".equals(replication(n).get("role"))).toList();
                    assertThat(promoted).as(pb.agentLogs()).hasSize(1);
                    master[0] = promoted.get(0);
                    var other = master[0].equals("ha2") ? "ha3" : "ha2";
                    assertThat(replication(other)).containsEntry("role", "slave")
                            .containsEntry("master_host", master[0]).containsEntry("master_link_status", "up");
                    assertThat(bed.vipHolders()).containsExactly(master[0]);
                });
        long failoverMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        // Writes resume: the new master's list grows through the IP.
        long before = count(bed, master[0]);
        await("writes through the IP again").atMost(Duration.ofSeconds(10)).until(() -> count(bed, master[0]) > before + 100);

        var result = stopWriter();
        System.out.printf("RedisBedIT: %s promoted, the other following and the IP there %d ms after ha1's power cut;"
                + " the writer: %s%n", master[0], failoverMs, result);
        assertThat(result.get("acked").asLong()).isPositive();
        assertThat(Duration.ofMillis(result.get("gapMs").asLong())).as("the write gap").isLessThan(FAILOVER_BOUND);
        // Replication is asynchronous: only writes acknowledged by the old master can be lost.
        // Every write acknowledged from the moment the writes resumed is in the new master's list.
        for (var lost : result.get("lostSeqs")) {
            assertThat(lost.asLong()).as("a lost write (%s)", result).isLessThanOrEqualTo(result.get("gapFromSeq").asLong());
        }

        // 3. ha1 boots again and rejoins as a replica of the new master, which stays master.
        bed.restoreLink("ha1");
        bed.boot("ha1");
        pb.startAgent("ha1");
        await("ha1 a replica of " + master[0]).atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(replication("ha1")).as(pb.agentLogs()).containsEntry("role", "slave")
                    .containsEntry("master_host", master[0]).containsEntry("master_link_status", "up");
            assertThat(replication(master[0])).containsEntry("role", "master").containsEntry("connected_slaves", "2");
        });
        assertThat(bed.vipHolders()).containsExactly(master[0]);
    }

    // ---- redis, read with redis-cli on the node

    /** {@code INFO replication} of {@code node}'s redis; empty when it does not answer (a dead node). */
    private Map<String, String> replication(String node) {
        var m = new HashMap<String, String>();
        Commands.Result r;
        try {
            r = pb.bed().exec(node, Duration.ofSeconds(10), "env", "REDISCLI_AUTH=" + password, "redis-cli", "-h",
                    "127.0.0.1", "-p", Integer.toString(PORT), "info", "replication");
        } catch (IOException e) {
            return m;
        }
        if (r.exit() != 0) return m;
        r.stdout().lines().map(String::strip).filter(l -> l.contains(":")).forEach(l -> {
            int i = l.indexOf(':');
            m.put(l.substring(0, i), l.substring(i + 1));
        });
        return m;
    }

    /** How many writes {@code node}'s redis holds (the writer's list), -1 when it does not answer. */
    private long count(HaBed bed, String node) throws IOException {
        var r = bed.exec(node, Duration.ofSeconds(10), "env", "REDISCLI_AUTH=" + password, "redis-cli", "-h",
                "127.0.0.1", "-p", Integer.toString(PORT), "llen", "writes");
        return r.exit() == 0 && r.stdout().strip().matches("\\d+") ? Long.parseLong(r.stdout().strip()) : -1;
    }

    // ---- the writer, in the client's namespace

    private Process startWriter(HaBed bed) throws IOException {
        var classes = Files.createDirectories(dir.resolve("writer"));
        var javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (the writer is compiled from bench's source)").isNotNull();
        assertThat(javac.run(null, null, null, "-d", classes.toString(), WRITER_SOURCE.toString())).isZero();
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pbuilder = new ProcessBuilder("ip", "netns", "exec", bed.clientNamespace(), java, "-XX:+UseSerialGC",
                "-Xmx64m", "-cp", classes.toString(), "dev.vigil.bench.RedisWriter", bed.vip(), Integer.toString(PORT),
                "writes", "2", "300").redirectError(dir.resolve("writer.log").toFile());
        pbuilder.environment().put("REDIS_PASSWORD", password);
        return pbuilder.start();
    }

    private JsonNode stopWriter() throws Exception {
        writer.getOutputStream().write("stop\n".getBytes(StandardCharsets.UTF_8));
        writer.getOutputStream().close();
        String out = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as("the writer: %s %s", out, Files.readString(dir.resolve("writer.log"))).isZero();
        return JSON.readTree(out.strip());
    }
}
