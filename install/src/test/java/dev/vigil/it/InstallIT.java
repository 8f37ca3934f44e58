package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil install} from an operator's namespace onto three bare Debian nodes (systemd, sshd,
 * apache2, no Java; {@link BareNode}s in the namespaces of a {@link NetnsBed}), over SSH with
 * strict host keys: preflight refusals, a failed node, the cluster forming, a second run that
 * changes nothing, a floating IP with apache failing over when its node's plug is pulled, and
 * uninstall leaving nothing but the kept configuration.
 */
@Tag("integration")
class InstallIT {
    private static final String NODES = """
            cluster: bare
            auth: {keyfile: /etc/vigil/authkey}
            nodes:
              - {name: n1, address: ${n1}}
              - {name: n2, address: ${n2}}
              - {name: n3, address: ${n3}}
            links:
              - {type: udp, mode: unicast, port: 694}
            """;
    /** The default timing preset (lan): deadtime 1 s. */
    private static final Duration DEADTIME = Duration.ofSeconds(1);
    private static final Duration VIP_START = Duration.ofSeconds(10);
    private static final Duration WEB_START = Duration.ofSeconds(20);
    private static final Duration WEB_MONITOR = Duration.ofSeconds(20);
    private static final String RESOURCES = """
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: ${vip}, cidr_netmask: 24, nic: eth0},
                 start_timeout: %ds, monitor: {interval: 5s, timeout: 10s}}
              - {id: web, agent: "ocf:vigil:apache", start_timeout: %ds, monitor: {interval: 5s, timeout: %ds}}
            groups:
              - {id: www, members: [vip, web], prefer: n1}
            """.formatted(VIP_START.toSeconds(), WEB_START.toSeconds(), WEB_MONITOR.toSeconds());
    /**
     * After the plug is pulled the page is back within: deadtime (the death noticed), the new
     * coordinator's wait for the survivors' monitors (web's is the longest), then the group's
     * starts, each within its timeout. Without fencing a lost node's resources count as stopped.
     */
    private static final Duration FAILOVER_BOUND = DEADTIME.plus(WEB_MONITOR).plus(VIP_START).plus(WEB_START);
    /** What changes on a node by itself and is no install's trace: kernel and runtime mounts, logs, caches, package databases. */
    private static final List<String> VOLATILE = List.of("proc", "sys", "dev", "run", "tmp", "var/tmp", "var/log", "var/cache",
            "var/lib/apt", "var/lib/dpkg", "var/lib/systemd", "var/lib/apache2", "etc/ld.so.cache");

