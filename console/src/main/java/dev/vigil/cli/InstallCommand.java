package dev.vigil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.LinkConfig;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.ssh.Connections;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil install}: puts Vigil on the cluster file's nodes over SSH (the playbook engine's
 * connections: strict host keys, {@code --accept-new}). In order, each phase on every node before
 * the next: preflight ({@code bin/vigil-preflight} sent to each node: every problem of every node
 * listed, nothing installed when there is one); the package (copied in pieces, then {@code apt-get
 * install ./F.deb}; skipped when that version is installed); the cluster key (made once on this
 * machine, 0600, copied 0600); the cluster file; the agent enabled and (re)started. Then it waits
 * until every node sees every other and prints the status. Every step compares before it writes,
 * so a second run changes nothing and says so. A node that fails is reported with the reason; the
 * others go on, each left consistent (the agent restarts only after its files are all in place).
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Installs Vigil on the cluster file's nodes over SSH: preflight, package, cluster key, "
                + "cluster file, agents; waits until every node sees every other. A second run changes nothing. "
                + "With --upgrade, upgrades a running cluster one node at a time."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every node installed and the cluster formed (upgraded and the cluster healthy)",
                "1:a preflight problem (nothing installed), a node failed, or the cluster did not form "
                + "(--upgrade: the cluster was not healthy, or a node did not come back)", "2:bad cluster file, package name or usage"})
final class InstallCommand implements Callable<Integer> {
    static final String NODE_CLUSTER_FILE = "/etc/vigil/cluster.yaml";
    private static final String UPLOAD_DIR = "/var/cache/vigil-install";
    /** Pieces of the package: the command line's heap (48 MB) cannot hold a 40 MB package at once. */
    private static final int PIECE = 4 << 20;
    private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(1);
    private static final Pattern PACKAGE_NAME = Pattern.compile("vigil_([^_]+)_([a-z0-9]+)\\.deb");
    private static final Pattern KEYFILE = Pattern.compile("(keyfile:\\s*)([^,}\\s]+)");

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterNodesOptions nodesOptions;

    @Option(names = "--package", paramLabel = "F.deb",
            description = "the package (default: the vigil_*.deb beside this distribution, as ./mvnw package builds it)")
    Path packageFile;

    @Option(names = "--key", paramLabel = "FILE",
            description = "this machine's copy of the cluster key (default: the cluster file's name with .authkey; made once, 0600)")
    Path key;

    @Option(names = "--json", description = "the outcome as JSON")
    boolean json;

    @Option(names = "--upgrade", description = {"a rolling upgrade of a running cluster to --package, one node at a time: "
            + "standby, install, restart the agent, rejoin, online, settle; stops at the first node that does not come back"})
    boolean upgrade;

