package dev.vigil.it;

import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vigil cluster on an {@link HaBed}: one real agent per bed node, started through the
 * launcher inside the node's network and mount namespaces ({@link TestCluster} with the bed's
 * {@code exec} prefix, so the started process is the agent's JVM itself and is killed by PID),
 * from a cluster-file template whose {@code ${FACT}} placeholders are the bed's facts
 * ({@code ${VIP}}, {@code ${DISK}}, {@code ${MOUNT}}, {@code ${NODE_APACHE_CONF}}, ...) plus
 * {@code ${NODES}} (the node list) and {@code ${FENCING}} (one {@code fence_vigil_netns} device
 * per node). {@link #close()} kills the agents, then takes the bed down, even if one step fails.
 */
final class BedCluster implements AutoCloseable {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private final HaBed bed;
    private final TestCluster agents;
    /** Whether {@link #close()} takes the bed down too (not when the bed is shared, {@link #on}). */
    private final boolean ownsBed;

    private BedCluster(HaBed bed, TestCluster agents, boolean ownsBed) {
        this.bed = bed;
        this.agents = agents;
        this.ownsBed = ownsBed;
    }

    /**
     * Brings up a bed of {@code nodes} nodes and writes the cluster file (in {@code dir}, with
     * the key, sockets, state and logs); no agent runs yet.
     */
    static BedCluster create(int nodes, Path dir, String template) throws IOException {
        return create(nodes, dir, template, false);
    }

    /** As {@link #create(int, Path, String)}; {@code hot}: each node's apache serves a local docroot. */
    static BedCluster create(int nodes, Path dir, String template, boolean hot) throws IOException {
        var bed = HaBed.up(nodes, hot);
        try {
            Files.createDirectories(dir);
            var prefixes = new LinkedHashMap<String, List<String>>();
            for (var n : bed.nodes()) {
                prefixes.put(n, bed.execPrefix(n));
            }
            return new BedCluster(bed, new TestCluster(dir, expand(template, bed, bed.nodes()), prefixes), true);
        } catch (IOException | RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    /**
     * A cluster of some of an existing bed's {@code nodes} (their {@code ${NODES}} and
     * {@code ${FENCING}}), so that tests can share one bed between clusters; {@link #close()}
     * leaves the bed up.
     */
    static BedCluster on(HaBed bed, List<String> nodes, Path dir, String template) throws IOException {
        Files.createDirectories(dir);
        var prefixes = new LinkedHashMap<String, List<String>>();
        for (var n : nodes) {
            prefixes.put(n, bed.execPrefix(n));
        }
        return new BedCluster(bed, new TestCluster(dir, expand(template, bed, nodes), prefixes), false);
    }

    /** The template with every placeholder replaced; an unknown one is an error, not left in the file. */
    static String expand(String template, HaBed bed) {
        return expand(template, bed, bed.nodes());
    }

    private static String expand(String template, HaBed bed, List<String> nodes) {
        Matcher m = PLACEHOLDER.matcher(template);
        var sb = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "NODES" -> nodesYaml(bed, nodes);
                case "FENCING" -> fencingYaml(bed, nodes);
                default -> bed.fact(m.group(1));
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String nodesYaml(HaBed bed, List<String> nodes) {
        var sb = new StringBuilder("nodes:\n");
        for (var n : nodes) {
            sb.append("  - {name: ").append(n).append(", address: ").append(bed.address(n)).append("}\n");
        }
        return sb.toString();
    }

    /**
     * Each node's power switch: fence_vigil_netns kills its processes, flushes its addresses and,
     * as a reboot would, unmounts what it mounted.
     */
    private static String fencingYaml(HaBed bed, List<String> nodes) {
        var sb = new StringBuilder("fencing:\n");
        for (var n : nodes) {
            sb.append("  - {id: power-").append(n).append(", agent: fence_vigil_netns, host_map: {")
                    .append(n).append(": ").append(n).append("}, timeout: 20s,\n")
                    .append("     params: {netns: ").append(bed.namespace(n)).append(", dev: eth0, address: ")
                    .append(bed.address(n)).append('/').append(bed.prefixLength())
                    .append(", mntns: ").append(bed.mountNamespace(n)).append("}}\n");
        }
        return sb.toString();
    }

    HaBed bed() {
        return bed;
    }

    TestCluster agents() {
        return agents;
    }

    void startAll() throws IOException {
        for (var n : nodes()) {
            agents.start(n);
        }
    }

    /** The cluster's nodes: the bed's, or those given to {@link #on}. */
    List<String> nodes() {
        return List.copyOf(agents.nodes());
    }

    Process start(String node) throws IOException {
        return agents.start(node);
    }

    Optional<StatusReport> status(String node) {
        return agents.status(node);
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
     * A node dies at once: SIGKILL to every process in its namespace (agent, apache, anything
     * a resource started), repeated until none is left (bounded), as a power cut would.
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
        var agent = agents.process(node);
        if (agent != null) {
            agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Runs {@code vigil ARGS... --socket <node's socket>} on the host; the CLI reaches the agent through its socket. */
    Commands.Result vigil(String node, Duration timeout, String... args) throws IOException {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--socket", agents.socket(node).toString()));
        return HaBed.run(cmd, timeout);
    }

    /** The page the client gets from the VIP right now: the serving node, or empty (no answer, no page). */
    Optional<String> servedBy(Duration timeout) {
        try {
            var secs = String.format(java.util.Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0);
            var r = bed.client(timeout.plusSeconds(5), "curl", "-s", "-m", secs, "http://" + bed.vip() + "/");
            var m = Pattern.compile("node=(ha\\d)").matcher(r.stdout());
            return r.exit() == 0 && m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Closes the agents and the bed, then checks that the bed left nothing on the host
     * (namespaces, loop devices, mounts, its directory).
     */
    void closeLeavingNothing() throws InterruptedException, IOException {
        close();
        org.assertj.core.api.Assertions.assertThat(bed.leftovers()).as("what bed %s left behind", bed.name()).isEmpty();
    }

    /**
     * Keeps a test's logs and cluster files in {@code target/<keepName>} (replacing what an
     * earlier run kept there), then removes its scratch directory.
     */
    static void keepLogsAndDelete(Path workDir, String keepName) throws IOException {
        var keep = Path.of("target", keepName).toAbsolutePath();
        deleteTree(keep);
        Files.createDirectories(keep);
        try (java.util.stream.Stream<Path> files = Files.list(workDir)) {
            for (var f : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, keep.resolve(f.getFileName()));
            }
        }
        deleteTree(workDir);
    }

    /**
     * Waits until two nodes are members of each other's view, {@code resource} runs on {@code holder}
     * as both see it, neither waits for anything or has actions pending, and only {@code holder}
     * holds the bed's VIP.
     */
    void awaitTwoNodesSettledOn(String holder, String resource, Duration within) {
        org.awaitility.Awaitility.await("both nodes up, " + resource + " on " + holder).atMost(within)
                .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    for (var n : List.of("ha1", "ha2")) {
                        var s = status(n);
                        org.assertj.core.api.Assertions.assertThat(s).as(() -> n + " answers (" + agents.describe(n) + ")").isPresent();
                        org.assertj.core.api.Assertions.assertThat(s.get().members()).as("%s's view", n)
                                .containsExactlyInAnyOrder("ha1", "ha2");
                        org.assertj.core.api.Assertions.assertThat(runningOn(n, resource))
                                .as("%s as %s sees it", resource, n).containsExactly(holder);
                        org.assertj.core.api.Assertions.assertThat(s.get().resources().waitingFor())
                                .as("%s waits for", n).isEmpty();
                        org.assertj.core.api.Assertions.assertThat(s.get().resources().pending())
                                .as("%s pending", n).isEmpty();
                    }
                    org.assertj.core.api.Assertions.assertThat(bed.vipHolders()).containsExactly(holder);
                });
    }

    /** Removes a directory and everything in it; nothing if it is not there. */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (var p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            agents.close();
        } finally {
            if (ownsBed) bed.close();
        }
    }
}