    @Test
    void preflightInstallFailoverAndUninstallOnThreeBareNodes(@TempDir Path dir) throws Exception {
        var why = BareNode.whyUnavailable().or(NetnsBed::whyUnavailable);
        assumeTrue(why.isEmpty(), () -> "skipping: " + why.orElse(""));
        Path deb;
        try (var files = Files.list(VigilHome.home().getParent())) {
            deb = files.filter(p -> p.getFileName().toString().matches("vigil_.+_.+\\.deb")).findFirst().orElseThrow();
        }
        var key = dir.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        var names = List.of("n1", "n2", "n3");
        try (var bed = NetnsBed.withNodes(3)) {
            bed.addHost("op", 100);
            var vip = bed.address("n1").replaceFirst("\\.1$", ".200");
            var nodes = new LinkedHashMap<String, BareNode>();
            try {
                for (var n : names) {
                    var node = BareNode.boot(VigilHome.home(), dir, n, Optional.of(bed.namespace(n)));
                    nodes.put(n, node);
                    node.ok("mkdir", "-m", "700", "-p", "/root/.ssh");
                    node.write("/root/.ssh/authorized_keys", Files.readString(Path.of(key + ".pub")), "0600");
                    node.write("/var/www/html/index.html", "node=" + n + "\n", "0644");
                    node.ok("systemctl", "start", "ssh.service");
                }
                Map<String, Set<String>> before = new LinkedHashMap<>();
                for (var e : nodes.entrySet()) before.put(e.getKey(), files(e.getValue()));
                var cluster = NODES.replace("${n1}", bed.address("n1")).replace("${n2}", bed.address("n2"))
                        .replace("${n3}", bed.address("n3"));
                var inventory = new StringBuilder("hosts:\n");
                for (var n : names) {
                    inventory.append("  ").append(n).append(": {address: ").append(bed.address(n))
                            .append(", ssh: {user: root, port: 22, key: ").append(key)
                            .append(", known_hosts: ").append(dir.resolve("known_hosts")).append("}}\n");
                }
                var inv = Files.writeString(dir.resolve("inventory.yaml"), inventory.toString());

                // Every problem of every node at once, each with its fix; nothing installed anywhere.
                var n1 = nodes.get("n1");
                var n2 = nodes.get("n2");
                var n3 = nodes.get("n3");
                n1.ok("hostname", "wrong1");
                fillVar(n2);
                n3.write("/usr/local/bin/date", CLOCK_30S_AHEAD, "0755");
                var serial = Files.writeString(dir.resolve("serial.yaml"),
                        cluster + "  - {type: serial, between: [n1, n2], device: /dev/ttyS9, baud: 19200}\n");
                var refused = install(bed, dir, serial, inv, deb);
                assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
                assertThat(refused.stdout().lines().filter(l -> l.startsWith("  ")).toList()).as(refused.all()).satisfiesExactly(
                        l -> assertThat(l).startsWith("  n1: host name is wrong1").contains("hostnamectl set-hostname n1"),
                        l -> assertThat(l).startsWith("  n1: serial device /dev/ttyS9 does not exist").contains("check the cable's port"),
                        l -> assertThat(l).startsWith("  n2: /var has").contains("free some space"),
                        l -> assertThat(l).startsWith("  n2: serial device /dev/ttyS9 does not exist"),
                        l -> assertThat(l).matches("  n3: clock is (29|30)\\.\\d s off this machine's: turn on time sync.*"));
                assertThat(refused.stdout()).startsWith("preflight found problems; nothing was installed:");
                for (var node : nodes.values()) {
                    assertThat(node.run("dpkg-query", "-W", "vigil").exit()).as("nothing installed on " + node.name()).isNotZero();
                }
                n1.ok("hostname", "n1");
                n2.ok("umount", "-l", "/var");
                n3.ok("rm", "/usr/local/bin/date");
                for (var node : nodes.values()) {
                    assertThat(files(node)).as("no file left on " + node.name()).isEqualTo(before.get(node.name()));
                }

                var clusterFile = Files.writeString(dir.resolve("cluster.yaml"), cluster + RESOURCES.replace("${vip}", vip));
                // n3's admin masked the agent: n3 fails with the reason, n1 and n2 form the cluster (2 of 3 votes).
                n3.ok("systemctl", "mask", "vigil-agent.service");
                long start = System.nanoTime();
                var first = install(bed, dir, clusterFile, inv, deb);
                System.out.printf("InstallIT: 3 bare nodes installed (one failing) in %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(first.exit()).as(first.all()).isEqualTo(1);
                assertThat(first.stdout()).contains("n1: package", "n2: package", "n1: agent started", "n2: agent started",
                        "n3: FAILED: systemctl enable vigil-agent.service failed", "masked",
                        "cluster formed: every node sees every other (leaving out the failed n3)");

                n3.ok("systemctl", "unmask", "vigil-agent.service");
                var fixed = install(bed, dir, clusterFile, inv, deb);
                assertThat(fixed.exit()).as(fixed.all()).isZero();
                assertThat(fixed.stdout()).contains("n1: up to date", "n2: up to date", "n3: agent started",
                        "cluster formed: every node sees every other\n");
                var operatorKey = Files.readString(dir.resolve("cluster.authkey"));
                for (var node : nodes.values()) {
                    assertThat(Files.readString(node.root().resolve("etc/vigil/authkey"))).isEqualTo(operatorKey);
                    assertThat(node.ok("stat", "-c", "%a", "/etc/vigil/authkey").strip()).isEqualTo("600");
                    assertThat(Files.readString(node.root().resolve("etc/vigil/cluster.yaml"))).isEqualTo(Files.readString(clusterFile));
                    assertThat(node.root().resolve("var/cache/vigil-install")).as("the copied package removed").doesNotExist();
                }

                var second = install(bed, dir, clusterFile, inv, deb);
                assertThat(second.exit()).as(second.all()).isZero();
                assertThat(second.stdout()).contains("n1: up to date", "n2: up to date", "n3: up to date", "nothing to change", "cluster formed");
                var json = install(bed, dir, clusterFile, inv, deb, "--json");
                assertThat(json.exit()).as(json.all()).isZero();
                var report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.stdout());
                assertThat(report.path("changed").asBoolean(true)).isFalse();
                assertThat(report.path("formed").asBoolean()).isTrue();
                assertThat(report.path("nodes").has("n3")).isTrue();

                // The floating IP with apache, on its preferred n1; the plug pulled: back on another node.
                assertThat(awaitPage(bed, vip, FAILOVER_BOUND, p -> p.equals("node=n1"))).as(() -> "the page; " + diagnose(n1)).isEqualTo("node=n1");
                n1.terminate();
                bed.linkDown("n1");
                long pulled = System.nanoTime();
                var page = awaitPage(bed, vip, FAILOVER_BOUND, p -> p.equals("node=n2") || p.equals("node=n3"));
                var gap = Duration.ofNanos(System.nanoTime() - pulled);
                System.out.printf("InstallIT: the page back on %s %d ms after n1's plug was pulled (bound %s)%n", page, gap.toMillis(), FAILOVER_BOUND);
                assertThat(page).as(() -> "the page after n1 went (bound " + FAILOVER_BOUND + "); " + diagnose(n2)).matches("node=n[23]");

                // Uninstall on the survivors: the package gone, the cluster file, key and state kept;
                // --purge: not a file more than before the install.
                var survivors = Files.writeString(dir.resolve("survivors.yaml"), cluster.replaceFirst("  - \\{name: n1, [^\n]*\n", ""));
                var removed = vigil(bed, dir, "uninstall", "--config", survivors.toString(), "--inventory", inv.toString());
                assertThat(removed.exit()).as(removed.all()).isZero();
                assertThat(removed.stdout()).contains("n2: removed (cluster file and key kept)", "n3: removed");
                for (var node : List.of(n2, n3)) {
                    assertThat(node.run("systemctl", "is-active", "vigil-agent.service").stdout().strip()).isNotEqualTo("active");
                    var added = new TreeSet<>(files(node));
                    added.removeAll(before.get(node.name()));
                    // Kept as dpkg keeps a removed package's configuration until a purge: the conffile
                    // vigil.env, the unit's enablement, and what is no package file (cluster file, key, state).
                    assertThat(added).as("left on %s by the install after remove", node.name())
                            .contains("/etc/vigil/authkey", "/etc/vigil/cluster.yaml", "/etc/vigil/vigil.env")
                            .allMatch(p -> p.equals("/etc/vigil") || p.startsWith("/etc/vigil/") || p.equals("/var/lib/vigil")
                                    || p.startsWith("/var/lib/vigil/") || p.equals("/etc/systemd/system/multi-user.target.wants/vigil-agent.service"));
                }
                var purged = vigil(bed, dir, "uninstall", "--purge", "--config", survivors.toString(), "--inventory", inv.toString());
                assertThat(purged.exit()).as(purged.all()).isZero();
                assertThat(purged.stdout()).contains("n2: purged", "n3: purged");
                for (var node : List.of(n2, n3)) {
                    var left = new TreeSet<>(files(node));
                    left.removeAll(before.get(node.name()));
                    assertThat(left).as("left on %s by the install after purge", node.name()).isEmpty();
                }
            } finally {
                nodes.values().forEach(BareNode::close);
            }
        }
    }

