package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The NFS server recipe for real, on the HA bed: floating IP, the shared ext4 disk, nfs-ganesha
 * ({@code ocf:vigil:nfsserver}) and one export ({@code ocf:vigil:exportfs}) started by
 * {@code vigil run-agent} on one node; the client reads a file from the disk through NFS
 * (libnfs' {@code nfs-ls}/{@code nfs-cat}, this kernel has no NFS client); after stop the
 * export is gone; the whole stack then moves to the other node by hand and the client reads
 * the same file, and writes one, through the same address. Needs root, the bed's tools and
 * nfs-ganesha, nfs-ganesha-vfs, rpcbind, libnfs-utils; skipped otherwise.
 */
@Tag("integration")
class NfsResourceScriptsIT {
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
    private static final String FSID = "41";

    private HaBed bed;
    private final List<String> started = new ArrayList<>();

    static Optional<String> whyUnavailable() {
        var bedWhy = HaBed.whyUnavailable();
        if (bedWhy.isPresent()) return bedWhy;
        for (var tool : List.of("/usr/bin/ganesha.nfsd", "/usr/sbin/rpcbind", "/usr/sbin/rpcinfo", "/usr/bin/nfs-ls",
                "/usr/bin/nfs-cat", "/usr/bin/nfs-cp", "/usr/sbin/showmount")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return Optional.of("the NFS recipe needs " + tool
                        + " (apt-get install nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils nfs-common)");
            }
        }
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so"))
                && !Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/ganesha/libfsalvfs.so"))) {
            return Optional.of("ganesha's VFS FSAL is missing (apt-get install nfs-ganesha-vfs)");
        }
        return Optional.empty();
    }

    @BeforeEach
    void up() throws IOException {
        var why = whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping NFS resource script test: " + why.orElse(""));
        bed = HaBed.up(2, false);
    }

    @AfterEach
    void down() throws IOException {
        if (bed == null) return;
        bed.close();
        assertThat(bed.leftovers()).as("what bed %s left behind", bed.name()).isEmpty();
    }

    private String exportDir() {
        return bed.mountPoint() + "/export";
    }

    private String[] ipParams() {
        return new String[] {"ip=" + bed.vip(), "cidr_netmask=24", "nic=eth0"};
    }

    private String[] fsParams() {
        return new String[] {"device=" + bed.disk(), "directory=" + bed.mountPoint(), "fstype=ext4"};
    }

    private String[] nfsParams(String node) {
        // Recovery state on the shared disk: it moves with the service. A short grace period
        // keeps the test fast; the log stays in the node's bed directory for post-mortems.
        return new String[] {"server=ganesha", "nfs_shared_infodir=" + bed.mountPoint() + "/nfs-state",
            "logfile=" + bed.dir().resolve(node).resolve("ganesha.log"), "grace_period=10", "lease_lifetime=10"};
    }

    private String[] exportParams() {
        return new String[] {"server=ganesha", "directory=" + exportDir(), "clientspec=" + bed.fact("SUBNET"),
            "options=rw,no_root_squash", "fsid=" + FSID};
    }

    private Commands.Result runAgent(String node, String agent, String action, String... params) throws IOException {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString(), "run-agent", "ocf:vigil:" + agent, action,
                "--timeout", "40s"));
        for (var p : params) {
            cmd.add("-p");
            cmd.add(p);
        }
        return bed.exec(node, AGENT_TIMEOUT, cmd.toArray(String[]::new));
    }

    private void expect(int rc, String node, String agent, String action, String... params) throws IOException {
        var r = runAgent(node, agent, action, params);
        assertThat(r.exit()).as("%s %s on %s:%n%s", agent, action, node, r.all()).isEqualTo(rc);
    }

    /** The NFS recipe's start order on one node. */
    private void startStack(String node) throws IOException {
        expect(0, node, "IPaddr", "start", ipParams());
        started.add(node + ":IPaddr");
        expect(0, node, "Filesystem", "start", fsParams());
        started.add(node + ":Filesystem");
        // The exported directory lives on the disk (made on first use; there already on ha2).
        var mkdir = bed.exec(node, Duration.ofSeconds(10), "mkdir", "-p", exportDir());
        assertThat(mkdir.exit()).as("mkdir %s on %s: %s", exportDir(), node, mkdir.all()).isZero();
        expect(0, node, "nfsserver", "start", nfsParams(node));
        started.add(node + ":nfsserver");
        expect(0, node, "exportfs", "start", exportParams());
        started.add(node + ":exportfs");
        expect(0, node, "nfsserver", "monitor", nfsParams(node));
        expect(0, node, "exportfs", "monitor", exportParams());
    }

    private void stopStack(String node) throws IOException {
        expect(0, node, "exportfs", "stop", exportParams());
        started.remove(node + ":exportfs");
        expect(7, node, "exportfs", "monitor", exportParams());
        expect(0, node, "nfsserver", "stop", nfsParams(node));
        started.remove(node + ":nfsserver");
        expect(7, node, "nfsserver", "monitor", nfsParams(node));
        expect(0, node, "Filesystem", "stop", fsParams());
        started.remove(node + ":Filesystem");
        expect(0, node, "IPaddr", "stop", ipParams());
        started.remove(node + ":IPaddr");
    }

    private Commands.Result client(String... cmd) throws IOException {
        return bed.client(CLIENT_TIMEOUT, cmd);
    }

    private String url(String path) {
        return "nfs://" + bed.vip() + path;
    }

    @Test
    void nfsRecipeServesTheSharedDiskAndFailsOverByHand() throws Exception {
        try {
            // The file to serve, written on ha1 onto the shared disk.
            startStack("ha1");
            var put = bed.exec("ha1", Duration.ofSeconds(10), "sh", "-c",
                    "echo 'served from the shared disk' >\"$1/hello.txt\" && sync", "_", exportDir());
            assertThat(put.exit()).as("write hello.txt on ha1: %s", put.all()).isZero();

            var ls = client("nfs-ls", url(exportDir()));
            assertThat(ls.exit()).as("nfs-ls from the client: %s", ls.all()).isZero();
            assertThat(ls.stdout()).contains("hello.txt");
            var cat = client("nfs-cat", url(exportDir() + "/hello.txt"));
            assertThat(cat.exit()).as("nfs-cat from the client: %s", cat.all()).isZero();
            assertThat(cat.stdout()).isEqualTo("served from the shared disk\n");
            // The export is in ganesha's list to everyone asking, and the depth-10 monitor reads it.
            var depth10 = bed.exec("ha1", AGENT_TIMEOUT, "env", "OCF_CHECK_LEVEL=10",
                    "OCF_RESKEY_server=ganesha", "OCF_RESKEY_directory=" + exportDir(),
                    "OCF_RESKEY_clientspec=" + bed.fact("SUBNET"), "OCF_RESKEY_fsid=" + FSID,
                    VigilHome.home().resolve("resource-scripts/ocf/vigil/exportfs").toString(), "monitor");
            assertThat(depth10.exit()).as("depth-10 monitor: %s", depth10.all()).isZero();

            // Stopping the export takes it away from the client while ganesha still runs.
            expect(0, "ha1", "exportfs", "stop", exportParams());
            started.remove("ha1:exportfs");
            var gone = client("nfs-ls", url(exportDir()));
            assertThat(gone.exit()).as("nfs-ls after exportfs stop must fail: %s", gone.all()).isNotZero();
            var list = client("showmount", "-e", "--no-headers", bed.vip());
            assertThat(list.stdout()).as("ganesha's export list after stop").doesNotContain(exportDir());
            expect(0, "ha1", "exportfs", "start", exportParams());
            started.add("ha1:exportfs");

            // Manual failover: everything off ha1, then on ha2 with the disk moved.
            stopStack("ha1");
            // Nobody holds the address now: bounded, a connect to it only times out.
            assertThat(client("timeout", "5", "nfs-ls", url(exportDir())).exit()).as("nobody serves between the two nodes").isNotZero();
            startStack("ha2");
            var after = client("nfs-cat", url(exportDir() + "/hello.txt"));
            assertThat(after.exit()).as("nfs-cat through ha2: %s", after.all()).isZero();
            assertThat(after.stdout()).isEqualTo("served from the shared disk\n");
            // rw export: a client write lands on the shared disk that ha2 has mounted.
            var cp = client("sh", "-c", "echo 'written by the client' >/tmp/vigil-nfs-it.$$ && nfs-cp /tmp/vigil-nfs-it.$$ \"$1\"; rc=$?; rm -f /tmp/vigil-nfs-it.$$; exit $rc",
                    "_", url(exportDir() + "/from-client.txt"));
            assertThat(cp.exit()).as("nfs-cp to ha2: %s", cp.all()).isZero();
            var onDisk = bed.exec("ha2", Duration.ofSeconds(10), "cat", exportDir() + "/from-client.txt");
            assertThat(onDisk.stdout()).isEqualTo("written by the client\n");
            // NFSv4 recovery state went to the shared disk, where the next node finds it.
            var recov = bed.exec("ha2", Duration.ofSeconds(10), "test", "-d", bed.mountPoint() + "/nfs-state/v4recov");
            assertThat(recov.exit()).as("v4recov in nfs_shared_infodir").isZero();
            stopStack("ha2");
            assertThat(client("timeout", "5", "nfs-ls", url(exportDir())).exit()).isNotZero();
        } finally {
            // Best effort, in reverse start order, so bed down finds no ganesha holding the disk.
            for (int i = started.size() - 1; i >= 0; i--) {
                var nodeAgent = started.get(i).split(":");
                var node = nodeAgent[0];
                var params = switch (nodeAgent[1]) {
                    case "exportfs" -> exportParams();
                    case "nfsserver" -> nfsParams(node);
                    case "Filesystem" -> fsParams();
                    default -> ipParams();
                };
                runAgent(node, nodeAgent[1], "stop", params);
            }
        }
    }
}
