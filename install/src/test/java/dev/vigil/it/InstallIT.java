package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil install} from an operator's namespace onto three bare Debian nodes (systemd, sshd,
 * apache2, no Java; {@link BareNode}s in the namespaces of a {@link NetnsBed}), over SSH with
 * strict host keys: preflight refusals, a failed node, the cluster forming, a second run that
 * changes nothing, then {@code vigil install --upgrade} to the same package rebuilt as version
 * N+1 ({@code dpkg-deb -R}, the control file's Version and the console jar's
 * Implementation-Version changed, {@code dpkg-deb -b}) while a client in the operator's namespace
 * fetches the floating IP's page ten times a second: the first run stops at a node whose package
 * cannot be installed (held with {@code apt-mark hold}), leaving it in standby and the last node on
 * the old version; once fixed, a second run finishes. Then apache and its floating IP fail over
 * when their node's plug is pulled, and uninstall leaves nothing but the kept configuration. One
 * class, one set of three nodes booted and installed once: the costly part is paid once.
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
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> NAMES = List.of("n1", "n2", "n3");
    /** The default timing preset (lan): deadtime 1 s. */
    private static final Duration DEADTIME = Duration.ofSeconds(1);
    private static final Duration VIP_START = Duration.ofSeconds(10);
    private static final Duration VIP_STOP = Duration.ofSeconds(5);
    private static final Duration WEB_START = Duration.ofSeconds(20);
    private static final Duration WEB_STOP = Duration.ofSeconds(10);
    private static final Duration WEB_MONITOR = Duration.ofSeconds(20);
    /** A probe that gets no page within this counts as a miss. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * No failback: once the upgrade moved the group off its preferred n1, it stays where it went
     * (a second move would be a second gap).
     */
    private static final String RESOURCES = """
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: ${vip}, cidr_netmask: 24, nic: eth0},
                 start_timeout: %ds, stop_timeout: %ds, monitor: {interval: 5s, timeout: 10s}}
              - {id: web, agent: "ocf:vigil:apache", start_timeout: %ds, stop_timeout: %ds, monitor: {interval: 5s, timeout: %ds}}
            groups:
              - {id: www, members: [vip, web], prefer: n1}
            policy: {auto_failback: false, stickiness: 100}
            """.formatted(VIP_START.toSeconds(), VIP_STOP.toSeconds(), WEB_START.toSeconds(), WEB_STOP.toSeconds(),
            WEB_MONITOR.toSeconds());
    /**
     * One planned move of the group (its holder's standby): a gap lasts at most the group's stops
     * and starts, each within its timeout, plus a deadtime of coordination, measured to a probe's
     * timeout.
     */
    private static final Duration MOVE_BOUND = WEB_STOP.plus(VIP_STOP).plus(VIP_START).plus(WEB_START).plus(DEADTIME)
            .plus(PROBE_TIMEOUT);
    /** An HTTP GET of http://host/ every interval; one line per attempt: start end ok (monotonic ns). */
    private static final String PROBE = """
            import http.client, sys, time
            host, interval, timeout, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
            f = open(out, "w", buffering=1)
            due = time.monotonic()
            while True:
                start = time.monotonic_ns()
                ok = 0
                try:
                    c = http.client.HTTPConnection(host, 80, timeout=timeout)
                    c.request("GET", "/")
                    r = c.getresponse()
                    ok = 1 if r.status == 200 and r.read().startswith(b"node=") else 0
                    c.close()
                except (OSError, http.client.HTTPException):
                    ok = 0
                f.write("%d %d %d\\n" % (start, time.monotonic_ns(), ok))
                due += interval
                time.sleep(max(0.0, due - time.monotonic()))
            """;

    record Sample(long start, long end, boolean ok) {}
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
    void preflightInstallRollingUpgradeFailoverAndUninstallOnThreeBareNodes(@TempDir Path dir) throws Exception {
        var why = BareNode.whyUnavailable().or(NetnsBed::whyUnavailable);
        assumeTrue(why.isEmpty(), () -> "skipping: " + why.orElse(""));
        Path deb;
        try (var files = Files.list(VigilHome.home().getParent())) {
            deb = files.filter(p -> p.getFileName().toString().matches("vigil_.+_.+\\.deb")).findFirst().orElseThrow();
        }
        var key = dir.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        var names = NAMES;
        long begin = System.nanoTime();
        try (var bed = NetnsBed.withNodes(3)) {
            bed.addHost("op", 100);
            var vip = bed.address("n1").replaceFirst("\\.1$", ".200");
            var nodes = new LinkedHashMap<String, BareNode>();
            Process probe = null;
            try {
                for (var n : names) {
                    var node = BareNode.boot(VigilHome.home(), dir, n, Optional.of(bed.namespace(n)));
                    nodes.put(n, node);
                    node.ok("mkdir", "-m", "700", "-p", "/root/.ssh");
                    node.write("/root/.ssh/authorized_keys", Files.readString(Path.of(key + ".pub")), "0600");
                    node.write("/var/www/html/index.html", "node=" + n + "\n", "0644");
                    node.ok("systemctl", "start", "ssh.service");
                    giveArping(node);
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

                // The floating IP with apache, on its preferred n1.
                assertThat(awaitPage(bed, vip, FAILOVER_BOUND, p -> p.equals("node=n1"))).as(() -> "the page; " + diagnose(n1)).isEqualTo("node=n1");
                var oldVersion = version(n1);
                var holder = awaitHolder(n1, Duration.ofSeconds(30));
                var newer = rebuildAs(deb, dir, "+up1");
                System.out.printf("InstallIT: booted, installed, re-run and ready to upgrade at %.1f s%n", (System.nanoTime() - begin) / 1e9);

                // A rolling upgrade to N+1 with a client fetching the page ten times a second.
                var samplesFile = dir.resolve("probe.samples");
                probe = new ProcessBuilder("ip", "netns", "exec", bed.namespace("op"), "python3", "-c", PROBE, vip, "0.1",
                        Double.toString(PROBE_TIMEOUT.toMillis() / 1000.0), samplesFile.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile()).start();
                awaitProbeAnswer(samplesFile, Duration.ofSeconds(10));
                // The order is nodes running nothing first: the second of those cannot take the package.
                var idle = names.stream().filter(n -> !n.equals(holder)).toList();
                var early = nodes.get(idle.get(0));
                var failing = nodes.get(idle.get(1));
                var holderNode = nodes.get(holder);
                failing.ok("apt-mark", "hold", "vigil");
                start = System.nanoTime();
                var stopped = upgrade(bed, dir, clusterFile, inv, newer.deb());
                System.out.printf("InstallIT: first upgrade run (one node upgraded, one failing) %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(stopped.exit()).as(stopped.all()).isEqualTo(1);
                assertThat(stopped.stdout()).contains(
                        "order: " + String.join(", ", idle) + ", " + holder,
                        early.name() + ": package " + newer.version() + " replaced " + oldVersion,
                        early.name() + ": online, resources settled",
                        failing.name() + ": FAILED: apt-get install ./" + newer.deb().getFileName() + " failed",
                        failing.name() + " stays in standby: fix it, then `vigil node online " + failing.name() + "`",
                        holder + ": not upgraded (stopped at " + failing.name() + ")",
                        "cluster healthy without " + failing.name());
                assertThat(version(early)).isEqualTo(newer.version());
                assertThat(version(failing)).isEqualTo(oldVersion);
                assertThat(version(holderNode)).as("left on the old version").isEqualTo(oldVersion);
                assertThat(status(early).path("resources").path("standby")).extracting(JsonNode::asText)
                        .containsExactly(failing.name());

                // An unhealthy cluster (a node in standby) is refused before anything is touched.
                var refusedUpgrade = upgrade(bed, dir, clusterFile, inv, newer.deb(), "--json");
                assertThat(refusedUpgrade.exit()).as(refusedUpgrade.all()).isEqualTo(1);
                var refusal = MAPPER.readTree(refusedUpgrade.stdout());
                assertThat(refusal.path("healthy").asBoolean(true)).isFalse();
                assertThat(refusal.path("changed").asBoolean(true)).isFalse();
                assertThat(refusal.path("problems")).extracting(JsonNode::asText)
                        .contains(failing.name() + " is in standby: `vigil node online " + failing.name() + "` first");

                failing.ok("apt-mark", "unhold", "vigil");
                failing.ok("vigil", "node", "online", failing.name());
                start = System.nanoTime();
                var done = upgrade(bed, dir, clusterFile, inv, newer.deb());
                System.out.printf("InstallIT: second upgrade run (two nodes, one move) %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(done.exit()).as(done.all()).isZero();
                assertThat(done.stdout()).contains(early.name() + ": up to date",
                        failing.name() + ": package " + newer.version() + " replaced " + oldVersion,
                        holder + ": standby: its resources moved", holder + ": online, resources settled",
                        "cluster healthy: n1, n2, n3 see each other");
                for (var node : nodes.values()) {
                    assertThat(version(node)).as(node.name()).isEqualTo(newer.version());
                    assertThat(node.ok("vigil", "--version").strip()).isEqualTo("vigil " + newer.manifestVersion());
                }
                var after = awaitHolder(early, Duration.ofSeconds(10));
                assertThat(after).as("the VIP left the upgraded holder and stayed away (no failback)").isNotEqualTo(holder);

                var samples = stop(probe, samplesFile);
                probe = null;
                var gaps = gaps(samples);
                System.out.printf("InstallIT: %d probes, gaps %s (bound %s) during the upgrade%n", samples.size(), gaps, MOVE_BOUND);
                assertThat(samples.stream().filter(Sample::ok).count()).as("the probe saw the service").isGreaterThan(10);
                assertThat(gaps).as("at most one gap: one move").hasSizeLessThanOrEqualTo(1);
                gaps.forEach(g -> assertThat(g).isLessThanOrEqualTo(MOVE_BOUND));

                // The plug of the group's node pulled: the page back on another node.
                var pulledNode = nodes.get(after);
                var others = names.stream().filter(n -> !n.equals(after)).toList();
                var page0 = awaitPage(bed, vip, FAILOVER_BOUND, p -> p.equals("node=" + after));
                assertThat(page0).as(() -> "the page on " + after + "; " + diagnose(pulledNode)).isEqualTo("node=" + after);
                pulledNode.terminate();
                bed.linkDown(after);
                long pulled = System.nanoTime();
                var page = awaitPage(bed, vip, FAILOVER_BOUND, p -> others.stream().anyMatch(o -> p.equals("node=" + o)));
                var gap = Duration.ofNanos(System.nanoTime() - pulled);
                System.out.printf("InstallIT: the page back on %s %d ms after %s's plug was pulled (bound %s)%n", page, gap.toMillis(),
                        after, FAILOVER_BOUND);
                assertThat(page).as(() -> "the page after " + after + " went (bound " + FAILOVER_BOUND + "); "
                        + diagnose(nodes.get(others.get(0)))).isIn(others.stream().map(o -> "node=" + o).toList());

                // Uninstall on the survivors: the package gone, the cluster file, key and state kept;
                // --purge: not a file more than before the install.
                var survivors = Files.writeString(dir.resolve("survivors.yaml"),
                        cluster.replaceFirst("  - \\{name: " + after + ", [^\n]*\n", ""));
                var removed = vigil(bed, dir, "uninstall", "--config", survivors.toString(), "--inventory", inv.toString());
                assertThat(removed.exit()).as(removed.all()).isZero();
                assertThat(removed.stdout()).contains(others.get(0) + ": removed (cluster file and key kept)", others.get(1) + ": removed");
                var survivorNodes = others.stream().map(nodes::get).toList();
                for (var node : survivorNodes) {
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
                assertThat(purged.stdout()).contains(others.get(0) + ": purged", others.get(1) + ": purged");
                for (var node : survivorNodes) {
                    var left = new TreeSet<>(files(node));
                    left.removeAll(before.get(node.name()));
                    assertThat(left).as("left on %s by the install after purge", node.name()).isEmpty();
                }
                System.out.printf("InstallIT: whole test %.1f s%n", (System.nanoTime() - begin) / 1e9);
            } finally {
                if (probe != null) probe.destroyForcibly();
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

    /**
     * The floating IP announces itself with gratuitous ARP (IPaddr runs arping when there is one),
     * as on a real server; the bare root has no arping, so this machine's (package arping, for the
     * demo) is copied in with the two libraries the root lacks.
     */
    private static void giveArping(BareNode node) throws IOException {
        var lib = node.root().resolve("usr/local/lib");
        Files.createDirectories(lib);
        for (var so : List.of("libnet.so.1", "libpcap.so.0.8")) {
            Files.copy(Path.of("/usr/lib/x86_64-linux-gnu", so), lib.resolve(so), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(Path.of("/usr/sbin/arping"), node.root().resolve("usr/local/sbin/arping"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        node.ok("chmod", "755", "/usr/local/sbin/arping");
        node.ok("ldconfig");
    }

    private static String version(BareNode node) throws IOException {
        return node.ok("dpkg-query", "-W", "-f", "${Version}", "vigil");
    }

    private static JsonNode status(BareNode node) throws IOException {
        return MAPPER.readTree(node.ok("vigil", "status", "--json"));
    }

    /** The node the VIP runs on, as {@code node}'s agent reports it; bounded by the VIP's start timeout and initdead. */
    private static String awaitHolder(BareNode node, Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            var r = node.run("vigil", "status", "--json");
            if (r.exit() == 0) {
                for (var row : MAPPER.readTree(r.stdout()).path("resources").path("resources")) {
                    if (row.path("id").asText().equals("vip") && row.path("runningOn").size() == 1) {
                        return row.path("runningOn").get(0).asText();
                    }
                }
            }
            assertThat(System.nanoTime()).as("the VIP runs somewhere within %s: %s", bound, r.all()).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static void awaitProbeAnswer(Path samples, Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!Files.exists(samples) || Files.readAllLines(samples).stream().noneMatch(l -> l.endsWith(" 1"))) {
            assertThat(System.nanoTime()).as("the client reaches the VIP within %s", bound).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static List<Sample> stop(Process probe, Path file) throws IOException, InterruptedException {
        probe.destroy();
        if (!probe.waitFor(10, TimeUnit.SECONDS)) probe.destroyForcibly();
        var samples = new ArrayList<Sample>();
        for (var line : Files.readAllLines(file)) {
            var f = line.split(" ");
            if (f.length == 3) samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("1")));
        }
        return samples;
    }

    /** Each run of failed attempts: from the end of the last answer before it to the start of the first answer after it. */
    static List<Duration> gaps(List<Sample> samples) {
        var gaps = new ArrayList<Duration>();
        Sample lastOk = null;
        boolean inGap = false;
        for (var s : samples) {
            if (!s.ok()) {
                inGap = lastOk != null;
            } else {
                if (inGap) gaps.add(Duration.ofNanos(s.start() - lastOk.end()));
                inGap = false;
                lastOk = s;
            }
        }
        if (inGap) gaps.add(Duration.ofDays(1)); // never answered again: fails any bound
        return gaps;
    }

    record Rebuilt(Path deb, String version, String manifestVersion) {}

    /**
     * The same package as the next version: {@code SUFFIX} appended to the control file's Version
     * (dpkg orders {@code 0.1.0~snapshot+up1} after {@code 0.1.0~snapshot}) and to the console
     * jar's Implementation-Version, which {@code vigil --version} prints.
     */
    private static Rebuilt rebuildAs(Path deb, Path dir, String suffix) throws IOException {
        var tree = dir.resolve("next");
        run(List.of("dpkg-deb", "-R", deb.toString(), tree.toString()));
        var control = tree.resolve("DEBIAN/control");
        var text = Files.readString(control);
        var version = text.lines().filter(l -> l.startsWith("Version: ")).findFirst().orElseThrow().substring(9) + suffix;
        Files.writeString(control, text.replaceFirst("(?m)^Version: .*$", "Version: " + version));
        String manifestVersion;
        try (var jars = Files.list(tree.resolve("usr/lib/vigil/lib"))) {
            var jar = jars.filter(p -> p.getFileName().toString().startsWith("vigil-console-")).findFirst().orElseThrow();
            try (var zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
                var manifest = zip.getPath("META-INF/MANIFEST.MF");
                var m = Files.readString(manifest);
                var old = m.lines().filter(l -> l.startsWith("Implementation-Version: ")).findFirst().orElseThrow().substring(24);
                manifestVersion = old + suffix;
                Files.writeString(manifest, m.replace("Implementation-Version: " + old, "Implementation-Version: " + manifestVersion));
            }
        }
        var name = deb.getFileName().toString().replaceFirst("^vigil_[^_]+_", "vigil_" + version + "_");
        var out = dir.resolve(name);
        run(List.of("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), out.toString()));
        return new Rebuilt(out, version, manifestVersion);
    }

    private static Commands.Result upgrade(NetnsBed bed, Path dir, Path cluster, Path inventory, Path deb, String... more)
            throws IOException {
        var args = new ArrayList<>(List.of("install", "--upgrade", "--config", cluster.toString(), "--package", deb.toString(),
                "--inventory", inventory.toString()));
        args.addAll(List.of(more));
        return vigil(bed, dir, args.toArray(String[]::new));
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
        var r = Commands.run(cmd, null, Duration.ofMinutes(2));
        assertThat(r.exit()).as("%s: %s", cmd, r.all()).isZero();
    }
}
