package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.Timing;
import dev.vigil.config.TimingPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The apache-nfs recipe applied over SSH on the namespace bed ({@link PlaybookBed}), its NFS
 * mount against a stand-in: this kernel has no NFS client. The stand-in
 * ({@code resource-scripts/test/standins/nfs-client/mount}, installed as each node's own
 * {@code /usr/local/bin/mount}) follows mount(8)'s contract for {@code mount DIR} with an
 * {@code nfs} entry in /etc/fstab (exit 0 / 32) and "mounts" by binding one directory of the bed's
 * state dir, shared by both nodes, that stands for the server's export. What is tested: the
 * recipe's fstab line and its {@code mount ... unless mountpoint -q} step on both nodes, a second
 * apply changing nothing, the agents serving the page from the "NFS" directory through the
 * floating IP, and after the active node is killed, the other serving it. What is not: a real NFS
 * client (options, hard mounts, the server going away).
 */
@Tag("integration")
class ApacheNfsBedIT {
    static final String PLAYBOOK = "apache-nfs/playbook.yaml";
    static final String STANDIN = "resource-scripts/test/standins/nfs-client";
    /** The "server" name in fstab; the stand-in resolves it through its configuration file, no DNS. */
    static final String NFS_SERVER = "nfs.vigil-bed.test";
    static final String NFS_EXPORT = "/srv/nfs/www";
    static final String MOUNT_POINT = "/srv/www";
    static final String STANDIN_CONF = "/usr/local/etc/nfs-client-standin.conf";
    /** The recipe's DocumentRoot below the mount point (its vigil-ha.conf: {@code {{mount_point}}/htdocs}). */
    static final String DOCROOT_IN_EXPORT = "htdocs";
    static final String VARS = """
            vip: ${VIP}
            cidr_netmask: ${PREFIX}
            nic: eth0
            nfs_server: %s
            nfs_export: %s
            mount_point: %s
            port: 80
            server_name: www.vigil-bed.test
            primary: ${FIRST_NODE}
            monitor_interval: 2s
            """.formatted(NFS_SERVER, NFS_EXPORT, MOUNT_POINT);
    /** The recipe's fstab line with these vars and its default options. */
    static final String FSTAB_LINE = NFS_SERVER + ":" + NFS_EXPORT + " " + MOUNT_POINT
            + " nfs vers=4.1,hard,timeo=600,retrans=2,_netdev 0 0";

    // ---- bounds, from configuration (as PlaybookBedIT derives its own)

    private static final Duration KEEPALIVE = TimingPreset.FAST.timing().keepalive();
    /** The bed's fence devices' timeout ({@link BedCluster}'s fencing yaml: {@code timeout: 20s}). */
    private static final Duration FENCE_TIMEOUT = Duration.ofSeconds(20);
    /** apache's start_timeout in the recipe's cluster.yaml. */
    private static final Duration APACHE_START_TIMEOUT = Duration.ofSeconds(40);
    /**
     * Detection, the fence, then the group's two starts on the other node (the IP within the
     * default operation timeout, apache within its own), plus the client's last try (curl's 2 s
     * and a poll) and slack for the agent's decisions: the same 20 s PlaybookBedIT allows.
     */
    private static final Duration FAILOVER_BOUND = Timing.JOINING_DEADTIME.plus(KEEPALIVE).plus(Duration.ofSeconds(1))
            .plus(FENCE_TIMEOUT).plus(ResourceSpec.DEFAULT_OPERATION_TIMEOUT).plus(APACHE_START_TIMEOUT)
            .plus(Duration.ofSeconds(20));
    /** First start of the agents: JVMs, probes, the group's starts. */
    private static final Duration STARTUP = Duration.ofSeconds(90);
    /** An apply over SSH on two nodes: connecting, facts, the steps' own timeouts. */
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration SSH_TIMEOUT = Duration.ofSeconds(30);


    private PlaybookBed pb;
    private Path dir;
    private Path logDir;

    @BeforeEach
    void checkHost() throws IOException {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping apache-nfs on the SSH bed: " + why.orElse(""));
        logDir = Path.of("target/playbook-it/apacheNfs").toAbsolutePath();
        dir = Files.createTempDirectory("vpbnfs");
    }

    @AfterEach
    void cleanUp() throws Exception {
        PlaybookBed.tearDown(pb, dir, logDir);
    }

