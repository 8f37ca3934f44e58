package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.FenceDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The IBM recipes through the same engine and cluster as {@link PlaybookBedIT}, on the namespace
 * bed, against the stand-ins of {@code resource-scripts/test/standins/} (IBM's products cannot be
 * installed here): the stand-in is installed on every node where the product would be (the
 * node's own /opt, its user in the node's own /etc), the recipe applied over SSH by the
 * {@code vigil} CLI in the client namespace, the agents started from the cluster file it left on
 * each node; the product runs on the primary (asked with the stand-in's own commands on that
 * node), a second apply changes nothing, the active node is killed and the product runs on the
 * other within a bound taken from the cluster file (detection, the fence, the group's starts).
 * Needs what {@link PlaybookBed} needs, and python3 (the stand-ins).
 */
@Tag("integration")
class IbmRecipesBedIT {
    // ---- IBM MQ

    static final String MQ_PLAYBOOK = "ibm-mq/playbook.yaml";
    static final String QMGR = "VIGILQM";
    /** IBM's default installation directory: the stand-in's command wrappers go to the node's {@code /opt/mqm/bin}. */
    static final String MQ_INSTALL = "/opt/mqm";
    /** The mqm user, the same uid on every node (IBM: "the same mqm uid and gid on every node"). */
    static final int MQM_UID = 990;
    /** How long a stand-in queue-manager process lives at most: longer than this test, ended by the bed's teardown. */
    static final int STANDIN_LIFETIME_SECONDS = 900;
    static final String MQ_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            device: ${DISK}
            fstype: ext4
            mount_point: ${MOUNT}
            qmgr: %s
            mquser: mqm
            mq_installation_path: %s
            immediate_stop_timeout: 5
            preemptive_stop_timeout: 5
            stop_timeout: 30s
            primary: ${FIRST_NODE}
            """.formatted(QMGR, MQ_INSTALL);
    static final String MQ_GROUP_MEMBER = "mq-qmgr";

    // ---- bounds

    /** A plan or apply over SSH on two nodes: connecting, facts, the steps' own timeouts (the queue manager step's 120 s). */
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(5);
    /** Launching the agents' JVMs and their first probes, before the cluster's own timing counts. */
    private static final Duration AGENT_LAUNCH = Duration.ofSeconds(60);
    /** One SSH command to a node. */
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlaybookBed pb;
    private Path dir;
    private Path logDir;

    @BeforeEach
    void checkHost(TestInfo info) throws IOException {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the IBM recipes on the SSH bed: " + why.orElse(""));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "skipping: the IBM stand-ins need /usr/bin/python3");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/useradd")), "skipping: installing the stand-ins needs useradd");
        logDir = Path.of("target/playbook-it", "IbmRecipesBedIT-" + info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        dir = Files.createTempDirectory("vibm");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (pb != null) {
                pb.close();
                assertThat(pb.bed().leftovers()).as("what bed %s left behind", pb.bed().name()).isEmpty();
            }
        } finally {
            keepLogs();
            Commands.run(List.of("rm", "-rf", dir.toString()), null, Duration.ofSeconds(30));
        }
    }

    @Test
    void ibmMq() throws Exception {
        var playbook = recipe(MQ_PLAYBOOK);
        var standin = standin("mq");
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var primary = bed.nodes().get(0);
        var other = bed.nodes().get(1);
        for (var n : bed.nodes()) {
            installMqStandin(n, standin);
        }
        pb.installClusterFileOnNodes();
        var vars = pb.writeOperatorFile("vars.yaml", MQ_VARS);
        var mount = bed.mountPoint().toString();

        // 1. apply: the queue manager created on the primary's shared disk, added on the other.
        var apply = playbook("apply", playbook, vars);
        assertThat(apply.get("changed").asInt()).as("apply: changed").isPositive();
        assertThat(dspmq(primary)).as("dspmq on %s after apply", primary).contains("QMNAME(" + QMGR + ")").contains("STATUS(Ended normally)");
        assertThat(dspmq(other)).as("dspmq on %s after apply", other).contains("QMNAME(" + QMGR + ")");
        for (var n : bed.nodes()) {
            assertThat(onNode(n, "cat /var/mqm/mqs.ini")).as("%s's mqs.ini", n).contains("DataPath=" + mount + "/data/" + QMGR);
            assertThat(onNodeExit(n, "mountpoint -q " + mount)).as("the disk is not left mounted on %s", n).isNotZero();
        }
        pb.onSharedDisk("test -f data/" + QMGR + "/qm.ini && test -d log/" + QMGR + "/active");

        // 2. the agents, from the cluster file the recipe wrote: the queue manager runs on the primary.
        var cluster = nodeCluster(primary);
        var group = cluster.resources().groupOf(MQ_GROUP_MEMBER).orElseThrow();
        var groupStarts = group.members().stream().map(id -> cluster.resources().resource(id).orElseThrow())
                .map(ResourceSpec::startTimeout).reduce(Duration.ZERO, Duration::plus);
        var startup = AGENT_LAUNCH.plus(cluster.timing().initdead()).plus(groupStarts);
        pb.startAgents();
        awaitRunningOn(primary, startup, mount);
        log("queue manager %s running on %s (start bound %s)", QMGR, primary, startup);

        // 3. a second apply, the cluster running: nothing to change on any node.
        var again = playbook("apply", playbook, vars);
        assertThat(again.get("changed").asInt()).as("a second apply: changed (%s)", again).isZero();
        assertThat(dspmq(primary)).as("still running after the second apply").contains("STATUS(Running)");

        // 4. the active node dies: the queue manager runs on the other, from the same shared disk.
        var failover = failoverBound(cluster, groupStarts);
        long t0 = System.nanoTime();
        pb.killNode(primary);
        awaitRunningOn(other, failover, mount);
        log("%s killed: %s running on %s after %d ms (bound %s)", primary, QMGR, other,
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), failover);
        assertThat(bed.vipHolders()).as("the floating IP").containsExactly(other);
    }

    // ---- the stand-ins, installed where the products would be

    private Path standin(String product) {
        var d = VigilHome.home().resolve("resource-scripts/test/standins").resolve(product);
        assumeTrue(Files.isDirectory(d), () -> "skipping: no stand-in at " + d);
        return d;
    }

    /**
     * "Install IBM MQ on every node first": the mqm user (same uid everywhere, home /var/mqm where
     * mqs.ini lives) in the node's own /etc, the stand-in copied to the node's own /opt, and
     * IBM's command names in {@code /opt/mqm/bin} (wrappers: the stand-in's processes are bounded).
     */
    private void installMqStandin(String node, Path standin) throws IOException {
        var script = """
                set -e
                getent group mqm >/dev/null || groupadd -g %1$d mqm
                getent passwd mqm >/dev/null || useradd -u %1$d -g mqm -d /var/mqm -M -s /bin/sh mqm
                mkdir -p /var/mqm && chown mqm:mqm /var/mqm
                rm -rf %2$s && mkdir -p %2$s/bin && cp -r %3$s %2$s/standin && chmod -R a+rX %2$s
                for c in crtmqm addmqinf strmqm endmqm dspmq runmqsc; do
                    printf '#!/bin/sh\\nMQ_STANDIN_LIFETIME=%4$d exec %2$s/standin/bin/%%s "$@"\\n' "$c" >%2$s/bin/$c
                    chmod 755 %2$s/bin/$c
                done
                """.formatted(MQM_UID, MQ_INSTALL, standin, STANDIN_LIFETIME_SECONDS);
        var r = bed().exec(node, Duration.ofSeconds(60), "sh", "-c", script);
        assertThat(r.exit()).as("installing the MQ stand-in on %s: %s", node, r.all()).isZero();
    }

    /** The stand-in's {@code dspmq -m QM} on {@code node} as mqm, over SSH (what an operator would type). */
    private String dspmq(String node) throws IOException {
        return onNode(node, "su - mqm -s /bin/sh -c '" + MQ_INSTALL + "/bin/dspmq -m " + QMGR + "'");
    }

    /**
     * Waits until the queue manager runs on {@code node} ({@code dspmq} there says Running and the
     * cluster says mq-qmgr runs there), then checks it runs from the shared disk mounted there.
     */
    private void awaitRunningOn(String node, Duration within, String mount) throws IOException {
        try {
            await("queue manager " + QMGR + " running on " + node).atMost(within).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pb.runningOn(node, MQ_GROUP_MEMBER).equals(List.of(node))
                            && dspmqOrEmpty(node).contains("STATUS(Running)"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; dspmq: " + dspmqOrEmpty(node) + "; logs in " + logDir + "\n" + pb.agentLogs(), e);
        }
        assertThat(onNode(node, "findmnt -n -o SOURCE --target " + mount + "/data")).as("what holds the data on %s", node)
                .isEqualTo(bed().disk());
        assertThat(onNodeExit(node, "test -f " + mount + "/data/" + QMGR + "/qm.ini")).as("qm.ini on the shared disk on %s", node).isZero();
    }

    private String dspmqOrEmpty(String node) {
        try {
            return dspmq(node);
        } catch (IOException | AssertionError e) {
            return "";
        }
    }

    // ---- bounds from the cluster file

    /**
     * The cluster file the recipe left on {@code node}, loaded by the agent's own loader (its
     * keyfile read from a copy: the file names the node's path).
     */
    private ClusterConfig nodeCluster(String node) throws Exception {
        var text = onNode(node, "cat " + PlaybookBed.NODE_CLUSTER_FILE);
        var key = dir.resolve("node-authkey");
        Files.writeString(key, onNode(node, "cat " + PlaybookBed.NODE_AUTHKEY) + "\n");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return ConfigLoader.load(text.replace(PlaybookBed.NODE_AUTHKEY, key.toString()), dir.resolve("node-cluster.yaml"));
    }

    /**
     * Detection (deadtime, at least the joining deadtime, and a keepalive's lateness), the
     * slowest fence device's timeout, then the group's starts one after the other, each within
     * its start timeout; one more second for the last status answer.
     */
    private static Duration failoverBound(ClusterConfig cluster, Duration groupStarts) {
        var timing = cluster.timing();
        var detection = (timing.deadtime().compareTo(dev.vigil.config.Timing.JOINING_DEADTIME) > 0
                ? timing.deadtime() : dev.vigil.config.Timing.JOINING_DEADTIME).plus(timing.keepalive());
        var fence = cluster.resources().fencing().stream().map(FenceDevice::timeout).max(Duration::compareTo).orElse(Duration.ZERO);
        return detection.plus(fence).plus(groupStarts).plusSeconds(1);
    }

    // ---- the CLI and the nodes

    private HaBed bed() {
        return pb.bed();
    }

    private String onNode(String node, String command) throws IOException {
        var r = pb.ssh(node, SSH_TIMEOUT, command);
        if (r.exit() != 0) throw new AssertionError("on " + node + ": " + command + ": exit " + r.exit() + " " + r.all());
        return r.stdout().strip();
    }

    private int onNodeExit(String node, String command) throws IOException {
        return pb.ssh(node, SSH_TIMEOUT, command).exit();
    }

    private Path recipe(String relative) {
        var playbook = VigilHome.home().resolve("playbooks").resolve(relative);
        assumeTrue(Files.isRegularFile(playbook), () -> "skipping: the recipe " + relative + " is not in the distribution (" + playbook + ")");
        return playbook;
    }

    /** {@code vigil playbook VERB PLAYBOOK --vars F --config cluster.yaml --json}: the JSON, no host failed. */
    private JsonNode playbook(String verb, Path playbook, Path vars) throws IOException {
        var args = new ArrayList<>(List.of("playbook", verb, playbook.toString(), "--vars", vars.toString(),
                "--config", pb.clusterFile().toString(), "--json"));
        var r = pb.vigil(CLI_TIMEOUT, args);
        Files.createDirectories(logDir);
        Files.writeString(logDir.resolve(verb + "-" + System.nanoTime() + ".json"), r.stdout() + "\n--- stderr\n" + r.stderr());
        assertThat(r.exit()).as("vigil %s:%n%s", String.join(" ", args), r.all()).isZero();
        var doc = JSON.readTree(r.stdout());
        doc.get("hosts").fields().forEachRemaining(h ->
                assertThat(h.getValue().path("failed").asInt()).as("failed steps on %s: %s", h.getKey(), h.getValue()).isZero());
        var hosts = new ArrayList<String>();
        doc.get("hosts").fieldNames().forEachRemaining(hosts::add);
        assertThat(hosts).as("hosts of the %s", verb).containsExactlyInAnyOrderElementsOf(bed().nodes());
        return doc;
    }

    private void keepLogs() throws IOException {
        if (dir == null || !Files.isDirectory(dir) || logDir == null) return;
        Files.createDirectories(logDir);
        try (Stream<Path> files = Files.list(dir)) {
            for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, logDir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("IbmRecipesBedIT: " + String.format(format, args));
    }
}
