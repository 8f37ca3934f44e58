package dev.vigil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HA test bed of {@code bed/vigil-bed} for Java tests: 2 or 3 nodes ({@code ha1..}) and a
 * client in network namespaces on a bridge, a per-node mount namespace, a shared loop-device
 * disk, apache2 configured per node and a floating IP nobody holds yet. The script does all the
 * work (and is what the demo and the benchmarks use); this class only calls it and reads the
 * facts it writes to {@code bed.env}. {@link #close()} runs {@code vigil-bed down}, also from a
 * shutdown hook if the JVM is stopped before the test's own cleanup.
 */
final class HaBed implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Path script;
    private final String name;
    private final Map<String, String> facts;
    private final Thread shutdownHook;
    private boolean closed;

    private HaBed(Path script, String name, Map<String, String> facts) {
        this.script = script;
        this.name = name;
        this.facts = Map.copyOf(facts);
        this.shutdownHook = new Thread(this::down, "ha-bed-cleanup-" + name);
    }

    /** Why this host cannot run a bed, or empty if it can. */
    static Optional<String> whyUnavailable() {
        var netns = NetnsBed.whyUnavailable();
        if (netns.isPresent()) {
            return netns;
        }
        for (var tool : List.of("/usr/sbin/apache2", "/usr/sbin/losetup", "/usr/bin/nsenter", "/usr/sbin/mkfs.ext4", "/usr/bin/curl")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return Optional.of("the HA bed needs " + tool + " (apt-get install apache2 util-linux e2fsprogs curl)");
            }
        }
        return Optional.empty();
    }

    static Path script() {
        return VigilHome.home().resolve("bed/vigil-bed");
    }

    /**
     * Why this host cannot run a bed whose nodes are reached over SSH ({@code up --sshd}), or
     * empty if it can.
     */
    static Optional<String> whyNoSshd() {
        var why = whyUnavailable();
        if (why.isPresent()) {
            return why;
        }
        for (var tool : List.of("/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return Optional.of("the SSH bed needs " + tool + " (apt-get install openssh-server openssh-client)");
            }
        }
        try {
            if (!Files.readString(Path.of("/proc/filesystems")).contains("overlay")) {
                return Optional.of("the SSH bed needs overlayfs (each node's own /etc and /var)");
            }
        } catch (IOException e) {
            return Optional.of("cannot read /proc/filesystems: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Brings up a bed of {@code nodes} nodes; {@code hot} gives every node a local docroot. */
    static HaBed up(int nodes, boolean hot) throws IOException {
        return up(nodes, hot, false);
    }

    /**
     * As {@link #up(int, boolean)}; {@code sshd} makes every node a machine reached over SSH: a
     * real OpenSSH server on its address, its own hostname and its own /etc, /var, /srv, /opt and
     * /usr/local (see {@code vigil-bed}'s header).
     */
    static HaBed up(int nodes, boolean hot, boolean sshd) throws IOException {
        // Short, unique per JVM and bed: namespace names are BED-client.
        var name = "it" + Long.toString(ProcessHandle.current().pid() % 100_000, 36) + SEQ.incrementAndGet();
        var cmd = new ArrayList<>(List.of(script().toString(), "up", name, "--nodes", Integer.toString(nodes)));
        if (hot) {
            cmd.add("--hot");
        }
        if (sshd) {
            cmd.add("--sshd");
        }
        var r = run(cmd, Duration.ofSeconds(60));
        if (r.exit() != 0) {
            throw new IOException("vigil-bed up " + name + " failed (exit " + r.exit() + "): " + r.all());
        }
        var env = run(List.of(script().toString(), "env", name), DEFAULT_TIMEOUT);
        var bed = new HaBed(script(), name, parseEnv(env.stdout()));
        Runtime.getRuntime().addShutdownHook(bed.shutdownHook);
        return bed;
    }

    static Map<String, String> parseEnv(String text) {
        var map = new LinkedHashMap<String, String>();
        for (var line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("bed.env: not KEY=value: " + line);
            var value = line.substring(eq + 1);
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            map.put(line.substring(0, eq), value);
        }
        return map;
    }

    String name() {
        return name;
    }

    /** A fact from bed.env, e.g. {@code VIP}, {@code DISK}, {@code HA1_APACHE_CONF}. */
    String fact(String key) {
        var v = facts.get(key);
        if (v == null) throw new IllegalArgumentException("bed " + name + " has no fact " + key + " (has " + facts.keySet() + ")");
        return v;
    }

    List<String> nodes() {
        return Arrays.asList(fact("NODES").split(" "));
    }

    String vip() {
        return fact("VIP");
    }

    int prefixLength() {
        return Integer.parseInt(fact("PREFIX"));
    }

    String disk() {
        return fact("DISK");
    }

    Path diskImage() {
        return Path.of(fact("DISK_IMAGE"));
    }

    /** Where a node mounts the shared disk (the same path on every node). */
    Path mountPoint() {
        return Path.of(fact("MOUNT"));
    }

    Path dir() {
        return Path.of(fact("BED_DIR"));
    }

    String namespace(String node) {
        return fact(node.toUpperCase() + "_NS");
    }

    /** The node's persistent mount namespace file, as the host sees it. */
    Path mountNamespace(String node) {
        return Path.of(fact(node.toUpperCase() + "_MNTNS"));
    }

    String address(String node) {
        return fact(node.toUpperCase() + "_ADDR");
    }

    Path apacheConfig(String node) {
        return Path.of(fact(node.toUpperCase() + "_APACHE_CONF"));
    }

    Path apachePidFile(String node) {
        return Path.of(fact(node.toUpperCase() + "_APACHE_PID"));
    }

    String clientNamespace() {
        return fact("CLIENT_NS");
    }

    /** The operator's private key root logs in with on every node ({@code --sshd} beds). */
    Path sshKey() {
        return Path.of(fact("SSH_KEY"));
    }

    /** The nodes' addresses with their host keys ({@code --sshd} beds). */
    Path knownHosts() {
        return Path.of(fact("SSH_KNOWN_HOSTS"));
    }

    Path sshdPidFile(String node) {
        return Path.of(fact(node.toUpperCase() + "_SSHD_PID"));
    }

    /** Where the node's own /etc, /var, ... keep their changes ({@code <root>/etc/upper}, ...). */
    Path nodeRoot(String node) {
        return Path.of(fact(node.toUpperCase() + "_ROOT"));
    }

    /** A killed or fenced node powers on again: its own directories mounted, its sshd started. */
    void boot(String node) throws IOException {
        var r = run(List.of(script.toString(), "boot", name, node), Duration.ofSeconds(60));
        if (r.exit() != 0) throw new IOException("vigil-bed boot " + name + " " + node + ": exit " + r.exit() + " " + r.all());
    }

    /** The command prefix that runs a program on {@code node} (its network and mount namespace). */
    List<String> execPrefix(String node) {
        return List.of(script.toString(), "exec", name, node, "--");
    }

    Commands.Result exec(String node, Duration timeout, String... cmd) throws IOException {
        var argv = new ArrayList<>(execPrefix(node));
        argv.addAll(List.of(cmd));
        return run(argv, timeout);
    }

    Commands.Result client(Duration timeout, String... cmd) throws IOException {
        var argv = new ArrayList<>(List.of(script.toString(), "client", name, "--"));
        argv.addAll(List.of(cmd));
        return run(argv, timeout);
    }

    /** Every node's IPv4 addresses as {@code dev addr/prefix}, loopback left out: who holds the VIP right now. */
    Map<String, List<String>> ipAddrSnapshot() throws IOException {
        var snapshot = new LinkedHashMap<String, List<String>>();
        for (var node : nodes()) {
            var r = run(List.of("ip", "-n", namespace(node), "-o", "-4", "addr", "show"), DEFAULT_TIMEOUT);
            // `ip -n` runs inside the namespace for a moment, so fencing the node ("kill every
            // process in it") can catch it: killed by a signal, it is asked again.
            for (int retry = 0; retry < 3 && r.exit() > 128; retry++) {
                r = run(List.of("ip", "-n", namespace(node), "-o", "-4", "addr", "show"), DEFAULT_TIMEOUT);
            }
            if (r.exit() != 0) throw new IOException("ip addr in " + node + ": exit " + r.exit() + " " + r.stderr());
            snapshot.put(node, r.stdout().lines()
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length >= 4 && f[2].equals("inet") && !f[1].equals("lo"))
                    .map(f -> f[1] + " " + f[3])
                    .toList());
        }
        return snapshot;
    }

    /** The nodes that have the VIP on an interface (one, when all is well). */
    List<String> vipHolders() throws IOException {
        var vip = vip() + "/";
        return ipAddrSnapshot().entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(a -> a.contains(" " + vip)))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Pulls a node's cable: its eth0 goes down (addresses stay, as on a real cut). */
    void cutLink(String node) throws IOException {
        ip(namespace(node), "link", "set", "eth0", "down");
    }

    void restoreLink(String node) throws IOException {
        ip(namespace(node), "link", "set", "eth0", "up");
    }

    private static void ip(String ns, String... args) throws IOException {
        var cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        var r = run(cmd, DEFAULT_TIMEOUT);
        if (r.exit() != 0) throw new IOException(String.join(" ", cmd) + ": " + r.stderr());
    }

    /** Pids of the processes in a node's network namespace. */
    List<Long> pids(String node) throws IOException {
        return run(List.of("ip", "netns", "pids", namespace(node)), DEFAULT_TIMEOUT).stdout().lines()
                .map(String::strip).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
    }

    /**
     * What a bed named {@code name} left on the host: namespaces, loop devices on its image,
     * mounts below its directory and the directory itself. Empty after a clean {@code down}.
     */
    /** What this bed left on the host; call after {@link #close()}. */
    List<String> leftovers() throws IOException {
        return leftovers(name, dir());
    }

    static List<String> leftovers(String name, Path dir) throws IOException {
        var found = new ArrayList<String>();
        run(List.of("ip", "netns", "list"), DEFAULT_TIMEOUT).stdout().lines()
                .map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith(name + "-"))
                .forEach(n -> found.add("namespace " + n));
        run(List.of("losetup", "-a"), DEFAULT_TIMEOUT).stdout().lines()
                .filter(l -> l.contains(dir.toString()))
                .forEach(l -> found.add("loop device " + l));
        Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .filter(l -> l.split(" ")[1].startsWith(dir.toString()))
                .forEach(l -> found.add("mount " + l));
        if (Files.exists(dir)) {
            found.add("directory " + dir);
        }
        return found;
    }

    static Commands.Result run(List<String> cmd, Duration timeout) throws IOException {
        return Commands.run(cmd, null, timeout);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; down is idempotent.
        }
    }

    private synchronized void down() {
        if (closed) return;
        closed = true;
        try {
            // Its loops are bounded; at a load of 70 they took over a minute, and a down cut short
            // leaves namespaces, a loop device and mounts behind.
            var r = run(List.of(script.toString(), "down", name), Duration.ofMinutes(3));
            if (r.exit() != 0) {
                System.err.println("HaBed: vigil-bed down " + name + " failed: " + r.all());
            }
        } catch (IOException e) {
            System.err.println("HaBed: " + e.getMessage());
        }
    }
}