    /** What happened on one node: the changes made, or why it failed. */
    record NodeOutcome(List<String> changes, Optional<String> failure) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path config = nodesOptions.config;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var text = Files.readString(config);
        var keyFile = key != null ? key : config.resolveSibling(config.getFileName().toString().replaceFirst("\\.ya?ml$", "") + ".authkey");
        if (upgrade && !Files.exists(keyFile)) {
            // An upgrade copies no key: a new one made here would not be the nodes'.
            err.println("vigil: no cluster key at " + keyFile + ": give --key F, the copy `vigil install` made");
            return 2;
        }
        var keyMade = !upgrade && ensureKey(keyFile);
        // The first `keyfile:` is auth's (the file's first section after `cluster:` by convention).
        var m = KEYFILE.matcher(text);
        String nodeKeyPath = m.find() ? m.group(2).replaceAll("^[\"']|[\"']$", "") : "/etc/vigil/authkey";
        ClusterConfig cluster;
        try {
            // The agent's own loader, with this machine's copy of the key in place of the nodes' path.
            cluster = ConfigLoader.load(KEYFILE.matcher(text).replaceFirst("$1" + java.util.regex.Matcher.quoteReplacement(keyFile.toString())), config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        var pkg = packageFile != null ? packageFile : defaultPackage();
        var name = PACKAGE_NAME.matcher(pkg.getFileName().toString());
        if (!name.matches()) {
            err.println("vigil: " + pkg + ": not a package vigil_VERSION_ARCH.deb");
            return 2;
        }
        String version = name.group(1), arch = name.group(2);
        var nodes = cluster.nodes().stream().map(n -> n.name()).toList();
        var inv = Inventory.read(Optional.ofNullable(nodesOptions.inventory), Optional.of(config));
        if (inv.inventory().isEmpty()) {
            inv.errors().forEach(e -> err.println(e));
            return 2;
        }
        try (var connections = Connections.open(inv.inventory().get(), nodes, nodesOptions.acceptNew)) {
            var hosts = connections.hosts();
            if (upgrade) {
                return new RollingUpgrade(cluster, hosts, connections.unreachable(), out).run(pkg, version, json);
            }
            Map<String, List<String>> problems = new LinkedHashMap<>();
            connections.unreachable().forEach((n, why) -> problems.put(n, List.of("unreachable: " + why)));
            for (var n : nodes) {
                if (hosts.containsKey(n)) problems.put(n, preflight(hosts.get(n), cluster, n, arch));
            }
            problems.values().removeIf(List::isEmpty);
            if (!problems.isEmpty()) {
                report(out, json, problems, Map.of(), false, "");
                return 1;
            }
            Map<String, NodeOutcome> outcomes = new LinkedHashMap<>();
            for (var n : nodes) {
                outcomes.put(n, install(hosts.get(n), pkg, version, keyFile, nodeKeyPath, text));
            }
            if (keyMade) outcomes.values().stream().findFirst().ifPresent(o -> o.changes().add(0, "cluster key made in " + keyFile));
            var ok = outcomes.entrySet().stream().filter(e -> e.getValue().failure().isEmpty()).map(Map.Entry::getKey).toList();
            var bound = cluster.timing().initdead().plus(cluster.timing().deadtime()).plusSeconds(30);
            // The nodes that got through form the cluster among themselves; a failed one is reported.
            boolean formed = !ok.isEmpty() && waitFormed(hosts, ok, bound);
            var status = ok.isEmpty() ? "" : hosts.get(ok.get(0)).shell("vigil status --config " + NODE_CLUSTER_FILE, Duration.ofSeconds(30)).output();
            report(out, json, Map.of(), outcomes, formed, status);
            return ok.size() == nodes.size() && formed ? 0 : 1;
        }
    }

    /** The package {@code ./mvnw package} puts beside the distribution ({@code install/target/}). */
    private static Path defaultPackage() throws IOException {
        var dir = Path.of(System.getProperty("vigil.home", "/usr/lib/vigil")).getParent();
        try (var files = Files.list(dir)) {
            return files.filter(p -> PACKAGE_NAME.matcher(p.getFileName().toString()).matches()).sorted()
                    .reduce((a, b) -> b).orElseThrow(() -> new IOException("no vigil_*.deb in " + dir + ": give --package F.deb"));
        }
    }

    /** Makes the cluster key once (32 random bytes, base64, 0600, as the agent wants it); true if it did. */
    private static boolean ensureKey(Path keyFile) throws IOException {
        if (Files.exists(keyFile)) return false;
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        var tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, Base64.getEncoder().encodeToString(raw) + "\n");
        Files.move(tmp, keyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** {@code vigil-preflight} on the node, plus its clock against this machine's. */
    private static List<String> preflight(Host host, ClusterConfig cluster, String node, String arch) throws IOException {
        var script = Files.readAllBytes(Path.of(System.getProperty("vigil.home", "/usr/lib/vigil"), "bin", "vigil-preflight"));
        host.write("/tmp/vigil-preflight", script, Optional.of(0755));
        var cmd = new StringBuilder("sh /tmp/vigil-preflight --node " + node + " --arch " + arch);
        var cleanup = "; rc=$?; rm -f /tmp/vigil-preflight; exit $rc";
        for (var link : cluster.links()) {
            if (link instanceof LinkConfig.Udp u) cmd.append(" --udp-port ").append(u.port());
            if (link instanceof LinkConfig.Serial s && s.deviceByNode().containsKey(node)) {
                cmd.append(" --device ").append(s.deviceByNode().get(node));
            }
        }
        long before = System.currentTimeMillis();
        var r = host.shell(cmd + cleanup, Duration.ofSeconds(30));
        long after = System.currentTimeMillis();
        var problems = new ArrayList<String>();
        for (var line : r.output().lines().toList()) {
            if (line.startsWith("problem: ")) problems.add(line.substring(9));
            if (line.startsWith("clock: ")) {
                double offset = Double.parseDouble(line.substring(7).strip()) * 1000 - (before + after) / 2.0;
                if (Math.abs(offset) > CLOCK_TOLERANCE.toMillis() + (after - before) / 2.0) {
                    problems.add(String.format("clock is %.1f s off this machine's: turn on time sync (systemd-timesyncd, chrony)", offset / 1000));
                }
            }
        }
        if (!r.ok() && problems.isEmpty()) problems.add("preflight failed: " + r.output().strip());
        return problems;
    }

    private static NodeOutcome install(Host host, Path pkg, String version, Path keyFile, String nodeKeyPath, String clusterText) {
        var changes = new ArrayList<String>();
        try {
            ensurePackage(host, pkg, version).ifPresent(changes::add);
            var keyBytes = Files.readAllBytes(keyFile);
            if (host.kind(nodeKeyPath) != Host.Kind.FILE || !Arrays.equals(host.read(nodeKeyPath, 4096), keyBytes)) {
                host.mkdirs(Path.of(nodeKeyPath).getParent().toString(), Optional.of(0755));
                host.write(nodeKeyPath, keyBytes, Optional.of(0600));
                changes.add("cluster key copied to " + nodeKeyPath);
            } else if (host.mode(nodeKeyPath) != 0600) {
                host.chmod(nodeKeyPath, 0600);
                changes.add("cluster key made 0600");
            }
            var clusterBytes = clusterText.getBytes(StandardCharsets.UTF_8);
            if (host.kind(NODE_CLUSTER_FILE) != Host.Kind.FILE || !Arrays.equals(host.read(NODE_CLUSTER_FILE, 1 << 20), clusterBytes)) {
                host.write(NODE_CLUSTER_FILE, clusterBytes, Optional.of(0644));
                changes.add("cluster file written");
            }
            var state = host.shell("systemctl is-enabled vigil-agent.service; systemctl is-active vigil-agent.service", Duration.ofSeconds(30)).output();
            if (!state.lines().findFirst().orElse("").equals("enabled")) {
                run(host, "systemctl enable vigil-agent.service");
                changes.add("agent enabled");
            }
            if (!changes.isEmpty() && state.contains("\nactive")) {
                run(host, "systemctl restart vigil-agent.service");
                changes.add("agent restarted");
            } else if (!state.contains("\nactive")) {
                run(host, "systemctl start vigil-agent.service");
                changes.add("agent started");
            }
            return new NodeOutcome(changes, Optional.empty());
        } catch (IOException e) {
            return new NodeOutcome(changes, Optional.of(e.getMessage()));
        }
    }

    /** The version of Vigil installed on the node, empty when none is. */
    static String installedVersion(Host host) throws IOException {
        return host.shell("dpkg-query -W -f '${Version}' vigil 2>/dev/null", Duration.ofSeconds(30)).output().strip();
    }

    /**
     * Copies the package and installs it with apt-get unless that version is installed; says
     * what changed. Its postinst restarts a running agent (try-restart).
     *
     * @throws IOException with apt-get's last lines when it fails
     */
    static Optional<String> ensurePackage(Host host, Path pkg, String version) throws IOException {
        var installed = installedVersion(host);
        if (installed.equals(version)) return Optional.empty();
        upload(host, pkg);
        var deb = pkg.getFileName().toString();
        var r = host.shell("cd " + UPLOAD_DIR + " && cat part.* > " + deb + " && rm -f part.* && DEBIAN_FRONTEND=noninteractive "
                + "apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=60 ./" + deb
                + "; rc=$?; cd / && rm -rf " + UPLOAD_DIR + "; exit $rc", Duration.ofMinutes(10));
        if (!r.ok()) throw new IOException("apt-get install ./" + deb + " failed: " + tail(r.output()));
        return Optional.of("package " + version + (installed.isEmpty() ? " installed" : " replaced " + installed));
    }

    private static void upload(Host host, Path pkg) throws IOException {
        host.shell("rm -rf " + UPLOAD_DIR, Duration.ofSeconds(30));
        host.mkdirs(UPLOAD_DIR, Optional.of(0700));
        try (InputStream in = Files.newInputStream(pkg)) {
            int n = 0;
            byte[] piece;
            while ((piece = in.readNBytes(PIECE)).length > 0) {
                host.write(String.format("%s/part.%04d", UPLOAD_DIR, n++), piece, Optional.of(0600));
            }
        }
    }

    static void run(Host host, String command) throws IOException {
        var r = host.shell(command, Duration.ofSeconds(120));
        if (!r.ok()) throw new IOException(command + " failed: " + tail(r.output()));
    }

    static String tail(String output) {
        var lines = output.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    /** Until every node in {@code ok} sees every node in {@code ok} alive, within {@code bound}. */
    static boolean waitFormed(Map<String, Host> hosts, List<String> ok, Duration bound)
            throws IOException, InterruptedException {
        var mapper = new ObjectMapper();
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < deadline) {
            boolean formed = true;
            for (var n : ok) {
                var r = hosts.get(n).shell("vigil status --json --config " + NODE_CLUSTER_FILE, Duration.ofSeconds(30));
                long alive = 0;
                if (r.ok()) {
                    for (var node : mapper.readTree(r.output()).path("nodes")) {
                        if (node.path("state").asText().equals("alive") && ok.contains(node.path("name").asText())) alive++;
                    }
                }
                formed &= alive == ok.size();
                // One node not yet formed settles this look: asking the rest would cost a JVM start each for nothing.
                if (!formed) break;
            }
            if (formed) return true;
            Thread.sleep(1000);
        }
        return false;
    }

    private static void report(PrintWriter out, boolean json, Map<String, List<String>> problems,
                               Map<String, NodeOutcome> outcomes, boolean formed, String status) throws IOException {
        if (json) {
            var mapper = new ObjectMapper();
            ObjectNode root = mapper.createObjectNode();
            var p = root.putObject("problems");
            problems.forEach((n, list) -> list.forEach(p.putArray(n)::add));
            var nodes = root.putObject("nodes");
            outcomes.forEach((n, o) -> {
                var node = nodes.putObject(n);
                o.changes().forEach(node.putArray("changes")::add);
                o.failure().ifPresent(f -> node.put("failure", f));
            });
            root.put("changed", outcomes.values().stream().anyMatch(o -> !o.changes().isEmpty()));
            root.put("formed", formed);
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return;
        }
        if (!problems.isEmpty()) {
            out.println("preflight found problems; nothing was installed:");
            problems.forEach((n, list) -> list.forEach(l -> out.println("  " + n + ": " + l)));
            return;
        }
        outcomes.forEach((n, o) -> {
            if (o.changes().isEmpty() && o.failure().isEmpty()) out.println(n + ": up to date");
            o.changes().forEach(c -> out.println(n + ": " + c));
            o.failure().ifPresent(f -> out.println(n + ": FAILED: " + f));
        });
        if (outcomes.values().stream().allMatch(o -> o.changes().isEmpty() && o.failure().isEmpty())) {
            out.println("nothing to change: every node is installed as the cluster file says");
        }
        var failed = outcomes.entrySet().stream().filter(e -> e.getValue().failure().isPresent()).map(Map.Entry::getKey).toList();
        out.println((formed ? "cluster formed: every node sees every other" : "cluster NOT formed: some node does not see every other")
                + (failed.isEmpty() ? "" : " (leaving out the failed " + String.join(", ", failed) + ")"));
        out.print(status);
    }
}
