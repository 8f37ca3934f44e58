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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil install} from an operator's namespace onto two bare Debian nodes (systemd, sshd, no
 * Java; {@link BareNode}s in the namespaces of a {@link NetnsBed}), over SSH with strict host keys.
 */
@Tag("integration")
class InstallIT {
    private static final String CLUSTER = """
            cluster: bare
            auth: {keyfile: /etc/vigil/authkey}
            nodes:
              - {name: n1, address: ${n1}}
              - {name: n2, address: ${n2}}
            links:
              - {type: udp, mode: unicast, port: 694}
            """;

    @Test
    void preflightInstallAgainAndUninstall(@TempDir Path dir) throws Exception {
        var why = BareNode.whyUnavailable().or(NetnsBed::whyUnavailable);
        assumeTrue(why.isEmpty(), () -> "skipping: " + why.orElse(""));
        Path deb;
        try (var files = Files.list(VigilHome.home().getParent())) {
            deb = files.filter(p -> p.getFileName().toString().matches("vigil_.+_.+\\.deb")).findFirst().orElseThrow();
        }
        var key = dir.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        try (var bed = NetnsBed.withNodes(2)) {
            bed.addHost("op", 100);
            var nodes = new ArrayList<BareNode>();
            try {
                for (var n : List.of("n1", "n2")) {
                    var node = BareNode.boot(VigilHome.home(), dir, n, Optional.of(bed.namespace(n)));
                    nodes.add(node);
                    node.ok("mkdir", "-m", "700", "-p", "/root/.ssh");
                    node.write("/root/.ssh/authorized_keys", Files.readString(Path.of(key + ".pub")), "0600");
                    node.ok("systemctl", "start", "ssh.service");
                }
                var cluster = CLUSTER.replace("${n1}", bed.address("n1")).replace("${n2}", bed.address("n2"));
                var inventory = new StringBuilder("hosts:\n");
                for (var n : List.of("n1", "n2")) {
                    inventory.append("  ").append(n).append(": {address: ").append(bed.address(n))
                            .append(", ssh: {user: root, port: 22, key: ").append(key)
                            .append(", known_hosts: ").append(dir.resolve("known_hosts")).append("}}\n");
                }
                var inv = Files.writeString(dir.resolve("inventory.yaml"), inventory.toString());

                // A serial link whose device no node has: both nodes' problems at once, nothing installed.
                var serial = Files.writeString(dir.resolve("serial.yaml"),
                        cluster + "  - {type: serial, between: [n1, n2], device: /dev/ttyS9, baud: 19200}\n");
                var refused = install(bed, dir, serial, inv, deb);
                assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
                assertThat(refused.stdout()).contains("nothing was installed",
                        "n1: serial device /dev/ttyS9 does not exist", "n2: serial device /dev/ttyS9 does not exist");
                for (var node : nodes) {
                    assertThat(node.run("dpkg-query", "-W", "vigil").exit()).as("nothing installed on " + node.name()).isNotZero();
                }

                var clusterFile = Files.writeString(dir.resolve("cluster.yaml"), cluster);
                // n2's admin masked the agent: n2 fails with the reason, n1 is installed and runs.
                nodes.get(1).ok("systemctl", "mask", "vigil-agent.service");
                long start = System.nanoTime();
                var first = install(bed, dir, clusterFile, inv, deb);
                System.out.printf("InstallIT: 2 bare nodes installed (one failing) in %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(first.exit()).as(first.all()).isEqualTo(1);
                assertThat(first.stdout()).contains("n1: package", "n2: package", "n1: agent started",
                        "n2: FAILED: systemctl enable vigil-agent.service failed", "masked",
                        "cluster formed: every node sees every other (leaving out the failed n2)");
                assertThat(nodes.get(0).ok("systemctl", "is-active", "vigil-agent.service").strip()).isEqualTo("active");

                nodes.get(1).ok("systemctl", "unmask", "vigil-agent.service");
                var fixed = install(bed, dir, clusterFile, inv, deb);
                assertThat(fixed.exit()).as(fixed.all()).isZero();
                assertThat(fixed.stdout()).contains("n1: up to date", "n2: agent started", "cluster formed: every node sees every other\n");
                var operatorKey = Files.readString(dir.resolve("cluster.authkey"));
                for (var node : nodes) {
                    assertThat(Files.readString(node.root().resolve("etc/vigil/authkey"))).isEqualTo(operatorKey);
                    assertThat(node.ok("stat", "-c", "%a", "/etc/vigil/authkey").strip()).isEqualTo("600");
                    assertThat(Files.readString(node.root().resolve("etc/vigil/cluster.yaml"))).isEqualTo(cluster);
                    assertThat(node.root().resolve("var/cache/vigil-install")).as("the copied package removed").doesNotExist();
                }

                var second = install(bed, dir, clusterFile, inv, deb);
                assertThat(second.exit()).as(second.all()).isZero();
                assertThat(second.stdout()).contains("n1: up to date", "n2: up to date", "nothing to change", "cluster formed");
                var json = install(bed, dir, clusterFile, inv, deb, "--json");
                assertThat(json.exit()).as(json.all()).isZero();
                var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.stdout());
                assertThat(report.path("changed").asBoolean(true)).isFalse();
                assertThat(report.path("formed").asBoolean()).isTrue();
                assertThat(report.path("nodes").has("n1")).isTrue();

                // Uninstall: the agent stopped and the package gone, the cluster file and key kept.
                var removed = vigil(bed, dir, "uninstall", "--config", clusterFile.toString(), "--inventory", inv.toString());
                assertThat(removed.exit()).as(removed.all()).isZero();
                assertThat(removed.stdout()).contains("n1: removed (cluster file and key kept)", "n2: removed");
                for (var node : nodes) {
                    assertThat(node.run("systemctl", "is-active", "vigil-agent.service").stdout().strip()).isNotEqualTo("active");
                    assertThat(node.root().resolve("usr/lib/vigil")).doesNotExist();
                    assertThat(node.root().resolve("etc/vigil/cluster.yaml")).exists();
                    assertThat(node.root().resolve("etc/vigil/authkey")).exists();
                }
                var purged = vigil(bed, dir, "uninstall", "--purge", "--config", clusterFile.toString(), "--inventory", inv.toString());
                assertThat(purged.exit()).as(purged.all()).isZero();
                assertThat(purged.stdout()).contains("n1: purged", "n2: purged");
                for (var node : nodes) {
                    assertThat(node.root().resolve("etc/vigil")).doesNotExist();
                    assertThat(node.root().resolve("var/lib/vigil")).doesNotExist();
                }
            } finally {
                nodes.forEach(BareNode::close);
            }
        }
    }

    private static Commands.Result install(NetnsBed bed, Path dir, Path cluster, Path inventory, Path deb, String... more)
            throws IOException {
        var args = new ArrayList<>(List.of("install", "--config", cluster.toString(), "--package", deb.toString(),
                "--inventory", inventory.toString(), "--accept-new"));
        args.addAll(List.of(more));
        return vigil(bed, dir, args.toArray(String[]::new));
    }

    /** {@code vigil ARGS} from the operator's namespace, its home in {@code dir} (no ssh-agent). */
    private static Commands.Result vigil(NetnsBed bed, Path dir, String... args) throws IOException {
        var cmd = new ArrayList<>(bed.execPrefix("op"));
        cmd.addAll(List.of("env", "-u", "SSH_AUTH_SOCK", "HOME=" + dir, VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, null, Duration.ofMinutes(5), true);
    }

    private static void run(List<String> cmd) throws IOException {
        var r = Commands.run(cmd, null, Duration.ofSeconds(30));
        assertThat(r.exit()).as("%s: %s", cmd, r.all()).isZero();
    }
}
