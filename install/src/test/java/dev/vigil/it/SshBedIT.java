package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The playbooks' bed itself ({@code vigil-bed up --sshd}), checked with the real OpenSSH client
 * from the client namespace: root logs in with the bed's key and nothing else, host keys are
 * checked against the bed's known_hosts, a command run over SSH on a node sees that node's
 * mounts, /run, hostname and /etc (and the host's /etc is never written), a killed or fenced
 * node's sshd is gone and {@code boot} brings it back with the node's files as it left them.
 * Needs root, apache2, openssh-server and openssh-client.
 */
@Tag("integration")
class SshBedIT {
    private static final Duration SSH = Duration.ofSeconds(30);

    private PlaybookBed pb;
    private HaBed bed;
    private Path dir;

    @BeforeEach
    void up() throws IOException {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping SSH bed tests: " + why.orElse(""));
        dir = Files.createTempDirectory("vsb");
        pb = PlaybookBed.up(2, dir);
        bed = pb.bed();
    }

    @AfterEach
    void down() throws Exception {
        if (pb == null) return;
        try {
            pb.close();
            assertThat(bed.leftovers()).as("what bed %s left behind", bed.name()).isEmpty();
        } finally {
            Commands.run(List.of("rm", "-rf", dir.toString()), null, Duration.ofSeconds(30));
        }
    }

    private Commands.Result ssh(String node, String command) throws IOException {
        return pb.ssh(node, SSH, command);
    }

    private String sshOk(String node, String command) throws IOException {
        var r = ssh(node, command);
        assertThat(r.exit()).as("ssh %s %s: %s", node, command, r.all()).isZero();
        return r.stdout().strip();
    }

    @Test
    void rootLogsInWithTheBedsKeyAndHostKeysAreChecked() throws Exception {
        // Logging in leaves no trace on the node (no lastlog, wtmp...): what a plan's checksums rely on.
        var before = pb.snapshotAll();
        for (var node : bed.nodes()) {
            assertThat(sshOk(node, "hostname")).as("the hostname %s's sshd answers with", node).isEqualTo(node);
            assertThat(sshOk(node, "id -u")).isEqualTo("0");
        }
        assertThat(pb.snapshotAll()).as("the nodes after logging in").isEqualTo(before);
        assertThat(before.get("ha1")).as("the snapshot covers /etc").containsKey("/etc/passwd");
        // Another key is refused: only the bed's operator key is authorized.
        var stranger = dir.resolve("stranger");
        assertThat(Commands.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString()), null, SSH).exit()).isZero();
        var refused = bed.client(SSH, "ssh", "-i", stranger.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + bed.knownHosts(), "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "root@" + bed.address("ha1"), "true");
        assertThat(refused.exit()).as(refused.all()).isEqualTo(255);
        assertThat(refused.stderr()).contains("Permission denied");

        // known_hosts holds each node's own key: ha2's key under ha1's address is a mismatch.
        var lines = Files.readAllLines(bed.knownHosts());
        assertThat(lines).hasSize(2);
        var ha1Key = lines.stream().filter(l -> l.startsWith(bed.address("ha1") + " ")).findFirst().orElseThrow();
        var ha2Key = lines.stream().filter(l -> l.startsWith(bed.address("ha2") + " ")).findFirst().orElseThrow();
        assertThat(ha1Key.substring(ha1Key.indexOf(' '))).isNotEqualTo(ha2Key.substring(ha2Key.indexOf(' ')));
        var swapped = dir.resolve("known_hosts.swapped");
        Files.writeString(swapped, bed.address("ha1") + ha2Key.substring(ha2Key.indexOf(' ')) + "\n");
        var mismatch = bed.client(SSH, "ssh", "-i", bed.sshKey().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + swapped, "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "root@" + bed.address("ha1"), "true");
        assertThat(mismatch.exit()).as(mismatch.all()).isEqualTo(255);
        assertThat(mismatch.stderr()).contains("Host key verification failed");
        // And the key ssh-keyscan gets from ha1 is the one known_hosts holds.
        var scanned = bed.client(SSH, "ssh-keyscan", "-t", "ed25519", bed.address("ha1"));
        assertThat(scanned.stdout()).contains(ha1Key.substring(ha1Key.indexOf(' ') + 1));
    }

    @Test
    void aCommandOverSshSeesTheNodesOwnMountsRunAndEtc() throws Exception {
        var mnt = bed.mountPoint().toString();
        assertThat(bed.exec("ha1", SSH, "mount", "-t", "ext4", bed.disk(), mnt).exit()).isZero();
        assertThat(ssh("ha1", "mountpoint -q " + mnt).exit()).as("the shared disk over ssh on ha1").isZero();
        assertThat(ssh("ha2", "mountpoint -q " + mnt).exit()).as("the shared disk over ssh on ha2").isNotZero();
        assertThat(sshOk("ha1", "cat " + mnt + "/www/index.html")).contains("node=");

        assertThat(bed.exec("ha1", SSH, "touch", "/run/resource-agents/only-on-ha1").exit()).isZero();
        assertThat(ssh("ha1", "test -e /run/resource-agents/only-on-ha1").exit()).as("ha1's /run over ssh").isZero();
        assertThat(ssh("ha2", "test -e /run/resource-agents/only-on-ha1").exit()).as("ha2's /run over ssh").isNotZero();

        // Each node's /etc and /var are its own; the host's are never written.
        var marker = "/etc/vigil-bed-it-" + bed.name();
        assertThat(Path.of(marker)).doesNotExist();
        sshOk("ha1", "echo ha1 > " + marker + " && mkdir -p /var/lib/vigil && echo ha1 > /var/lib/vigil/it-marker");
        assertThat(sshOk("ha1", "cat " + marker)).isEqualTo("ha1");
        assertThat(ssh("ha2", "test -e " + marker).exit()).as("ha1's file in ha2's /etc").isNotZero();
        assertThat(Path.of(marker)).as("ha1's file in the host's /etc").doesNotExist();
        assertThat(Path.of("/var/lib/vigil/it-marker")).doesNotExist();
        assertThat(bed.nodeRoot("ha1").resolve("etc/upper").resolve(marker.substring(5))).hasContent("ha1\n");
        // The snapshot sees it: ha1 changed, ha2 did not.
        assertThat(pb.snapshot("ha1")).containsKey(marker);
        assertThat(pb.snapshot("ha2")).doesNotContainKey(marker);

        // The distribution is installed on every node.
        assertThat(sshOk("ha2", "command -v vigil")).isEqualTo("/usr/local/bin/vigil");
    }

    @Test
    void aKilledNodesSshdIsGoneAndBootBringsItBackWithItsFiles() throws Exception {
        sshOk("ha1", "mkdir -p /etc/vigil && echo kept > /etc/vigil/it-marker");
        long sshd = Long.parseLong(Files.readString(bed.sshdPidFile("ha1")).strip());
        assertThat(running(sshd)).isTrue();

        pb.killNode("ha1");
        assertThat(running(sshd)).as("ha1's sshd after the kill").isFalse();
        var r = ssh("ha1", "true");
        assertThat(r.exit()).as(r.all()).isEqualTo(255);
        assertThat(r.stderr()).contains("Connection refused");
        assertThat(sshOk("ha2", "hostname")).as("ha2 is untouched").isEqualTo("ha2");

        bed.boot("ha1");
        assertThat(sshOk("ha1", "cat /etc/vigil/it-marker")).isEqualTo("kept");
        bed.boot("ha1"); // idempotent: sshd runs already, the directories are mounted already
        assertThat(sshOk("ha1", "hostname")).isEqualTo("ha1");
    }

    /**
     * The fence the clusters on this bed use: off kills sshd with the rest and unmounts the node's
     * own directories (as a reboot would); on, then boot, and the node is back as it was.
     */
    @Test
    void aFencedNodeComesBackWithBoot() throws Exception {
        sshOk("ha1", "mkdir -p /etc/vigil && echo kept > /etc/vigil/it-marker");
        var mnt = bed.mountPoint().toString();
        assertThat(bed.exec("ha1", SSH, "mount", "-t", "ext4", bed.disk(), mnt).exit()).isZero();
        var fence = VigilHome.home().resolve("resource-scripts/fence/fence_vigil_netns").toString();
        var params = "netns=%s%ndev=eth0%naddress=%s/%d%nmntns=%s%n".formatted(bed.namespace("ha1"),
                bed.address("ha1"), bed.prefixLength(), bed.mountNamespace("ha1"));
        var off = Commands.run(List.of(fence), "action=off\n" + params, SSH);
        assertThat(off.exit()).as("fence off: %s", off.all()).isZero();
        assertThat(bed.pids("ha1")).as("processes left on ha1 (sshd among them?)").isEmpty();
        assertThat(bed.exec("ha1", SSH, "test", "-e", "/etc/vigil/it-marker").exit())
                .as("powered off, ha1's own /etc is not mounted").isNotZero();

        var on = Commands.run(List.of(fence), "action=on\n" + params, SSH);
        assertThat(on.exit()).as("fence on: %s", on.all()).isZero();
        assertThat(ssh("ha1", "true").exit()).as("on, but not booted: no sshd").isEqualTo(255);
        bed.boot("ha1");
        assertThat(sshOk("ha1", "cat /etc/vigil/it-marker")).isEqualTo("kept");
        assertThat(ssh("ha1", "mountpoint -q " + mnt).exit()).as("the reboot left the shared disk unmounted").isNotZero();
        // Fenced again after boot: the fence must still be able to clear everything boot mounted.
        off = Commands.run(List.of(fence), "action=off\n" + params, SSH);
        assertThat(off.exit()).as("second fence off: %s", off.all()).isZero();
    }

    /**
     * The second half of every recipe test, with the cluster file a recipe would leave: each node
     * holds its own /etc/vigil/cluster.yaml and authkey (its own /etc), its agent starts from them
     * with the default socket and state directory (its own /run and /var), serves the page, and
     * when the active node dies the other one fences it (which unmounts its directories) and takes
     * over; booted, the dead node is reachable over SSH again with its files as they were.
     */
    @Test
    void agentsStartedFromTheNodesOwnClusterFileFailOver() throws Exception {
        var yaml = pb.expand(PlaybookBed.CLUSTER_TEMPLATE + """
                resources:
                  - {id: data, agent: "ocf:vigil:Filesystem", params: {device: ${DISK}, directory: ${MOUNT}, fstype: ext4}}
                  - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0}}
                  - {id: web,  agent: "ocf:vigil:apache", params: {configfile: ${NODE_APACHE_CONF}}}
                groups:
                  - {id: www, members: [data, vip, web], prefer: ha1}
                policy: {auto_failback: false}
                """);
        var key = "ssh-bed-it-" + System.nanoTime() + "\n";
        for (var n : bed.nodes()) {
            pb.writeOnNode(n, PlaybookBed.NODE_CLUSTER_FILE, yaml);
            pb.writeOnNode(n, PlaybookBed.NODE_AUTHKEY, key, "600");
        }
        assertThat(Path.of(PlaybookBed.NODE_CLUSTER_FILE)).as("the host's own cluster file").doesNotExist();
        pb.startAgents();
        var url = "http://" + bed.vip() + "/";
        awaitServedBy(url, "ha1", Duration.ofSeconds(90));
        assertThat(pb.socket("ha1")).as("ha1's agent's socket, in its own /run").exists();
        assertThat(pb.runningOn("ha2", "web")).containsExactly("ha1");

        pb.killNode("ha1");
        // Detection, the fence (20 s timeout at most) and three starts (20 s each at most), with room.
        awaitServedBy(url, "ha2", Duration.ofSeconds(120));
        assertThat(pb.status("ha2").orElseThrow().resources().fenced()).as("ha2 fenced ha1").contains("ha1");
        assertThat(bed.exec("ha1", SSH, "test", "-e", PlaybookBed.NODE_CLUSTER_FILE).exit())
                .as("fenced (a reboot), ha1's own /etc is not mounted").isNotZero();

        bed.boot("ha1");
        assertThat(sshOk("ha1", "cat " + PlaybookBed.NODE_CLUSTER_FILE)).isEqualTo(yaml.strip());
        assertThat(ssh("ha1", "mountpoint -q " + bed.mountPoint()).exit()).as("the disk on the rebooted ha1").isNotZero();
    }

    private void awaitServedBy(String url, String node, Duration within) {
        try {
            org.awaitility.Awaitility.await("the client served by " + node).atMost(within).pollInterval(Duration.ofMillis(200))
                    .until(() -> pb.servedBy(url, Duration.ofSeconds(1)).orElse(""), node::equals);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + pb.agentLogs(), e);
        }
    }

    /** Alive and not a zombie (a killed daemon, reparented, may wait a while for PID 1 to reap it). */
    private static boolean running(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
