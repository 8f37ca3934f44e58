package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The HA bed for real: it comes up and goes down without a trace; a web service (floating IP,
 * shared disk, apache) fails over by hand between two nodes, driven by {@code vigil run-agent}
 * with Vigil's own agents and with ClusterLabs' unmodified ones; fence_vigil_netns powers a
 * node off. Needs root, apache2 and (for the ClusterLabs part) resource-agents.
 */
@Tag("integration")
class HaBedIT {
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(40);
    private static final Path HEARTBEAT_AGENTS = Path.of("/usr/lib/ocf/resource.d/heartbeat");

    private HaBed bed;

    @BeforeEach
    void up() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping HA bed tests: " + why.orElse(""));
        bed = HaBed.up(2, false);
    }

    @AfterEach
    void down() throws IOException {
        if (bed == null) return;
        bed.close();
        assertThat(bed.leftovers()).as("what bed %s left behind", bed.name()).isEmpty();
    }

    /** {@code vigil run-agent} on a node; fails the test unless the agent exits {@code expected}. */
    private String runAgent(String node, int expected, String agent, String action, String... params) throws IOException {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString(), "run-agent", agent, action, "--timeout", "30s"));
        for (var p : params) {
            cmd.add("-p");
            cmd.add(p);
        }
        var r = bed.exec(node, AGENT_TIMEOUT, cmd.toArray(String[]::new));
        assertThat(r.exit()).as("%s %s on %s:%n%s", agent, action, node, r.all()).isEqualTo(expected);
        return r.stdout();
    }

    private String get() throws IOException {
        var r = bed.client(Duration.ofSeconds(10), "curl", "-s", "-m", "3", "http://" + bed.vip() + "/");
        assertThat(r.exit()).as("curl http://%s/ from the client: %s", bed.vip(), r.all()).isZero();
        return r.stdout();
    }

    @Test
    void comesUpIsolatedAndGoesDownWithoutATrace() throws Exception {
        assertThat(bed.nodes()).containsExactly("ha1", "ha2");
        assertThat(bed.ipAddrSnapshot().get("ha1")).contains("eth0 " + bed.address("ha1") + "/24");
        assertThat(bed.vipHolders()).isEmpty();

        // The client reaches both nodes over the bridge.
        for (var node : bed.nodes()) {
            assertThat(reachable(node)).as("arping %s from the client", node).isTrue();
        }
        // A mount on ha1 is ha1's alone: not on ha2, not on the host.
        var mnt = bed.mountPoint().toString();
        assertThat(bed.exec("ha1", Duration.ofSeconds(10), "mount", "-t", "ext4", bed.disk(), mnt).exit()).isZero();
        assertThat(bed.exec("ha1", Duration.ofSeconds(10), "mountpoint", "-q", mnt).exit()).isZero();
        assertThat(bed.exec("ha2", Duration.ofSeconds(10), "mountpoint", "-q", mnt).exit()).isNotZero();
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(" " + mnt + " ");
        // Each node has its own /run (resource-agents' pidfiles).
        bed.exec("ha1", Duration.ofSeconds(10), "touch", "/run/resource-agents/only-on-ha1");
        assertThat(bed.exec("ha2", Duration.ofSeconds(10), "test", "-e", "/run/resource-agents/only-on-ha1").exit()).isNotZero();

        // A process left running on a node is killed by down; the AfterEach checks the rest.
        var sleeper = bed.exec("ha2", Duration.ofSeconds(10), "sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!");
        long pid = Long.parseLong(sleeper.stdout().strip());
        assertThat(ProcessHandle.of(pid)).isPresent();
        bed.close();
        assertThat(running(pid)).isFalse();
        assertThat(bed.leftovers()).isEmpty();
        // down again is harmless.
        var again = HaBed.run(List.of(HaBed.script().toString(), "down", bed.name()), Duration.ofSeconds(30));
        assertThat(again.exit()).as(again.all()).isZero();
    }

    /** The three agents of one web service, in start order, as (agent, params) for a node. */
    private record Service(String ip, String fs, String web) {}

    private Service vigilAgents() {
        return new Service("ocf:vigil:IPaddr", "ocf:vigil:Filesystem", "ocf:vigil:apache");
    }

    private Service clusterLabsAgents() {
        return new Service("ocf:heartbeat:IPaddr2", "ocf:heartbeat:Filesystem", "ocf:heartbeat:apache");
    }

    private void start(Service s, String node) throws IOException {
        runAgent(node, 0, s.ip(), "start", "ip=" + bed.vip(), "cidr_netmask=24", "nic=eth0");
        runAgent(node, 0, s.fs(), "start", "device=" + bed.disk(), "directory=" + bed.mountPoint(), "fstype=ext4");
        runAgent(node, 0, s.web(), "start", "configfile=" + bed.apacheConfig(node));
        runAgent(node, 0, s.web(), "monitor", "configfile=" + bed.apacheConfig(node));
    }

    private void stop(Service s, String node) throws IOException {
        runAgent(node, 0, s.web(), "stop", "configfile=" + bed.apacheConfig(node));
        runAgent(node, 0, s.fs(), "stop", "device=" + bed.disk(), "directory=" + bed.mountPoint(), "fstype=ext4");
        runAgent(node, 0, s.ip(), "stop", "ip=" + bed.vip(), "cidr_netmask=24", "nic=eth0");
        runAgent(node, 7, s.web(), "monitor", "configfile=" + bed.apacheConfig(node));
        runAgent(node, 7, s.fs(), "monitor", "device=" + bed.disk(), "directory=" + bed.mountPoint(), "fstype=ext4");
        runAgent(node, 7, s.ip(), "monitor", "ip=" + bed.vip(), "cidr_netmask=24", "nic=eth0");
    }

    private void manualFailover(Service s) throws IOException {
        start(s, "ha1");
        assertThat(bed.vipHolders()).containsExactly("ha1");
        assertThat(get()).contains("node=ha1", "from the shared disk");

        stop(s, "ha1");
        assertThat(bed.vipHolders()).isEmpty();

        start(s, "ha2");
        assertThat(bed.vipHolders()).containsExactly("ha2");
        assertThat(get()).contains("node=ha2", "from the shared disk");
        stop(s, "ha2");
    }

    @Test
    void vigilsOwnAgentsFailTheWebServiceOverByHand() throws IOException {
        manualFailover(vigilAgents());
    }

    @Test
    void clusterLabsAgentsRunUnmodifiedThroughVigilsExecutor() throws IOException {
        for (var agent : List.of("IPaddr2", "Filesystem", "apache")) {
            assumeTrue(Files.isExecutable(HEARTBEAT_AGENTS.resolve(agent)),
                    "skipping: ClusterLabs' " + agent + " missing (apt-get install resource-agents)");
        }
        manualFailover(clusterLabsAgents());
    }

    @Test
    void fencingPowersTheNodeOffAndOnAgain() throws Exception {
        start(vigilAgents(), "ha1");
        assertThat(get()).contains("node=ha1");
        long apache = Long.parseLong(Files.readString(bed.apachePidFile("ha1")).strip());
        assertThat(bed.pids("ha1")).contains(apache);

        var base = bed.address("ha1") + "/24";
        var device = Map.of("netns", bed.namespace("ha1"), "dev", "eth0", "address", base);
        assertThat(fence("off", device).exit()).isZero();

        assertThat(bed.pids("ha1")).as("processes left in ha1 after power-off").isEmpty();
        assertThat(running(apache)).isFalse();
        assertThat(bed.ipAddrSnapshot().get("ha1")).isEmpty();
        assertThat(bed.vipHolders()).isEmpty();
        var status = fence("status", device);
        assertThat(status.exit()).as(status.all()).isEqualTo(2);
        assertThat(bed.client(Duration.ofSeconds(10), "curl", "-s", "-m", "1", "http://" + bed.vip() + "/").exit()).isNotZero();

        assertThat(fence("on", device).exit()).isZero();
        assertThat(fence("status", device).exit()).isZero();
        // Back with its own address only: the floating IP does not survive a power cycle.
        assertThat(bed.ipAddrSnapshot().get("ha1")).containsExactly("eth0 " + base);
        assertThat(reachable("ha1")).isTrue();
    }

    /**
     * A reboot fence, run from inside ha2 as ha2's agent runs it, leaves ha1 as a reboot would:
     * nothing running, the shared disk unmounted, /run/resource-agents empty, only the base
     * address; so when it starts again every probe finds its resources stopped.
     */
    @Test
    void aRebootFenceLeavesTheNodeAsARebootWould() throws Exception {
        var s = vigilAgents();
        start(s, "ha1");
        var mnt = bed.mountPoint().toString();
        assertThat(bed.exec("ha1", Duration.ofSeconds(10), "mountpoint", "-q", mnt).exit()).isZero();
        bed.exec("ha1", Duration.ofSeconds(10), "touch", "/run/resource-agents/state-of-a-resource");
        var base = bed.address("ha1") + "/24";
        var agent = VigilHome.home().resolve("resource-scripts/fence/fence_vigil_netns");
        var stdin = "action=reboot\nnetns=" + bed.namespace("ha1") + "\ndev=eth0\naddress=" + base
                + "\nmntns=" + bed.mountNamespace("ha1") + "\n";

        var r = bed.exec("ha2", Duration.ofSeconds(30), "sh", "-c", "printf '" + stdin + "' | " + agent);

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(bed.pids("ha1")).as("processes left in ha1").isEmpty();
        assertThat(bed.exec("ha1", Duration.ofSeconds(10), "mountpoint", "-q", mnt).exit())
                .as("the shared disk is unmounted on ha1").isNotZero();
        assertThat(bed.exec("ha1", Duration.ofSeconds(10), "sh", "-c", "ls -A /run/resource-agents").stdout()).isBlank();
        assertThat(bed.apachePidFile("ha1")).as("apache's pid file, in the node's /run").doesNotExist();
        assertThat(bed.ipAddrSnapshot().get("ha1")).containsExactly("eth0 " + base);
        // ha1 "boots": each of its resources probes as stopped, and ha2 can take the disk.
        runAgent("ha1", 7, s.web(), "monitor", "configfile=" + bed.apacheConfig("ha1"));
        runAgent("ha1", 7, s.fs(), "monitor", "device=" + bed.disk(), "directory=" + bed.mountPoint(), "fstype=ext4");
        runAgent("ha1", 7, s.ip(), "monitor", "ip=" + bed.vip(), "cidr_netmask=24", "nic=eth0");
        start(s, "ha2");
        assertThat(get()).contains("node=ha2", "from the shared disk");
        stop(s, "ha2");
    }

    /** arping rather than ping: CI installs arping, and iputils-ping is not a given. */
    private boolean reachable(String node) throws IOException {
        return bed.client(Duration.ofSeconds(10), "arping", "-c", "1", "-w", "2", "-i", "eth0", bed.address(node)).exit() == 0;
    }

    /**
     * Alive and not a zombie: a killed daemon whose parent is PID 1 stays a zombie until PID 1
     * reaps it, and in a container that can take a while.
     */
    private static boolean running(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /** fence_vigil_netns from the distribution, speaking the fence-agents stdin protocol. */
    private static Commands.Result fence(String action, Map<String, String> params) throws Exception {
        var agent = VigilHome.home().resolve("resource-scripts/fence/fence_vigil_netns");
        var p = new ProcessBuilder(agent.toString()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            var sb = new StringBuilder("action=" + action + "\n");
            params.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            in.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("fence %s finished", action).isTrue();
        return new Commands.Result(p.exitValue(), out, "");
    }
}
