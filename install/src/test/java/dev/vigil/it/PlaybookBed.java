package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.control.ControlClient;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bed the playbooks are tested on: an {@link HaBed} brought up with {@code --sshd}, so every
 * node is a machine with a real OpenSSH server, its own hostname and its own /etc, /var, /srv,
 * /opt and /usr/local; the operator side of it (the cluster file naming the nodes, a home whose
 * {@code .ssh} holds the bed's operator key and known_hosts); the {@code vigil} CLI run as a
 * subprocess in the CLIENT namespace, as an operator's laptop would; checksums of what the nodes
 * hold, to prove a plan changes nothing; and the agents, started on each node from the cluster
 * file the playbook wrote there. {@link #close()} kills the agents, then takes the bed down.
 */
final class PlaybookBed implements AutoCloseable {
    /**
     * The end of every test on the SSH bed: the bed down (and nothing of it left behind), the
     * operator's files (cluster file, vars, CLI logs) copied under {@code logDir} for whoever reads
     * a failure (none when {@code logDir} is null), and the operator's directory removed.
     */
    static void tearDown(PlaybookBed pb, Path dir, Path logDir) throws Exception {
        try {
            if (pb != null) {
                pb.close();
                org.assertj.core.api.Assertions.assertThat(pb.bed().leftovers())
                        .as("what bed %s left behind", pb.bed().name()).isEmpty();
            }
        } finally {
            if (logDir != null && dir != null && Files.isDirectory(dir)) {
                Files.createDirectories(logDir);
                try (Stream<Path> files = Files.list(dir)) {
                    for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")).toList()) {
                        Files.copy(f, logDir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            if (dir != null) Commands.run(List.of("rm", "-rf", dir.toString()), null, Duration.ofSeconds(30));
        }
    }

    /** The cluster's name in the cluster file this bed writes (the agents' socket names follow it). */
    static final String CLUSTER = "pbbed";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where Vigil's files live on a node (the defaults of the agent and of the playbook steps). */
    static final String NODE_CLUSTER_FILE = "/etc/vigil/cluster.yaml";
    static final String NODE_AUTHKEY = "/etc/vigil/authkey";

    /**
     * What a node holds that a playbook may change, checksummed through the node's mount
     * namespace (every regular file: mode, owner, size, SHA-256; directories and links by their
     * metadata). Big trees of the host that the nodes see unchanged (/opt, most of /var) are
     * covered by {@link #upperListing}: any write anywhere in a node's own directories lands
     * in its overlay's upper directory.
     */
    static final List<String> NODE_PATHS = List.of("/etc", "/srv", "/usr/local", "/var/lib/vigil", "/var/log/vigil",
            "/var/www", "/var/lib/nfs", "/var/lib/haproxy", "/opt/vigil");

    /**
     * The operator's cluster file: the bed's nodes, the key every node will hold at
     * {@link #NODE_AUTHKEY}, udp unicast, fast timing and a fence_vigil_netns device per node.
     * {@code ${...}} are {@link BedCluster#expand} placeholders.
     */
    static final String CLUSTER_TEMPLATE = """
            cluster: %s
            auth: {keyfile: %s}
            timing: {preset: fast}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            ${FENCING}
            """.formatted(CLUSTER, NODE_AUTHKEY);

    private final HaBed bed;
    private final Path dir;
    private final Path clusterFile;
    private final Path inventoryFile;
    private final Path operatorHome;
    private final Path journalDir;
    private final Map<String, Process> agents = new LinkedHashMap<>();
    private final List<Process> allAgents = new ArrayList<>();

    private PlaybookBed(HaBed bed, Path dir) throws IOException {
        this.bed = bed;
        this.dir = dir;
        clusterFile = dir.resolve("cluster.yaml");
        Files.writeString(clusterFile, BedCluster.expand(CLUSTER_TEMPLATE, bed));
        // The same hosts as an inventory, with the bed's key and known_hosts spelled out.
        var inv = new StringBuilder("hosts:\n");
        for (var n : bed.nodes()) {
            inv.append("  ").append(n).append(": {address: ").append(bed.address(n))
                    .append(", ssh: {user: root, port: 22, key: ").append(bed.sshKey())
                    .append(", known_hosts: ").append(bed.knownHosts()).append("}}\n");
        }
        inventoryFile = dir.resolve("inventory.yaml");
        Files.writeString(inventoryFile, inv.toString());
        // "The user's keys": a home of the operator's own, never root's ~/.ssh.
        operatorHome = dir.resolve("home");
        var ssh = Files.createDirectories(operatorHome.resolve(".ssh"));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        Files.copy(bed.sshKey(), ssh.resolve("id_ed25519"));
        Files.copy(Path.of(bed.sshKey() + ".pub"), ssh.resolve("id_ed25519.pub"));
        Files.copy(bed.knownHosts(), ssh.resolve("known_hosts"));
        Files.setPosixFilePermissions(ssh.resolve("id_ed25519"), PosixFilePermissions.fromString("rw-------"));
        journalDir = Files.createDirectories(dir.resolve("journal"));
    }

    /** Why this host cannot run the playbook bed, or empty if it can. */
    static Optional<String> whyUnavailable() {
        return HaBed.whyNoSshd();
    }

    /** A bed of {@code nodes} nodes with sshd, and its operator files in {@code dir} (a fresh temp directory). */
    static PlaybookBed up(int nodes, Path dir) throws IOException {
        return up(nodes, false, dir);
    }

    /** As {@link #up(int, Path)}; {@code hot}: every node's apache serves a page of its own (no shared disk needed). */
    static PlaybookBed up(int nodes, boolean hot, Path dir) throws IOException {
        var bed = HaBed.up(nodes, hot, true);
        try {
            return new PlaybookBed(bed, dir);
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    HaBed bed() {
        return bed;
    }

    Path dir() {
        return dir;
    }

    /** The operator's cluster file ({@code vigil playbook ... --config}). */
    Path clusterFile() {
        return clusterFile;
    }

    /** The bed's nodes as an inventory with their SSH settings ({@code --inventory}). */
    Path inventoryFile() {
        return inventoryFile;
    }

    /** The operator's home: {@code .ssh/id_ed25519} is the bed's key, {@code .ssh/known_hosts} its nodes. */
    Path operatorHome() {
        return operatorHome;
    }

    /** A journal directory on the operator's side, for a CLI that keeps one there ({@code --state-dir}). */
    Path journalDir() {
        return journalDir;
    }

    /**
     * {@code template} with the bed's facts filled in: every {@code ${KEY}} of bed.env
     * ({@code ${VIP}}, {@code ${DISK}}, {@code ${MOUNT}}, ...), {@code ${NODES}} and {@code ${FENCING}}
     * as in {@link BedCluster#expand}, and {@code ${NODE_LIST}} (the node names, comma separated),
     * {@code ${FIRST_NODE}}, {@code ${CLUSTER_FILE}} (the operator's), {@code ${NODE_CLUSTER_FILE}}.
     */
    String expand(String template) {
        return BedCluster.expand(template
                .replace("${NODE_LIST}", String.join(", ", bed.nodes()))
                .replace("${FIRST_NODE}", bed.nodes().get(0))
                .replace("${CLUSTER_FILE}", clusterFile.toString())
                .replace("${NODE_CLUSTER_FILE}", NODE_CLUSTER_FILE), bed);
    }

    /** Writes {@link #expand expanded} {@code template} to {@code name} in the operator's directory. */
    Path writeOperatorFile(String name, String template) throws IOException {
        var f = dir.resolve(name);
        Files.writeString(f, expand(template));
        return f;
    }

    // ---- the operator's tools, from the client namespace

    /** The real OpenSSH client, from the client namespace, strict about host keys, the bed's key only. */
    Commands.Result ssh(String node, Duration timeout, String remoteCommand) throws IOException {
        return bed.client(timeout, "ssh", "-i", bed.sshKey().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + bed.knownHosts(), "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "root@" + bed.address(node), remoteCommand);
    }

    /**
     * {@code bin/vigil ARGS} as a subprocess in the client namespace, as the operator runs it: its
     * home is {@link #operatorHome()} (HOME for the launcher, {@code user.home} for the JVM, where
     * an SSH client finds "the user's keys" and known_hosts).
     */
    Commands.Result vigil(Duration timeout, List<String> args) throws IOException {
        var cmd = new ArrayList<>(List.of("ip", "netns", "exec", bed.clientNamespace(),
                // No ssh-agent: the operator's keys are the home's, nothing else. JAVA_TOOL_OPTIONS
                // adds to the launcher's JVM flags (VIGIL_JAVA_OPTS would replace them).
                "env", "-u", "SSH_AUTH_SOCK", "HOME=" + operatorHome, "JAVA_TOOL_OPTIONS=-Duser.home=" + operatorHome,
                VigilHome.launcher().toString()));
        cmd.addAll(args);
        // The launcher execs the JVM: a hung run leaves its thread dump in the failure.
        return Commands.run(cmd, null, timeout, true);
    }

    /**
     * {@code vigil playbook VERB PLAYBOOK --vars VARS ARGS... --json} (ARGS: how the hosts are
     * named, and whatever else the test passes): its JSON document, after checking the exit code,
     * that every node of the bed is reported and that no host failed. The output is kept in
     * {@code logDir} as {@code VERB-NANOS.json} for whoever reads a failure.
     */
    JsonNode playbook(Duration timeout, Path logDir, String verb, Path playbook, Path vars, List<String> args) throws IOException {
        var all = new ArrayList<>(List.of("playbook", verb, playbook.toString(), "--vars", vars.toString()));
        all.addAll(args);
        all.add("--json");
        var r = vigil(timeout, all);
        Files.createDirectories(logDir);
        Files.writeString(logDir.resolve(verb + "-" + System.nanoTime() + ".json"), r.stdout() + "\n--- stderr\n" + r.stderr());
        assertThat(r.exit()).as("vigil %s:%n%s", String.join(" ", all), r.all()).isZero();
        var doc = JSON.readTree(r.stdout());
        assertThat(doc.has("hosts") && doc.has("changed")).as("the JSON of %s: %s", verb, r.stdout()).isTrue();
        var hosts = new ArrayList<String>();
        doc.get("hosts").fields().forEachRemaining(h -> {
            hosts.add(h.getKey());
            assertThat(h.getValue().path("failed").asInt()).as("failed steps on %s: %s", h.getKey(), h.getValue()).isZero();
        });
        assertThat(hosts).as("hosts of the %s", verb).containsExactlyInAnyOrderElementsOf(bed.nodes());
        return doc;
    }

    /**
     * The playbooks' promise for every recipe once it has been applied: a plan (check mode) of the
     * same vars has nothing to change, and a second apply changes nothing, on every host. DOC is
     * the JSON of that plan or apply ({@link #playbook}).
     */
    static void assertNothingChanged(JsonNode doc, String what) {
        doc.get("hosts").fields().forEachRemaining(h -> assertThat(h.getValue().path("changed").asInt(-1))
                .as("%s: changes on %s (%s)", what, h.getKey(), h.getValue()).isZero());
        assertThat(doc.path("changed").asInt(-1)).as("%s: changes (%s)", what, doc).isZero();
    }

    // ---- the nodes

    /**
     * Every file, directory and link under {@link #NODE_PATHS} as the node sees it (its mount
     * namespace), keyed by path: {@code type mode owner:group size sha256} (the hash for regular
     * files), plus the upper directories of its overlays, so that a change anywhere in them shows.
     */
    Map<String, String> snapshot(String node) throws IOException {
        var script = """
                for p in "$@"; do
                    [ -e "$p" ] || continue
                    find "$p" -xdev \\( -type f -o -type d -o -type l \\) -printf '%y %m %u:%g %s %p\\n'
                done
                for p in "$@"; do
                    [ -e "$p" ] || continue
                    find "$p" -xdev -type f -print0
                done | xargs -0 -r sha256sum
                """;
        var argv = new ArrayList<>(List.of("sh", "-c", script, "_"));
        argv.addAll(NODE_PATHS);
        var r = bed.exec(node, Duration.ofSeconds(120), argv.toArray(String[]::new));
        if (r.exit() != 0) throw new IOException("snapshot of " + node + ": exit " + r.exit() + " " + r.stderr());
        var meta = new TreeMap<String, String>();
        var hash = new TreeMap<String, String>();
        var sha = Pattern.compile("^([0-9a-f]{64})  (.*)$");
        for (var line : r.stdout().split("\n")) {
            if (line.isEmpty()) continue;
            var m = sha.matcher(line);
            if (m.matches()) {
                hash.put(m.group(2), m.group(1));
            } else {
                var f = line.split(" ", 5);
                if (f.length == 5) meta.put(f[4], f[0] + " " + f[1] + " " + f[2] + " " + f[3]);
            }
        }
        var snapshot = new TreeMap<String, String>();
        meta.forEach((path, m) -> snapshot.put(path, hash.containsKey(path) ? m + " " + hash.get(path) : m));
        snapshot.putAll(upperListing(node));
        return snapshot;
    }

    /** What the node changed anywhere in its own directories: its overlays' upper directories, from the host. */
    Map<String, String> upperListing(String node) throws IOException {
        var listing = new TreeMap<String, String>();
        var root = bed.nodeRoot(node);
        try (Stream<Path> dirs = Files.list(root)) {
            for (var top : dirs.toList()) {
                // root/etc/upper, root/var/upper, root/usr/local/upper, ...
                try (Stream<Path> uppers = Files.find(top, 3, (p, a) -> p.getFileName().toString().equals("upper") && a.isDirectory())) {
                    for (var upper : uppers.toList()) {
                        try (Stream<Path> files = Files.walk(upper)) {
                            for (var f : files.toList()) {
                                var a = Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class,
                                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                                listing.put("upper:" + root.relativize(f), (a.isDirectory() ? "d " : "f ")
                                        + PosixFilePermissions.toString(a.permissions()) + " " + a.size() + " "
                                        + a.lastModifiedTime().toInstant());
                            }
                        }
                    }
                }
            }
        }
        return listing;
    }

    Map<String, Map<String, String>> snapshotAll() throws IOException {
        var all = new LinkedHashMap<String, Map<String, String>>();
        for (var n : bed.nodes()) {
            all.put(n, snapshot(n));
        }
        return all;
    }

    /** Writes {@code content} to {@code path} on {@code node} (in its own /etc, /var...), as an installer would. */
    void writeOnNode(String node, String path, String content) throws IOException {
        writeOnNode(node, path, content, "644");
    }

    /** As {@link #writeOnNode(String, String, String)} with the file's mode (octal, e.g. {@code 600}). */
    void writeOnNode(String node, String path, String content, String mode) throws IOException {
        var argv = new ArrayList<>(bed.execPrefix(node));
        argv.addAll(List.of("sh", "-c",
                "mkdir -p \"$(dirname \"$1\")\" && (umask 077 && cat >\"$1.tmp\") && chmod \"$2\" \"$1.tmp\" && mv \"$1.tmp\" \"$1\"",
                "_", path, mode));
        var r = Commands.run(argv, content, Duration.ofSeconds(20));
        if (r.exit() != 0) throw new IOException("writing " + path + " on " + node + ": " + r.all());
    }

    /**
     * Puts the operator's cluster file on every node at {@link #NODE_CLUSTER_FILE} and one random
     * cluster key at {@link #NODE_AUTHKEY} (0600), as installing Vigil on the nodes would: a
     * recipe's {@code cluster} step merges into an existing cluster file.
     */
    void installClusterFileOnNodes() throws IOException {
        var content = Files.readString(clusterFile);
        var key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        var keyText = java.util.Base64.getEncoder().encodeToString(key) + "\n";
        for (var n : bed.nodes()) {
            writeOnNode(n, NODE_CLUSTER_FILE, content);
            writeOnNode(n, NODE_AUTHKEY, keyText, "600");
        }
    }

    /**
     * Runs {@code script} (sh) in the shared disk's root, the disk mounted in a throw-away mount
     * namespace (no node and not the host sees that mount): to put a site or an export on it
     * before the cluster mounts it. Only while no node has it mounted.
     */
    void onSharedDisk(String script) throws IOException {
        var r = Commands.run(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "set -e; mount -t ext4 \"$1\" \"$2\"; cd \"$2\"; sh -ec \"$3\"; cd /; umount \"$2\"",
                "_", bed.disk(), bed.mountPoint().toString(), script), null, Duration.ofSeconds(30));
        if (r.exit() != 0) throw new IOException("on the shared disk: " + r.all());
    }

    // ---- the agents

    /** The agent's control socket on {@code node}, where the host reaches it (the node's own /run, default name). */
    Path socket(String node) {
        return Path.of(bed.fact(node.toUpperCase() + "_DIR"), "run", "vigil", CLUSTER + "-" + node + ".sock");
    }

    Path agentLog(String node) {
        return dir.resolve(node + "-agent.log");
    }

    /**
     * Starts the agent on {@code node} as its init would: {@code vigil agent} with the node's own
     * cluster file ({@link #NODE_CLUSTER_FILE}, as the playbook left it), default socket and state
     * directory (the node's own /run and /var). The process is the agent's JVM; killed by PID.
     */
    Process startAgent(String node) throws IOException {
        var cmd = new ArrayList<>(bed.execPrefix(node));
        cmd.addAll(List.of(VigilHome.launcher().toString(), "agent", "--config", NODE_CLUSTER_FILE, "--node", node));
        var p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(agentLog(node).toFile())).start();
        agents.put(node, p);
        allAgents.add(p);
        return p;
    }

    void startAgents() throws IOException {
        for (var n : bed.nodes()) {
            startAgent(n);
        }
    }

    /** Kills every agent this bed started (SIGKILL, by PID) and waits for them. */
    void stopAgents() throws InterruptedException {
        for (var p : agents.values()) {
            if (p.isAlive()) p.destroyForcibly();
        }
        for (var p : agents.values()) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        agents.clear();
    }

    /** The bed's own apache on {@code node} (its per-node config), e.g. as a backend behind haproxy. */
    void startApache(String node) throws IOException {
        var r = bed.exec(node, Duration.ofSeconds(30), "/usr/sbin/apache2", "-f", bed.apacheConfig(node).toString(), "-k", "start");
        if (r.exit() != 0) throw new IOException("apache2 on " + node + ": " + r.all());
    }

    Optional<StatusReport> status(String node) {
        try {
            return Optional.of(new ControlClient(socket(node)).status());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The nodes where {@code node}'s agent reports {@code resource} started; empty if it does not answer. */
    List<String> runningOn(String node, String resource) {
        return status(node).map(StatusReport::resources).stream()
                .flatMap(r -> r.resources().stream())
                .filter(r -> r.id().equals(resource))
                .flatMap(r -> r.runningOn().stream())
                .toList();
    }

    /**
     * The node dies at once: SIGKILL to every process in its namespace (agent, sshd, apache,
     * haproxy, ganesha), repeated until none is left (bounded), as a power cut would.
     */
    void killNode(String node) throws IOException, InterruptedException {
        for (int round = 0; round < 20; round++) {
            var pids = bed.pids(node);
            if (pids.isEmpty()) break;
            for (var pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            Thread.sleep(20);
        }
        var agent = agents.get(node);
        if (agent != null) {
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- the client's view

    /** {@code curl URL} from the client namespace: the body, or empty (no answer, an HTTP error). */
    Optional<String> get(String url, Duration timeout) {
        try {
            var secs = String.format(java.util.Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0);
            var r = bed.client(timeout.plusSeconds(5), "curl", "-sf", "-m", secs, url);
            return r.exit() == 0 ? Optional.of(r.stdout()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The node named in the page at {@code url} ({@code node=haN}, as the bed's pages say), or empty. */
    Optional<String> servedBy(String url, Duration timeout) {
        return get(url, timeout).flatMap(body -> {
            var m = Pattern.compile("node=(ha\\d)").matcher(body);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });
    }

    String agentLogs() {
        var sb = new StringBuilder();
        for (var n : bed.nodes()) {
            if (!Files.exists(agentLog(n))) continue;
            try {
                sb.append("---- ").append(n).append(" ----\n").append(Files.readString(agentLog(n)));
            } catch (IOException e) {
                sb.append("(no log for ").append(n).append(")\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            for (var p : allAgents) {
                if (p.isAlive()) p.destroyForcibly();
            }
            for (var p : allAgents) {
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            bed.close();
        }
    }
}
