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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil install --upgrade} on three bare Debian nodes ({@link BareNode}s in a
 * {@link NetnsBed}) running a floating IP, while a client in a fourth namespace connects to
 * VIP:22 (every node's sshd listens on all addresses, so an answer is the VIP holder's) ten times
 * a second: today's package, then the same package rebuilt as version N+1 ({@code dpkg-deb -R},
 * the control file's Version and the console jar's Implementation-Version changed,
 * {@code dpkg-deb -b}). The first run stops at a node whose package cannot be installed (held
 * with {@code apt-mark hold}), leaving it in standby and the last node on the old version; once
 * fixed, a second run finishes.
 */
@Tag("integration")
class UpgradeIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Names of their own: the nspawn settings files below are looked up by machine name. */
    private static final List<String> NODES = List.of("u1", "u2", "u3");
    private static final Duration VIP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEADTIME = Duration.ofSeconds(1);
    private static final String CLUSTER = """
            cluster: bare
            auth: {keyfile: /etc/vigil/authkey}
            nodes:
              - {name: u1, address: ${n1}}
              - {name: u2, address: ${n2}}
              - {name: u3, address: ${n3}}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: ${vip}, cidr_netmask: 24, nic: eth0},
                 monitor: {interval: 2s, timeout: 5s}, start_timeout: 5s, stop_timeout: 5s}
            policy: {auto_failback: false, stickiness: 100}
            """;
    /** A TCP connect to host:port every interval; one line per attempt: start end ok (monotonic ns). */
    private static final String PROBE = """
            import socket, sys, time
            host, port, interval, timeout, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
            f = open(out, "w", buffering=1)
            due = time.monotonic()
            while True:
                start = time.monotonic_ns()
                ok = 1
                try:
                    socket.create_connection((host, port), timeout=timeout).close()
                except OSError:
                    ok = 0
                f.write("%d %d %d\\n" % (start, time.monotonic_ns(), ok))
                due += interval
                time.sleep(max(0.0, due - time.monotonic()))
            """;

    record Sample(long start, long end, boolean ok) {}

    @Test
    void rollingUpgradeStopsAtANodeThatFailsThenFinishesWithOneGapPerMove(@TempDir Path dir) throws Exception {
        var why = BareNode.whyUnavailable().or(NetnsBed::whyUnavailable);
        assumeTrue(why.isEmpty(), () -> "skipping: " + why.orElse(""));
        Path deb;
        try (var files = Files.list(VigilHome.home().getParent())) {
            deb = files.filter(p -> p.getFileName().toString().matches("vigil_.+_.+\\.deb")).findFirst().orElseThrow();
        }
        var key = dir.resolve("id_ed25519");
        ok(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        long begin = System.nanoTime();
        try (var bed = NetnsBed.withNodes(3)) {
            bed.addHost("op", 100);
            var nodes = new ArrayList<BareNode>();
            Process probe = null;
            try {
                for (int i = 0; i < NODES.size(); i++) {
                    var n = NODES.get(i);
                    allowNetAdmin(n);
                    var node = BareNode.boot(VigilHome.home(), dir, n, Optional.of(bed.namespace(host(i))));
                    nodes.add(node);
                    node.ok("mkdir", "-m", "700", "-p", "/root/.ssh");
                    node.write("/root/.ssh/authorized_keys", Files.readString(Path.of(key + ".pub")), "0600");
                    node.ok("systemctl", "start", "ssh.service");
                    giveArping(node);
                }
                var a1 = bed.address(host(0));
                var vip = a1.substring(0, a1.lastIndexOf('.')) + ".200";
                var cluster = CLUSTER.replace("${n1}", a1).replace("${n2}", bed.address(host(1)))
                        .replace("${n3}", bed.address(host(2))).replace("${vip}", vip);
                var clusterFile = Files.writeString(dir.resolve("cluster.yaml"), cluster);
                var inventory = new StringBuilder("hosts:\n");
                for (int i = 0; i < NODES.size(); i++) {
                    inventory.append("  ").append(NODES.get(i)).append(": {address: ").append(bed.address(host(i)))
                            .append(", ssh: {user: root, port: 22, key: ").append(key)
                            .append(", known_hosts: ").append(dir.resolve("known_hosts")).append("}}\n");
                }
                var inv = Files.writeString(dir.resolve("inventory.yaml"), inventory.toString());

                var installed = vigil(bed, dir, "install", "--config", clusterFile.toString(), "--package", deb.toString(),
                        "--inventory", inv.toString(), "--accept-new");
                assertThat(installed.exit()).as(installed.all()).isZero();
                var oldVersion = nodes.get(0).ok("dpkg-query", "-W", "-f", "${Version}", "vigil");
                var holder = awaitHolder(nodes.get(0), Duration.ofSeconds(30));
                var newer = rebuildAs(deb, dir, "+up1");
                System.out.printf("UpgradeIT: 3 nodes booted and installed in %.1f s%n", (System.nanoTime() - begin) / 1e9);

                probe = new ProcessBuilder("ip", "netns", "exec", bed.namespace("op"), "python3", "-c", PROBE, vip, "22",
                        "0.1", "0.3", dir.resolve("probe.samples").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile()).start();
                awaitProbeAnswer(dir.resolve("probe.samples"), Duration.ofSeconds(10));

                // The order is nodes running nothing first: the second of those cannot take the package.
                var idle = NODES.stream().filter(n -> !n.equals(holder)).toList();
                var first = node(nodes, idle.get(0));
                var failing = node(nodes, idle.get(1));
                var holderNode = node(nodes, holder);
                failing.ok("apt-mark", "hold", "vigil");
                long start = System.nanoTime();
                var stopped = upgrade(bed, dir, clusterFile, inv, newer.deb());
                System.out.printf("UpgradeIT: first run (one node upgraded, one failing) %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(stopped.exit()).as(stopped.all()).isEqualTo(1);
                assertThat(stopped.stdout()).contains(
                        "order: " + String.join(", ", idle) + ", " + holder,
                        first.name() + ": package " + newer.version() + " replaced " + oldVersion,
                        first.name() + ": online, resources settled",
                        failing.name() + ": FAILED: apt-get install ./" + newer.deb().getFileName() + " failed",
                        failing.name() + " stays in standby: fix it, then `vigil node online " + failing.name() + "`",
                        holder + ": not upgraded (stopped at " + failing.name() + ")",
                        "cluster healthy without " + failing.name());
                assertThat(version(first)).isEqualTo(newer.version());
                assertThat(version(failing)).isEqualTo(oldVersion);
                assertThat(version(holderNode)).as("left on the old version").isEqualTo(oldVersion);
                assertThat(status(first).path("resources").path("standby")).extracting(JsonNode::asText)
                        .containsExactly(failing.name());

                // An unhealthy cluster (a node in standby) is refused before anything is touched.
                var refused = upgrade(bed, dir, clusterFile, inv, newer.deb(), "--json");
                assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
                var report = MAPPER.readTree(refused.stdout());
                assertThat(report.path("healthy").asBoolean(true)).isFalse();
                assertThat(report.path("changed").asBoolean(true)).isFalse();
                assertThat(report.path("problems")).extracting(JsonNode::asText)
                        .contains(failing.name() + " is in standby: `vigil node online " + failing.name() + "` first");

                failing.ok("apt-mark", "unhold", "vigil");
                failing.ok("vigil", "node", "online", failing.name());
                start = System.nanoTime();
                var done = upgrade(bed, dir, clusterFile, inv, newer.deb());
                System.out.printf("UpgradeIT: second run (two nodes, one move) %.1f s%n", (System.nanoTime() - start) / 1e9);
                assertThat(done.exit()).as(done.all()).isZero();
                assertThat(done.stdout()).contains(first.name() + ": up to date",
                        failing.name() + ": package " + newer.version() + " replaced " + oldVersion,
                        holder + ": standby: its resources moved", holder + ": online, resources settled",
                        "cluster healthy: u1, u2, u3 see each other");
                for (var node : nodes) {
                    assertThat(version(node)).as(node.name()).isEqualTo(newer.version());
                    assertThat(node.ok("vigil", "--version").strip()).isEqualTo("vigil " + newer.manifestVersion());
                }
                var after = awaitHolder(first, Duration.ofSeconds(10));
                assertThat(after).as("the VIP left the upgraded holder and stayed away (no failback)").isNotEqualTo(holder);

                var samples = stop(probe, dir.resolve("probe.samples"));
                probe = null;
                var gaps = gaps(samples);
                // One move (the holder's standby); a gap lasts at most the VIP's stop and start
                // timeouts plus a deadtime of coordination, measured to a probe's timeout.
                var bound = Duration.ofSeconds(5 + 5).plus(DEADTIME).plus(Duration.ofMillis(300));
                System.out.printf("UpgradeIT: %d probes, gaps %s (bound %s); whole test %.1f s%n", samples.size(), gaps, bound,
                        (System.nanoTime() - begin) / 1e9);
                assertThat(samples.stream().filter(Sample::ok).count()).as("the probe saw the service").isGreaterThan(10);
                assertThat(gaps).as("at most one gap: one move").hasSizeLessThanOrEqualTo(1);
                gaps.forEach(g -> assertThat(g).isLessThanOrEqualTo(bound));
            } finally {
                if (probe != null) probe.destroyForcibly();
                nodes.forEach(BareNode::close);
                for (var n : NODES) Files.deleteIfExists(NSPAWN_SETTINGS.resolve(n + ".nspawn"));
            }
        }
    }

    private static final Path NSPAWN_SETTINGS = Path.of("/run/systemd/nspawn");

    /** The bed's host (network namespace) of the i-th node. */
    private static String host(int i) {
        return "n" + (i + 1);
    }

    /**
     * A container keeps CAP_NET_ADMIN only with a private network of nspawn's making; in a
     * namespace of the bed's, the floating IP's {@code ip addr add} needs it granted. BareNode's
     * command line is the package tests' own, so a settings file for this machine name grants it
     * (only /run's and /etc's are trusted with capabilities); deleted after the test.
     */
    private static void allowNetAdmin(String machine) throws IOException {
        Files.createDirectories(NSPAWN_SETTINGS);
        Files.writeString(NSPAWN_SETTINGS.resolve(machine + ".nspawn"), "[Exec]\nCapability=CAP_NET_ADMIN\n");
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

    private static BareNode node(List<BareNode> nodes, String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
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
        ok(List.of("dpkg-deb", "-R", deb.toString(), tree.toString()));
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
        ok(List.of("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), out.toString()));
        return new Rebuilt(out, version, manifestVersion);
    }

    private static Commands.Result upgrade(NetnsBed bed, Path dir, Path cluster, Path inventory, Path deb, String... more)
            throws IOException {
        var args = new ArrayList<>(List.of("install", "--upgrade", "--config", cluster.toString(), "--package", deb.toString(),
                "--inventory", inventory.toString()));
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

    private static void ok(List<String> cmd) throws IOException {
        var r = Commands.run(cmd, null, Duration.ofMinutes(2));
        assertThat(r.exit()).as("%s: %s", cmd, r.all()).isZero();
    }
}