    /** What the node's agent says, for a failure's message. */
    private static String diagnose(BareNode node) {
        try {
            return node.name() + "'s status:\n" + node.run("vigil", "status", "--config", "/etc/vigil/cluster.yaml").all()
                + "\n" + node.name() + "'s journal:\n" + node.run("journalctl", "-u", "vigil-agent.service", "--no-pager", "-n", "40").stdout();
        } catch (IOException e) {
            return "cannot ask " + node.name() + ": " + e.getMessage();
        }
    }

    /** A node whose clock runs 30 s ahead, as far as `date` tells (first on root's PATH over SSH). */
    private static final String CLOCK_30S_AHEAD = """
            #!/bin/sh
            exec /usr/bin/date -d "@$(( $(/usr/bin/date +%s) + 30 ))" "$@"
            """;

    /**
     * A full /var, as vigil-preflight measures it: a tmpfs holding a copy of /var with 8 MB to
     * spare mounted over it (inside the node only; {@code umount -l /var} undoes it).
     */
    private static void fillVar(BareNode node) throws IOException {
        // (Copied through /run: nspawn's mounts are shared, and a shared mount cannot be moved.)
        node.ok("sh", "-ec", "used=$(du -sm /var | cut -f1); cp -a /var /run/var.copy; "
                + "mount -t tmpfs -o size=$((used + 8))m fullvar /var; cp -a /run/var.copy/. /var/; rm -rf /run/var.copy");
    }

    /** Every path in the node's root but the {@link #VOLATILE} ones, as absolute paths inside the node. */
    private static Set<String> files(BareNode node) throws IOException {
        var root = node.root();
        try (Stream<Path> walk = Files.walk(root)) {
            var all = new TreeSet<String>();
            walk.map(p -> root.relativize(p).toString())
                    .filter(p -> !p.isEmpty() && VOLATILE.stream().noneMatch(v -> p.equals(v) || p.startsWith(v + "/")))
                    .forEach(p -> all.add("/" + p));
            return all;
        }
    }

    /** Fetches http://VIP/ from the operator's namespace until {@code wanted} holds or {@code bound} passes; the last page. */
    private static String awaitPage(NetnsBed bed, String vip, Duration bound, java.util.function.Predicate<String> wanted)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        var cmd = new ArrayList<>(bed.execPrefix("op"));
        cmd.addAll(List.of("curl", "-s", "--max-time", "1", "http://" + vip + "/"));
        String page = "";
        do {
            page = Commands.run(cmd, null, Duration.ofSeconds(10)).stdout().strip();
            if (wanted.test(page)) return page;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return page;
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