    @Test
    void apacheNfs() throws Exception {
        var playbook = VigilHome.home().resolve("playbooks").resolve(PLAYBOOK);
        assumeTrue(Files.isRegularFile(playbook), () -> "skipping: " + playbook + " is not in the distribution");
        var mountStandin = VigilHome.home().resolve(STANDIN).resolve("mount");
        assumeTrue(Files.isRegularFile(mountStandin), () -> "skipping: " + mountStandin + " is not in the distribution");
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();

        // The "server": its export is a directory of the bed's state dir, which every node sees
        // as the same files. apache's workers (www-data) read it.
        var serverRoot = bed.dir().resolve("nfs-server");
        var export = Files.createDirectories(Path.of(serverRoot + NFS_EXPORT).resolve(DOCROOT_IN_EXPORT));
        var page = "the site of bed " + bed.name() + ", on its NFS export";
        Files.writeString(export.resolve("index.html"), page + "\n");
        Commands.run(List.of("chmod", "-R", "a+rX", serverRoot.toString()), null, Duration.ofSeconds(10));

        var standin = Files.readString(mountStandin);
        for (var n : bed.nodes()) {
            pb.writeOnNode(n, "/usr/local/bin/mount", standin, "755");
            pb.writeOnNode(n, STANDIN_CONF, NFS_SERVER + " " + serverRoot + "\n");
            // The recipe's `mount DIR` finds the stand-in: root's PATH over SSH has /usr/local/bin
            // before /usr/bin (and /usr/local/sbin, before it, has no mount).
            var which = pb.ssh(n, SSH_TIMEOUT, "command -v mount");
            assertThat(which.stdout().strip()).as("mount on root's PATH on %s: %s", n, which.all()).isEqualTo("/usr/local/bin/mount");
        }
        // mount(8)'s refusal of a directory fstab does not name (exit 1, the real mount's).
        var first = bed.nodes().get(0);
        var notInFstab = pb.ssh(first, SSH_TIMEOUT, "mkdir -p /srv/not-in-fstab && mount /srv/not-in-fstab");
        assertThat(notInFstab.exit()).as("mount of a directory not in fstab: %s", notInFstab.all()).isEqualTo(1);
        assertThat(notInFstab.stderr()).contains("can't find in /etc/fstab");
        pb.ssh(first, SSH_TIMEOUT, "rmdir /srv/not-in-fstab");

        var vars = pb.writeOperatorFile("vars.yaml", VARS);
        pb.installClusterFileOnNodes();

        // 1. apply: the fstab line and the "mount" on both nodes.
        var apply = playbook(playbook, vars);
        assertThat(apply.get("changed").asInt()).as("apply: changed").isPositive();
        for (var n : bed.nodes()) {
            var fstab = pb.ssh(n, SSH_TIMEOUT, "cat /etc/fstab");
            assertThat(fstab.stdout().lines().filter(l -> l.contains(" " + MOUNT_POINT + " ")).toList())
                    .as("%s's fstab lines for %s", n, MOUNT_POINT).containsExactly(FSTAB_LINE);
            assertThat(pb.ssh(n, SSH_TIMEOUT, "mountpoint -q " + MOUNT_POINT).exit()).as("%s mounted on %s", MOUNT_POINT, n).isZero();
            var read = pb.ssh(n, SSH_TIMEOUT, "cat " + MOUNT_POINT + "/" + DOCROOT_IN_EXPORT + "/index.html");
            assertThat(read.stdout().strip()).as("the export's page read on %s", n).isEqualTo(page);
            // mount(8) on a mounted DIR: a mount failure (32), as mount.nfs says "already mounted".
            var again = pb.ssh(n, SSH_TIMEOUT, "mount " + MOUNT_POINT);
            assertThat(again.exit()).as("mount %s again on %s: %s", MOUNT_POINT, n, again.all()).isEqualTo(32);
        }
        // Both nodes see one export: a file written through one node's mount is read on the other's.
        var marker = "written on " + first;
        assertThat(pb.ssh(first, SSH_TIMEOUT, "printf '%s' '" + marker + "' >" + MOUNT_POINT + "/marker").exit()).isZero();
        for (var n : bed.nodes()) {
            assertThat(pb.ssh(n, SSH_TIMEOUT, "cat " + MOUNT_POINT + "/marker").stdout()).as("the marker on %s", n).isEqualTo(marker);
        }

        // 2. a second apply changes nothing: the fstab line is there, `mountpoint -q` answers 0.
        var second = playbook(playbook, vars);
        assertThat(second.get("changed").asInt()).as("a second apply: changed (%s)", second).isZero();

        // 3. the agents, from the cluster file the recipe wrote, serve the page through the VIP.
        pb.startAgents();
        var url = "http://" + bed.vip() + "/";
        var served = awaitServedByAnyOf(url, page, bed.nodes(), STARTUP);
        log("served by %s", served);

        // 4. the active node dies: the other serves the same page from its own mount.
        var other = bed.nodes().stream().filter(n -> !n.equals(served)).findFirst().orElseThrow();
        long t0 = System.nanoTime();
        pb.killNode(served);
        awaitServedByAnyOf(url, page, List.of(other), FAILOVER_BOUND);
        log("%s killed: served by %s after %d ms (bound %s)", served, other,
                Duration.ofNanos(System.nanoTime() - t0).toMillis(), FAILOVER_BOUND);
    }

    /** {@code vigil playbook apply PLAYBOOK --vars F --config CLUSTER --json}: its JSON, no host failed. */
    private JsonNode playbook(Path playbook, Path vars) throws IOException {
        return pb.playbook(CLI_TIMEOUT, logDir, "apply", playbook, vars, List.of("--config", pb.clusterFile().toString()));
    }

    /** The node holding the VIP (exactly one) once the client gets {@code page} from {@code url}. */
    private String awaitServedByAnyOf(String url, String page, List<String> nodes, Duration within) {
        try {
            return await("the page served by one of " + nodes).atMost(within).pollInterval(Duration.ofMillis(200))
                    .until(() -> servedBy(url, page).orElse(""), nodes::contains);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; logs in " + logDir + "\n" + pb.agentLogs(), e);
        }
    }

    private Optional<String> servedBy(String url, String page) throws IOException {
        if (pb.get(url, Duration.ofSeconds(2)).filter(b -> b.contains(page)).isEmpty()) return Optional.empty();
        var holders = pb.bed().vipHolders();
        return holders.size() == 1 ? Optional.of(holders.get(0)) : Optional.empty();
    }

    private static void log(String format, Object... args) {
        System.out.println("ApacheNfsBedIT: " + String.format(format, args));
    }
}
