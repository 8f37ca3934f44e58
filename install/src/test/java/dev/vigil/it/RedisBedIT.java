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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The redis recipe for real on the namespace bed ({@link PlaybookBed}, three nodes reached over
 * SSH), with both of its fronts at once: {@code vigil playbook apply} sets it up with
 * {@code front: haproxy} (the floating IP on the master and, besides, haproxy on every node, run
 * by the cluster as a clone), ClusterLabs' {@code ocf:heartbeat:redis} (unmodified) runs under the
 * agents started from the cluster file it wrote, and two writers in the client namespace
 * ({@code bench/.../RedisWriter.java}, compiled here) push sequence numbers every 2 ms, one through
 * the floating IP at redis' port, one through haproxy on a node that is not the master, while the
 * master's node loses power (its cable cut and every process in it killed at once): a replica is
 * promoted, the other follows it, the IP moves, haproxy's check finds the new master, both
 * writers' writes resume within the bounds the configuration gives, and the node, booted again,
 * rejoins as a replica of the new master (the haproxy writer still writing: a redis that starts
 * is never taken for a master). The write gaps and the acknowledged writes lost are printed (the
 * measurement is bench/redis-failover.sh's); what is asserted is what the configuration promises.
 *
 * <p>Machine-global: root, network namespaces (the bed's unique names), redis-server, redis-cli
 * and resource-agents installed on the host (each node sees the host's /usr).
 */
@Tag("integration")
class RedisBedIT {
    private static final Path RECIPE = VigilHome.home().resolve("playbooks/redis/playbook.yaml");
    private static final Path AGENT = Path.of("/usr/lib/ocf/resource.d/heartbeat/redis");
    private static final Path HAPROXY_TEMPLATE = RECIPE.resolveSibling("haproxy.cfg");
    private static final Path WRITER_SOURCE = Path.of("../bench/src/main/java/dev/vigil/bench/RedisWriter.java");
    private static final int PORT = 6379;
    private static final int HAPROXY_PORT = 6380;
    /** The node whose haproxy the second writer goes through: a replica until ha1 dies. */
    private static final String FRONT_NODE = "ha3";
    /** The writers' answer timeout (RedisWriter's TIMEOUT_MS argument). */
    private static final Duration WRITER_TIMEOUT = Duration.ofMillis(300);
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
    private Process frontWriter;
    /** {@link HaproxyChecks#findsMaster()} of the recipe's haproxy.cfg. */
    private Duration haproxyFindsMaster;
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
        haproxyFindsMaster = HaproxyChecks.of(HAPROXY_TEMPLATE).findsMaster();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (var w : Arrays.asList(writer, frontWriter)) {
            if (w != null && w.isAlive()) {
                w.destroyForcibly();
                w.waitFor(10, TimeUnit.SECONDS);
            }
        }
        PlaybookBed.tearDown(pb, dir, Path.of("target/playbook-it/redis").toAbsolutePath());
    }

    @Test
    void theMasterDiesAReplicaIsPromotedTheOtherFollowsAndWritesResumeThroughTheIpAndHaproxy() throws Exception {
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
                front: haproxy
                haproxy_port: %d
                """.formatted(password, OP_TIMEOUT.toSeconds(), HAPROXY_PORT));
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

        // 2. a client writes through the IP, another through haproxy on ha3 (a replica, so its
        // writes landing on ha1 prove haproxy routes them to the master); then ha1 loses power.
        writer = startWriter(bed, bed.vip(), PORT, "writes");
        frontWriter = startWriter(bed, bed.address(FRONT_NODE), HAPROXY_PORT, "front-writes");
        await("the writers' first writes, on the master").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> count(bed, "ha1", "writes") > 100 && count(bed, "ha1", "front-writes") > 100);
        assertThat(replication(FRONT_NODE)).as("%s, whose haproxy the second writer goes through", FRONT_NODE)
                .containsEntry("role", "slave");
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
        // Writes resume: the new master's lists grow through the IP, and through haproxy once its
        // check has found the new master (10 s more for reading the counts on a loaded machine).
        long before = count(bed, master[0], "writes");
        await("writes through the IP again").atMost(Duration.ofSeconds(10)).until(() -> count(bed, master[0], "writes") > before + 100);
        long frontBefore = count(bed, master[0], "front-writes");
        await("writes through haproxy again").atMost(haproxyFindsMaster.plus(Duration.ofSeconds(10)))
                .until(() -> count(bed, master[0], "front-writes") > frontBefore + 100);

        var result = stopWriter(writer, "writes");
        System.out.printf("RedisBedIT: %s promoted, the other following and the IP there %d ms after ha1's power cut;"
                + " the writer through the IP: %s%n", master[0], failoverMs, result);
        assertWroteThrough(result, FAILOVER_BOUND, "the IP");

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
        // Every redis that started (ha1 twice) was a replica from the moment it listened (redis tags
        // each log line with its role: S replica, M master), so haproxy's role:master check never
        // sent writes to a redis the cluster had not promoted.
        for (var n : bed.nodes()) {
            var log = bed.exec(n, Duration.ofSeconds(10), "cat", "/var/log/redis/redis-server.log");
            assertThat(log.exit()).as("%s's redis log: %s", n, log.all()).isZero();
            var ready = log.stdout().lines().filter(l -> l.contains("Ready to accept connections")).toList();
            assertThat(ready).as("%s's redis started", n).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).as("%s's redis, listening", n).matches("\\d+:S .*"));
        }
        var front = stopWriter(frontWriter, "front-writes");
        System.out.printf("RedisBedIT: the writer through haproxy on %s, through ha1's death and return: %s%n", FRONT_NODE, front);
        assertWroteThrough(front, FAILOVER_BOUND.plus(haproxyFindsMaster), "haproxy");
    }

    /**
     * The writes went through, with a gap under {@code bound}, and lost none of what was
     * acknowledged after the gap. Replication is asynchronous (min-replicas-to-write 1 refuses
     * writes when no replica acknowledged the stream within max-lag, 10 s; it does not wait for
     * each write): writes the old master acknowledged in its last moments may be lost, so only
     * seqs up to the gap's start may be missing. Every write acknowledged from the moment the
     * writes resumed (by the new master, and through haproxy not by a redis that was starting and
     * later followed it) is in the new master's list.
     */
    private static void assertWroteThrough(JsonNode result, Duration bound, String front) {
        assertThat(result.get("acked").asLong()).as("writes acknowledged through %s: %s", front, result).isPositive();
        assertThat(Duration.ofMillis(result.get("gapMs").asLong())).as("the write gap through %s", front).isLessThan(bound);
        for (var lost : result.get("lostSeqs")) {
            assertThat(lost.asLong()).as("a lost write through %s (%s)", front, result)
                    .isLessThanOrEqualTo(result.get("gapFromSeq").asLong());
        }
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

    /** How many writes {@code node}'s redis holds in a writer's list, -1 when it does not answer. */
    private long count(HaBed bed, String node, String key) throws IOException {
        var r = bed.exec(node, Duration.ofSeconds(10), "env", "REDISCLI_AUTH=" + password, "redis-cli", "-h",
                "127.0.0.1", "-p", Integer.toString(PORT), "llen", key);
        return r.exit() == 0 && r.stdout().strip().matches("\\d+") ? Long.parseLong(r.stdout().strip()) : -1;
    }

    // ---- the writer, in the client's namespace

    /** A writer of RPUSH {@code key} seq to {@code host:port}, every 2 ms; its stderr in {@code <key>.log}. */
    private Process startWriter(HaBed bed, String host, int port, String key) throws IOException {
        var classes = dir.resolve("writer");
        if (!Files.isDirectory(classes)) {
            Files.createDirectories(classes);
            var javac = ToolProvider.getSystemJavaCompiler();
            assertThat(javac).as("a JDK's compiler (the writer is compiled from bench's source)").isNotNull();
            assertThat(javac.run(null, null, null, "-d", classes.toString(), WRITER_SOURCE.toString())).isZero();
        }
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pbuilder = new ProcessBuilder("ip", "netns", "exec", bed.clientNamespace(), java, "-XX:+UseSerialGC",
                "-Xmx64m", "-cp", classes.toString(), "dev.vigil.bench.RedisWriter", host, Integer.toString(port),
                key, "2", Long.toString(WRITER_TIMEOUT.toMillis())).redirectError(dir.resolve(key + ".log").toFile());
        pbuilder.environment().put("REDIS_PASSWORD", password);
        return pbuilder.start();
    }

    private JsonNode stopWriter(Process w, String key) throws Exception {
        w.getOutputStream().write("stop\n".getBytes(StandardCharsets.UTF_8));
        w.getOutputStream().close();
        String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as("the writer of %s: %s %s", key, out, Files.readString(dir.resolve(key + ".log"))).isZero();
        return JSON.readTree(out.strip());
    }

    /** The health check's timing in the recipe's haproxy.cfg ({@code default-server check inter N fall N rise N}, {@code timeout check}). */
    record HaproxyChecks(Duration inter, int rise, Duration timeoutCheck) {
        /**
         * From the moment the new master answers {@code role:master} to haproxy sending connections
         * to it: its next check starts within {@code inter} and passes within {@code timeout check},
         * and {@code rise} of them mark it up; a connection the writer opened before that to the dead
         * master (haproxy's only server still up until its checks failed) costs one writer timeout.
         */
        Duration findsMaster() {
            return inter.multipliedBy(rise).plus(timeoutCheck).plus(WRITER_TIMEOUT);
        }

        static HaproxyChecks of(Path template) {
            String cfg;
            try {
                cfg = Files.readString(template);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            var server = Pattern.compile("default-server check inter (\\d+)s fall \\d+ rise (\\d+)").matcher(cfg);
            var check = Pattern.compile("timeout check (\\d+)s").matcher(cfg);
            if (!server.find() || !check.find()) {
                throw new IllegalStateException(template + ": no 'default-server check inter Ns fall N rise N' or 'timeout check Ns'");
            }
            return new HaproxyChecks(Duration.ofSeconds(Long.parseLong(server.group(1))), Integer.parseInt(server.group(2)),
                    Duration.ofSeconds(Long.parseLong(check.group(1))));
        }
    }
}
