package dev.vigil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A throw-away Ethernet segment made of network namespaces: one namespace holds a bridge
 * ({@code br0}), and each host (node or client) is a namespace joined to it by a veth pair whose
 * inner end is called {@code eth0} and has {@code 10.213.S.H/24}.
 *
 * <p>The bridge lives in its own namespace so the host's root namespace gets no interface at all,
 * and every name is prefixed {@code vgt-<pid>-<seq>-} so parallel runs and leftovers of killed
 * runs cannot collide. {@link #close()} deletes everything, also from a shutdown hook if the JVM
 * is stopped before the test's own cleanup runs.
 */
final class NetnsBed implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern COUNTER = Pattern.compile("counter packets (\\d+) bytes \\d+.*comment \"([^\"]+)\"");

    private final String prefix;
    private final String switchNs;
    private final int subnet;
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final Map<String, Integer> hostNumbers = new LinkedHashMap<>();
    /** nft tables loaded per host, so {@link #heal()} can undo faults a failed test left behind. */
    private final Map<String, Set<String>> nftTables = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::deleteAll, "netns-bed-cleanup");
    private boolean closed;

    private NetnsBed() {
        long pid = ProcessHandle.current().pid();
        int seq = SEQ.incrementAndGet();
        prefix = "vgt-" + pid + "-" + seq + "-";
        switchNs = prefix + "sw";
        // Namespaces isolate the addresses anyway; a pid-derived subnet only keeps captures and
        // logs of concurrent runs distinguishable.
        subnet = (int) ((pid + seq) % 254) + 1;
    }

    /** Why namespaces cannot be used here, or empty if they can. */
    static Optional<String> whyUnavailable() {
        try {
            var uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
            if (!uid.equals("0")) {
                return Optional.of("network-namespace tests need root (uid is " + uid + ")");
            }
        } catch (IOException e) {
            return Optional.of("cannot tell whether we are root: " + e.getMessage());
        }
        try {
            var r = exec(List.of("ip", "netns", "list"), null);
            if (r.exit() != 0) {
                return Optional.of("`ip netns list` failed: " + r.stderr().strip());
            }
        } catch (IOException e) {
            return Optional.of("no usable `ip` command (iproute2): " + e.getMessage());
        }
        return Optional.empty();
    }

    static Optional<String> whyNoNft() {
        try {
            var r = exec(List.of("nft", "--version"), null);
            return r.exit() == 0 ? Optional.empty() : Optional.of("`nft --version` failed: " + r.stderr().strip());
        } catch (IOException e) {
            return Optional.of("no `nft` command (nftables): " + e.getMessage());
        }
    }

    /** A bed with hosts {@code n1..nN} at {@code .1..N}. */
    static NetnsBed withNodes(int nodes) throws IOException {
        var bed = new NetnsBed();
        Runtime.getRuntime().addShutdownHook(bed.shutdownHook);
        try {
            bed.createSwitch();
            for (int i = 1; i <= nodes; i++) {
                bed.addHost("n" + i, i);
            }
            return bed;
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    private void createSwitch() throws IOException {
        addNamespace("sw", switchNs);
        ipIn(switchNs, "link", "set", "lo", "up");
        // Snooping off: without an IGMP querier on the segment the bridge would otherwise stop
        // flooding the group once its membership timers expire, and multicast heartbeats stop.
        ipIn(switchNs, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0", "stp_state", "0");
        ipIn(switchNs, "link", "set", "br0", "up");
    }

    /** Adds a host on the segment (e.g. a client for floating-IP tests); returns its namespace. */
    String addHost(String host, int hostNumber) throws IOException {
        if (hostNumber < 1 || hostNumber > 254 || hostNumbers.containsValue(hostNumber)) {
            throw new IllegalArgumentException("host number " + hostNumber + " is taken or not in 1..254");
        }
        var ns = prefix + host;
        addNamespace(host, ns);
        hostNumbers.put(host, hostNumber);
        // Created from the switch side, straight into the two namespaces, so the root namespace
        // never holds either end, even for an instant. The switch-side port is named after the host.
        ipIn(switchNs, "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ipIn(switchNs, "link", "set", host, "master", "br0");
        ipIn(switchNs, "link", "set", host, "up");
        ipIn(ns, "link", "set", "lo", "up");
        ipIn(ns, "addr", "add", address(host) + "/24", "dev", "eth0");
        ipIn(ns, "link", "set", "eth0", "up");
        // Lets plain tools (ping, socat) reach groups without naming an interface; the agent
        // sets IP_MULTICAST_IF itself.
        ipIn(ns, "route", "add", "224.0.0.0/4", "dev", "eth0");
        return ns;
    }

    private void addNamespace(String host, String ns) throws IOException {
        if (host.length() > 15 || !host.matches("[a-z][a-z0-9]*")) {
            throw new IllegalArgumentException("host name must be a short interface name: " + host);
        }
        run("ip", "netns", "add", ns);
        namespaces.put(host, ns);
    }

    String namespace(String host) {
        var ns = namespaces.get(host);
        if (ns == null) throw new IllegalArgumentException("no host " + host + " in " + namespaces.keySet());
        return ns;
    }

    String address(String host) {
        return "10.213." + subnet + "." + hostNumbers.get(host);
    }

    /** A multicast group private to this bed. */
    String multicastGroup() {
        return "239.213." + subnet + ".1";
    }

    /** The command prefix that runs a program inside {@code host}'s namespace. */
    List<String> execPrefix(String host) {
        return List.of("ip", "netns", "exec", namespace(host));
    }

    void linkDown(String host) throws IOException {
        ipIn(namespace(host), "link", "set", "eth0", "down");
    }

    void linkUp(String host) throws IOException {
        ipIn(namespace(host), "link", "set", "eth0", "up");
    }

    /**
     * Loads {@code table inet NAME { body }} into {@code host}'s namespace (the host's own
     * ruleset is untouched). Give rules a {@code comment} to read their counters back.
     */
    void nft(String host, String table, String body) throws IOException {
        var script = "table inet " + table + " {\n" + body + "\n}\n";
        var r = exec(List.of("ip", "netns", "exec", namespace(host), "nft", "-f", "-"), script);
        if (r.exit() != 0) {
            throw new IOException("nft in " + host + " failed (exit " + r.exit() + "): " + r.stderr() + "\n" + script);
        }
        nftTables.computeIfAbsent(host, h -> new LinkedHashSet<>()).add(table);
    }

    void nftDelete(String host, String table) throws IOException {
        run("ip", "netns", "exec", namespace(host), "nft", "delete", "table", "inet", table);
        nftTables.getOrDefault(host, Set.of()).remove(table);
    }

    /** Packet counts of the rules in {@code table}, by rule comment. */
    Map<String, Long> nftCounters(String host, String table) throws IOException {
        var out = run("ip", "netns", "exec", namespace(host), "nft", "list", "table", "inet", table);
        var counts = new LinkedHashMap<String, Long>();
        for (var line : out.split("\n")) {
            var m = COUNTER.matcher(line);
            if (m.find()) {
                counts.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
            }
        }
        return counts;
    }

    /** Undoes the faults tests inject: removes loaded nft tables and brings every eth0 up. */
    void heal() throws IOException {
        var failures = new ArrayList<String>();
        for (var e : nftTables.entrySet()) {
            for (var table : List.copyOf(e.getValue())) {
                try {
                    nftDelete(e.getKey(), table);
                } catch (IOException ex) {
                    failures.add(ex.getMessage());
                }
            }
        }
        for (var host : hostNumbers.keySet()) {
            try {
                linkUp(host);
            } catch (IOException ex) {
                failures.add(ex.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("could not heal the bed: " + failures);
        }
    }

    /** Runs {@code ip -n NS ARGS...}. */
    private void ipIn(String ns, String... args) throws IOException {
        var cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        run(cmd.toArray(String[]::new));
    }

    /** Runs a command, failing with its stderr unless it exits 0; returns stdout. */
    static String run(String... cmd) throws IOException {
        var r = exec(List.of(cmd), null);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.stderr().strip());
        }
        return r.stdout();
    }

    static Commands.Result exec(List<String> cmd, String stdin) throws IOException {
        return Commands.run(cmd, stdin, COMMAND_TIMEOUT);
    }

    /** Our namespaces that still exist, e.g. to assert a clean host after {@link #close()}. */
    static List<String> leftovers(String namePrefix) throws IOException {
        return run("ip", "netns", "list").lines().map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith(namePrefix)).toList();
    }

    String prefix() {
        return prefix;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        deleteAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or about to; deleteAll is idempotent.
        }
    }

    private synchronized void deleteAll() {
        if (closed) return;
        closed = true;
        // Hosts first, the switch last; whatever fails, the rest is still attempted.
        var order = new ArrayList<>(namespaces.values());
        order.remove(switchNs);
        order.add(switchNs);
        for (var ns : order) {
            killProcessesIn(ns);
            try {
                run("ip", "netns", "delete", ns);
            } catch (IOException e) {
                System.err.println("NetnsBed: " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    /**
     * Deleting a namespace only drops its name: a process still inside would keep it (and its
     * sockets) alive. Anything in a namespace of ours was started by a test, so it goes too.
     */
    private static void killProcessesIn(String ns) {
        try {
            for (var pid : run("ip", "netns", "pids", ns).lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ph -> {
                    ph.destroyForcibly();
                    ph.onExit().completeOnTimeout(ph, 5, TimeUnit.SECONDS).join();
                });
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("NetnsBed: cannot list processes in " + ns + ": " + e.getMessage());
        }
    }
}
