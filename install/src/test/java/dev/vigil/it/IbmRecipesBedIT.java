package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.parallel.ResourceLock;
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
 *
 * <p>Covered: ibm-mq, loadleveler, websphere (layout server; also ClusterLabs' WAS6 answering
 * stop 0 and status 7 where the group does not run, before the agents start), db2. db2's recipe
 * installs ksh with a {@code package} step, which on this bed would install into the machine's
 * /usr (only /etc, /var, /srv, /opt and /usr/local are the node's own): the test skips unless
 * ksh is on this machine already (.ci/run installs it), so the step only finds it.
 * The bed's nodes share one PID namespace: a product's processes are told apart by their network
 * namespace ({@link #nodeProcesses}).
 */
@Tag("integration")
// The IBM stand-ins' daemons are found by name across the whole machine, as the agents do on a real
// node (ocf:vigil:loadleveler and ibmmq list `ps -e`; the tests kill and count them by name too):
// ResourceScriptsIT's LoadLeveler saw IbmRecipesBedIT's when the two ran together.
@ResourceLock(TestResources.IBM_STANDINS)
class IbmRecipesBedIT {
    // ---- IBM MQ

    static final String MQ_PLAYBOOK = "ibm-mq/playbook.yaml";
    static final String QMGR = "VIGILQM";
    /** IBM's default installation directory: the stand-in's command wrappers go to the node's {@code /opt/mqm/bin}. */
    static final String MQ_INSTALL = "/opt/mqm";
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

    // ---- LoadLeveler

    static final String LL_PLAYBOOK = "loadleveler/playbook.yaml";
    /** The recipe's default installation directory (its bin/ holds llctl and llstatus). */
    static final String LL_HOME = "/opt/ibmll/LoadL/full";
    /** In the node's own /var: /home is the machine's on this bed, shared by the nodes. */
    static final String LL_CONFIG = "/var/loadl/LoadL_config";
    static final String LL_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            ll_user: loadl
            ll_home: %s
            ll_config: %s
            stop_timeout: 10
            primary: ${FIRST_NODE}
            """.formatted(LL_HOME, LL_CONFIG);
    static final String LL_GROUP_MEMBER = "ll-cm";

    // ---- WebSphere Application Server

    static final String WAS_PLAYBOOK = "websphere/playbook.yaml";
    /** The only installation root ClusterLabs' WAS6 knows: the stand-in goes there, in the node's own /opt. */
    static final String WAS_ROOT = "/opt/IBM/WebSphere/AppServer";
    static final String WAS_PROFILE = "AppSrv01";
    static final int WAS_STARTING_PORT = 9060;
    static final String WAS_CELL = "haCell01";
    static final String WAS_NODE = "haNode01";
    /** The profile's transaction logs, WAS's default directory: the shared disk's mount point. */
    static final String WAS_TRANLOG = WAS_ROOT + "/profiles/" + WAS_PROFILE + "/tranlog";
    /** WC_defaulthost, the profile's seventh port (manageprofiles' order), where WAS6 and the client fetch /snoop. */
    static final int WAS_HTTP_PORT = WAS_STARTING_PORT + 6;
    static final String WAS_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            device: ${DISK}
            fstype: ext4
            layout: server
            profile: %s
            cell: %s
            was_node: %s
            starting_port: %d
            primary: ${FIRST_NODE}
            """.formatted(WAS_PROFILE, WAS_CELL, WAS_NODE, WAS_STARTING_PORT);
    static final String WAS_GROUP_MEMBER = "was-server";

    // ---- DB2

    static final String DB2_PLAYBOOK = "db2/playbook.yaml";
    static final String DB2_INSTANCE = "db2vig";
    static final String DB2_DATABASE = "VIGILDB";
    static final String DB2_VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            device: ${DISK}
            fstype: ext4
            mount_point: ${MOUNT}
            instance: %s
            instance_uid: %%d
            instance_gid: %%d
            dblist: %s
            port: 50000
            primary: ${FIRST_NODE}
            """.formatted(DB2_INSTANCE, DB2_DATABASE);
    static final String DB2_GROUP_MEMBER = "db2-instance";

    // ---- bounds

    /** A plan or apply over SSH on two nodes: connecting, facts, the steps' own timeouts (the queue manager step's 120 s). */
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(5);
    /** Launching the agents' JVMs and their first probes, before the cluster's own timing counts. */
    private static final Duration AGENT_LAUNCH = Duration.ofSeconds(60);
    /** One SSH command to a node. */
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);


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
        PlaybookBed.tearDown(pb, dir, logDir);
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
        var groupStarts = groupStarts(cluster, MQ_GROUP_MEMBER);
        var startup = AGENT_LAUNCH.plus(cluster.timing().initdead()).plus(groupStarts);
        pb.startAgents();
        awaitMqRunningOn(primary, startup, mount);
        assertThat(nodeProcesses(other, "amqzxma0", "-m", QMGR)).as("the queue manager's processes on %s", other).isEmpty();
        log("queue manager %s running on %s (start bound %s)", QMGR, primary, startup);

        // 3. a second apply, the cluster running: nothing to change on any node.
        var again = playbook("apply", playbook, vars);
        assertThat(again.get("changed").asInt()).as("a second apply: changed (%s)", again).isZero();
        assertThat(dspmq(primary)).as("still running after the second apply").contains("STATUS(Running)");

        // 4. the active node dies: the queue manager runs on the other, from the same shared disk.
        var failover = failoverBound(cluster, groupStarts);
        long t0 = System.nanoTime();
        pb.killNode(primary);
        awaitMqRunningOn(other, failover, mount);
        log("%s killed: %s running on %s after %d ms (bound %s)", primary, QMGR, other,
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), failover);
        assertThat(bed.vipHolders()).as("the floating IP").containsExactly(other);
    }

    @Test
    void loadLeveler() throws Exception {
        var playbook = recipe(LL_PLAYBOOK);
        var standin = standin("loadleveler");
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var primary = bed.nodes().get(0);
        var other = bed.nodes().get(1);
        for (var n : bed.nodes()) {
            installLoadLStandin(n, standin);
        }
        pb.installClusterFileOnNodes();
        var vars = pb.writeOperatorFile("vars.yaml", LL_VARS);

        // 1. apply: every node's LoadL_config names the floating IP as the central manager.
        var apply = playbook("apply", playbook, vars);
        assertThat(apply.get("changed").asInt()).as("apply: changed").isPositive();
        for (var n : bed.nodes()) {
            assertThat(onNode(n, "grep '^CENTRAL_MANAGER_LIST' " + LL_CONFIG)).as("%s's LoadL_config", n)
                    .isEqualTo("CENTRAL_MANAGER_LIST = " + bed.vip());
        }

        // 2. the agents: the central manager runs on the primary and answers llstatus at the floating IP.
        var cluster = nodeCluster(primary);
        var groupStarts = groupStarts(cluster, LL_GROUP_MEMBER);
        var startup = AGENT_LAUNCH.plus(cluster.timing().initdead()).plus(groupStarts);
        pb.startAgents();
        awaitCentralManagerOn(primary, startup);
        assertThat(nodeProcesses(other, "LoadL_master")).as("LoadLeveler's daemons on %s", other).isEmpty();
        log("LoadLeveler central manager running on %s (start bound %s)", primary, startup);

        // 3. a second apply, the cluster running: nothing to change.
        var again = playbook("apply", playbook, vars);
        assertThat(again.get("changed").asInt()).as("a second apply: changed (%s)", again).isZero();

        // 4. the active node dies: the central manager runs on the other, at the same address.
        var failover = failoverBound(cluster, groupStarts);
        long t0 = System.nanoTime();
        pb.killNode(primary);
        awaitCentralManagerOn(other, failover);
        log("%s killed: central manager on %s after %d ms (bound %s)", primary, other,
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), failover);
    }

    @Test
    void webSphere() throws Exception {
        var playbook = recipe(WAS_PLAYBOOK);
        var standin = standin("was");
        var was6 = Path.of("/usr/lib/ocf/resource.d/heartbeat/WAS6");
        assumeTrue(Files.isRegularFile(was6), "skipping: the websphere recipe runs ClusterLabs' WAS6 (resource-agents): no " + was6);
        for (var tool : List.of("/usr/bin/wget", "/usr/bin/netstat")) {
            assumeTrue(Files.isExecutable(Path.of(tool)), "skipping: WAS6 needs " + tool);
        }
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var primary = bed.nodes().get(0);
        var other = bed.nodes().get(1);
        for (var n : bed.nodes()) {
            var r = bed.exec(n, Duration.ofSeconds(60), "sh", "-c", "set -e; rm -rf " + WAS_ROOT + "; mkdir -p " + WAS_ROOT
                    + " && cp -r " + standin.resolve("AppServer") + "/. " + WAS_ROOT + "/ && chmod -R a+rX " + WAS_ROOT);
            assertThat(r.exit()).as("installing the WAS stand-in on %s: %s", n, r.all()).isZero();
        }
        pb.installClusterFileOnNodes();
        var vars = pb.writeOperatorFile("vars.yaml", WAS_VARS);

        // 1. apply: the same profile on every node's own disk (WAS6 reads its ports there), its
        // tranlog/ the shared disk's mount point, not mounted by the recipe.
        var apply = playbook("apply", playbook, vars);
        assertThat(apply.get("changed").asInt()).as("apply: changed").isPositive();
        var index = WAS_ROOT + "/profiles/" + WAS_PROFILE + "/config/cells/" + WAS_CELL + "/nodes/" + WAS_NODE + "/serverindex.xml";
        var indexes = new ArrayList<String>();
        for (var n : bed.nodes()) {
            assertThat(onNodeExit(n, "test -f " + WAS_ROOT + "/properties/fsdb/" + WAS_PROFILE + ".sh")).as("the fsdb file on %s", n).isZero();
            indexes.add(onNode(n, "cat " + index));
            assertThat(onNodeExit(n, "test -d " + WAS_TRANLOG)).as("the mount point %s on %s", WAS_TRANLOG, n).isZero();
            assertThat(onNodeExit(n, "mountpoint -q " + WAS_TRANLOG)).as("the disk is not left mounted on %s", n).isNotZero();
        }
        assertThat(indexes.get(1)).as("serverindex.xml of %s and %s", other, primary).isEqualTo(indexes.get(0))
                .contains("port=\"" + WAS_HTTP_PORT + "\"");

        // What the cluster does first on every node, the disk not mounted: probe WAS6 and, since
        // its monitor answers 1 for a stopped server (it only fetches /snoop), stop it. That stop
        // must answer 0, or the cluster fences the node: WAS6 takes the server's ports from the
        // node's own serverindex.xml, so the node's other listening sockets (sshd) are not the server's.
        var was6Env = "OCF_ROOT=/usr/lib/ocf OCF_RESKEY_profile=" + WAS_PROFILE + " OCF_RESOURCE_INSTANCE=" + WAS_GROUP_MEMBER + " " + was6;
        var status = pb.ssh(other, SSH_TIMEOUT, was6Env + " status");
        assertThat(status.exit()).as("WAS6 status on %s, where the disk is not mounted: %s", other, status.all()).isEqualTo(7);
        var stop = pb.ssh(other, SSH_TIMEOUT, was6Env + " stop");
        assertThat(stop.exit()).as("WAS6 stop on %s, where the disk is not mounted: %s", other, stop.all()).isZero();

        // 2. the agents: server1 runs on the primary and serves /snoop at the floating IP.
        var cluster = nodeCluster(primary);
        var groupStarts = groupStarts(cluster, WAS_GROUP_MEMBER);
        var startup = AGENT_LAUNCH.plus(cluster.timing().initdead()).plus(groupStarts);
        pb.startAgents();
        awaitWasOn(primary, startup);
        assertThat(nodeProcesses(other, "java", "server1")).as("server1 on %s", other).isEmpty();
        log("WebSphere server1 running on %s (start bound %s)", primary, startup);

        // 3. a second apply, the cluster running: nothing to change.
        var again = playbook("apply", playbook, vars);
        assertThat(again.get("changed").asInt()).as("a second apply: changed (%s)", again).isZero();

        // 4. the active node dies: server1 runs on the other, its transaction logs on the shared disk.
        var failover = failoverBound(cluster, groupStarts);
        long t0 = System.nanoTime();
        pb.killNode(primary);
        awaitWasOn(other, failover);
        log("%s killed: server1 on %s after %d ms (bound %s)", primary, other,
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), failover);
    }

    @Test
    void db2() throws Exception {
        var playbook = recipe(DB2_PLAYBOOK);
        var standin = standin("db2");
        var db2 = Path.of("/usr/lib/ocf/resource.d/heartbeat/db2");
        assumeTrue(Files.isRegularFile(db2), "skipping: the db2 recipe runs ClusterLabs' db2 (resource-agents): no " + db2);
        // The recipe's package step would install ksh into the machine's /usr (the bed's nodes
        // share it): it must be there already (.ci/run installs it), so the step only looks.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ksh")) || Files.isExecutable(Path.of("/bin/ksh")),
                "skipping: ClusterLabs' db2 agent needs ksh, and the recipe would install it into the machine's /usr");
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var primary = bed.nodes().get(0);
        var other = bed.nodes().get(1);
        pb.installClusterFileOnNodes();
        int id = freeId();
        var vars = pb.writeOperatorFile("vars.yaml", DB2_VARS.formatted(id, id));
        var mount = bed.mountPoint().toString();
        var home = mount + "/" + DB2_INSTANCE;

        // 1. apply: the instance owner (same uid, home on the shared disk) and the port on every node.
        var apply = playbook("apply", playbook, vars);
        assertThat(apply.get("changed").asInt()).as("apply: changed").isPositive();
        for (var n : bed.nodes()) {
            assertThat(onNode(n, "getent passwd " + DB2_INSTANCE)).as("the instance owner on %s", n)
                    .startsWith(DB2_INSTANCE + ":x:" + id + ":" + id + ":").contains(":" + home + ":");
            assertThat(onNode(n, "grep '^db2c_" + DB2_INSTANCE + "' /etc/services")).as("/etc/services on %s", n).contains("50000/tcp");
        }

        // "Create the instance and the databases once, on the node that has the disk mounted":
        // the stand-in's sqllib as the instance's (its engine bounded in time), a database.
        var create = bed.exec(primary, Duration.ofSeconds(60), "sh", "-c", """
                set -e
                mount -t ext4 %1$s %2$s
                trap 'umount %2$s' EXIT
                mkdir -p %3$s && cp -r %4$s %3$s/sqllib
                echo 'DB2_STANDIN_LIFETIME=%5$d; export DB2_STANDIN_LIFETIME' >>%3$s/sqllib/db2profile
                chown -R %6$s: %3$s && chmod -R a+rX %3$s
                su %6$s -c '. ~/sqllib/db2profile; db2start && db2 create database %7$s && db2stop force'
                """.formatted(bed.disk(), mount, home, standin.resolve("sqllib"), STANDIN_LIFETIME_SECONDS, DB2_INSTANCE, DB2_DATABASE));
        assertThat(create.exit()).as("creating the instance on the shared disk on %s: %s", primary, create.all()).isZero();

        // 2. the agents: the instance runs on the primary, its database active.
        var cluster = nodeCluster(primary);
        var groupStarts = groupStarts(cluster, DB2_GROUP_MEMBER);
        var startup = AGENT_LAUNCH.plus(cluster.timing().initdead()).plus(groupStarts);
        pb.startAgents();
        awaitDb2On(primary, startup, home);
        log("DB2 instance %s running on %s (start bound %s)", DB2_INSTANCE, primary, startup);

        // 3. a second apply, the cluster running: nothing to change.
        var again = playbook("apply", playbook, vars);
        assertThat(again.get("changed").asInt()).as("a second apply: changed (%s)", again).isZero();

        // 4. the active node dies: the instance runs on the other, from the same shared disk.
        var failover = failoverBound(cluster, groupStarts);
        long t0 = System.nanoTime();
        pb.killNode(primary);
        awaitDb2On(other, failover, home);
        log("%s killed: %s running on %s after %d ms (bound %s)", primary, DB2_INSTANCE, other,
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), failover);
        assertThat(bed.vipHolders()).as("the floating IP").containsExactly(other);
    }

    /** The stand-in's {@code db2pd -hadr -db DB} on {@code node} as the instance user, over SSH; empty when it fails. */
    private String db2pdOrEmpty(String node) {
        try {
            return onNode(node, "su " + DB2_INSTANCE + " -c '. ~/sqllib/db2profile; db2pd -hadr -db " + DB2_DATABASE + "'");
        } catch (IOException | AssertionError e) {
            return "";
        }
    }

    /**
     * Waits until the instance runs on {@code node}: the cluster says so, its engine (db2sysc) is
     * one of the node's processes, and db2pd there reports the database active; then checks the
     * instance's home is the shared disk, mounted there.
     */
    private void awaitDb2On(String node, Duration within, String home) throws IOException {
        awaitOn(node, DB2_GROUP_MEMBER, within, () -> bed().vipHolders().equals(List.of(node))
                && !nodeProcesses(node, "db2sysc").isEmpty()
                && db2pdOrEmpty(node).contains("Database " + DB2_DATABASE), () -> "db2pd: " + db2pdOrEmpty(node));
        assertThat(onNode(node, "findmnt -n -o SOURCE --target " + home)).as("what holds the instance's home on %s", node)
                .isEqualTo(bed().disk());
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
                """.formatted(freeId(), MQ_INSTALL, standin, STANDIN_LIFETIME_SECONDS);
        var r = bed().exec(node, Duration.ofSeconds(60), "sh", "-c", script);
        assertThat(r.exit()).as("installing the MQ stand-in on %s: %s", node, r.all()).isZero();
    }

    /**
     * "Install LoadLeveler on every node first": the loadl user (home /var/loadl, where its
     * LoadL_config is), the stand-in in the node's own /opt at the recipe's default ll_home, and
     * llctl and llstatus in its bin/ (wrappers naming the config file and bounding the daemons).
     */
    private void installLoadLStandin(String node, Path standin) throws IOException {
        var script = """
                set -e
                getent group loadl >/dev/null || groupadd -g %1$d loadl
                getent passwd loadl >/dev/null || useradd -u %1$d -g loadl -d /var/loadl -M -s /bin/sh loadl
                mkdir -p /var/loadl && chown loadl:loadl /var/loadl
                printf 'CENTRAL_MANAGER_LIST = localhost\nNEGOTIATOR_STREAM_PORT = 9614\n' >%3$s && chown loadl:loadl %3$s
                rm -rf %2$s && mkdir -p %2$s/bin && cp -r %4$s %2$s/standin && chmod -R a+rX %2$s
                for c in llctl llstatus; do
                    printf '#!/bin/sh\nLOADL_STANDIN_CONFIG=%3$s LOADL_STANDIN_LIFETIME=%5$d exec %2$s/standin/bin/%%s "$@"\n' "$c" >%2$s/bin/$c
                    chmod 755 %2$s/bin/$c
                done
                """.formatted(freeId(), LL_HOME, LL_CONFIG, standin, STANDIN_LIFETIME_SECONDS);
        var r = bed().exec(node, Duration.ofSeconds(60), "sh", "-c", script);
        assertThat(r.exit()).as("installing the LoadLeveler stand-in on %s: %s", node, r.all()).isZero();
    }

    /** {@code llstatus} on {@code node} as loadl, over SSH: asks the central manager named in LoadL_config (the floating IP). */
    private String llstatusOrEmpty(String node) {
        try {
            return onNode(node, "su - loadl -s /bin/sh -c '" + LL_HOME + "/bin/llstatus'");
        } catch (IOException | AssertionError e) {
            return "";
        }
    }

    /**
     * Waits until the central manager runs on {@code node}: the cluster says so, the node holds
     * the floating IP, its LoadL_negotiator is one of the node's processes, and llstatus there
     * gets the negotiator's answer through the floating IP.
     */
    private void awaitCentralManagerOn(String node, Duration within) throws IOException {
        // comm holds 15 characters: LoadL_negotiator is LoadL_negotiato.
        awaitOn(node, LL_GROUP_MEMBER, within, () -> bed().vipHolders().equals(List.of(node))
                && !nodeProcesses(node, "LoadL_negotiato").isEmpty()
                && llstatusOrEmpty(node).contains("The Central Manager is defined on " + bed().vip()),
                () -> "llstatus: " + llstatusOrEmpty(node));
    }

    /**
     * Waits until server1 runs on {@code node}: the cluster says so, its JVM is one of the node's
     * processes, and the client gets /snoop at the floating IP; then checks the shared disk is
     * mounted there as the profile's transaction logs.
     */
    private void awaitWasOn(String node, Duration within) throws IOException {
        var snoop = "http://" + bed().vip() + ":" + WAS_HTTP_PORT + "/snoop";
        awaitOn(node, WAS_GROUP_MEMBER, within, () -> bed().vipHolders().equals(List.of(node))
                && !nodeProcesses(node, "java", "server1").isEmpty()
                && pb.get(snoop, Duration.ofSeconds(2)).isPresent(), () -> "GET " + snoop + ": " + pb.get(snoop, Duration.ofSeconds(2)));
        assertThat(onNode(node, "findmnt -n -o SOURCE --target " + WAS_TRANLOG))
                .as("what holds the transaction logs on %s", node).isEqualTo(bed().disk());
    }

    /**
     * A uid and gid that no user or group of this machine has: a product's user gets the same
     * ids on every node (as IBM asks), and every node's /etc starts as this machine's.
     */
    private static int freeId() throws IOException {
        var taken = new java.util.HashSet<String>();
        for (var f : List.of("/etc/passwd", "/etc/group")) {
            for (var line : Files.readAllLines(Path.of(f))) {
                var fields = line.split(":");
                if (fields.length > 2) taken.add(fields[2]);
            }
        }
        for (int id = 2900; id < 60000; id++) {
            if (!taken.contains(Integer.toString(id))) return id;
        }
        throw new IOException("no free uid/gid on this machine");
    }

    /** The stand-in's {@code dspmq -m QM} on {@code node} as mqm, over SSH (what an operator would type). */
    private String dspmq(String node) throws IOException {
        return onNode(node, "su - mqm -s /bin/sh -c '" + MQ_INSTALL + "/bin/dspmq -m " + QMGR + "'");
    }

    /**
     * Waits until the queue manager runs on {@code node}: the cluster says mq-qmgr runs there,
     * {@code dspmq} there says Running, and its execution controller is one of that node's
     * processes (the bed's nodes share one PID namespace, so dspmq, which reads /proc, would also
     * see another node's); then checks it runs from the shared disk mounted there.
     */
    private void awaitMqRunningOn(String node, Duration within, String mount) throws IOException {
        awaitOn(node, MQ_GROUP_MEMBER, within, () -> dspmqOrEmpty(node).contains("STATUS(Running)")
                && !nodeProcesses(node, "amqzxma0", "-m", QMGR).isEmpty(), () -> "dspmq: " + dspmqOrEmpty(node));
        assertThat(onNode(node, "findmnt -n -o SOURCE --target " + mount + "/data")).as("what holds the data on %s", node)
                .isEqualTo(bed().disk());
        assertThat(onNodeExit(node, "test -f " + mount + "/data/" + QMGR + "/qm.ini")).as("qm.ini on the shared disk on %s", node).isZero();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Waits until the cluster reports {@code resource} on {@code node} alone and {@code check} holds; {@code why} explains a timeout. */
    private void awaitOn(String node, String resource, Duration within, Check check, java.util.function.Supplier<String> why) {
        try {
            await(resource + " running on " + node).atMost(within).pollInterval(Duration.ofSeconds(1))
                    .until(() -> pb.runningOn(node, resource).equals(List.of(node)) && check.holds());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; " + why.get() + "; cluster: " + pb.runningOn(node, resource)
                    + "; logs in " + logDir + "\n" + pb.agentLogs(), e);
        }
    }

    /**
     * The pids of {@code node}'s processes (those in its network namespace) named {@code comm}
     * whose arguments hold {@code args} in that order.
     */
    private List<Long> nodeProcesses(String node, String comm, String... args) throws IOException {
        var found = new ArrayList<Long>();
        var want = String.join("\0", args);
        for (var pid : bed().pids(node)) {
            try {
                var proc = Path.of("/proc", Long.toString(pid));
                if (!Files.readString(proc.resolve("comm")).strip().equals(comm)) continue;
                if (Files.readString(proc.resolve("cmdline")).contains(want)) found.add(pid);
            } catch (IOException gone) {
                // Ended since it was listed.
            }
        }
        return found;
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

    /** The start timeouts of {@code member}'s group, added up: the group starts one member after the other. */
    private static Duration groupStarts(ClusterConfig cluster, String member) {
        var group = cluster.resources().groupOf(member).orElseThrow();
        return group.members().stream().map(id -> cluster.resources().resource(id).orElseThrow())
                .map(ResourceSpec::startTimeout).reduce(Duration.ZERO, Duration::plus);
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
        return pb.playbook(CLI_TIMEOUT, logDir, verb, playbook, vars, List.of("--config", pb.clusterFile().toString()));
    }

    private static void log(String format, Object... args) {
        System.out.println("IbmRecipesBedIT: " + String.format(format, args));
    }
}
