package dev.vigil.it;

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
import java.util.concurrent.TimeUnit;

/**
 * A cluster of real agent processes started through {@code bin/vigil}, for integration tests.
 * Each node runs under an optional command prefix (e.g. {@code ip netns exec vn1}); everything
 * it started is stopped by {@link #close()}, by PID.
 */
final class TestCluster implements AutoCloseable {
    private final Path dir;
    private final Path configFile;
    private final Map<String, List<String>> prefixes;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<Process> allStarted = new ArrayList<>();

    /**
     * @param dir      a scratch directory (key, config, sockets, state, logs)
     * @param yaml     the cluster file body; {@code KEYFILE} is replaced by the key's path
     * @param prefixes per node, the command prefix to run it under (empty list for none)
     */
    TestCluster(Path dir, String yaml, Map<String, List<String>> prefixes) throws IOException {
        this.dir = dir;
        this.prefixes = prefixes;
        var key = dir.resolve("authkey");
        Files.writeString(key, "integration-test-key-" + System.nanoTime() + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        configFile = dir.resolve("cluster.yaml");
        Files.writeString(configFile, yaml.replace("KEYFILE", key.toString()));
    }

    /** The nodes given a command prefix, in order (the nodes this cluster can start). */
    java.util.Set<String> nodes() {
        return prefixes.keySet();
    }

    /**
     * How long the tests wait for agents they just started to answer and hear each other: a JVM's
     * start on a loaded machine (one took 60 s at a load of 49), so a wait, never a measure.
     */
    static final Duration AGENTS_UP = Duration.ofSeconds(120);

    Path configFile() {
        return configFile;
    }

    Path socket(String node) {
        return dir.resolve(node + ".sock");
    }

    Path log(String node) {
        return dir.resolve(node + ".log");
    }

    Process start(String node, String... extraEnv) throws IOException {
        var cmd = new ArrayList<>(prefixes.getOrDefault(node, List.of()));
        cmd.addAll(List.of(VigilHome.launcher().toString(), "agent", "--config", configFile.toString(),
                "--node", node, "--socket", socket(node).toString(),
                "--state-dir", dir.resolve("state").resolve(node).toString()));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(node).toFile()));
        for (int i = 0; i + 1 < extraEnv.length; i += 2) {
            pb.environment().put(extraEnv[i], extraEnv[i + 1]);
        }
        var p = pb.start();
        processes.put(node, p);
        allStarted.add(p);
        return p;
    }

    Process process(String node) {
        return processes.get(node);
    }

    /**
     * For a failure message: whether {@code node}'s agent process lives (or how it ended) and the
     * last lines of its log, so that a CI log that keeps only the failure still says why.
     */
    String describe(String node) {
        var p = processes.get(node);
        String process = p == null ? "never started" : p.isAlive() ? "pid " + p.pid() + " alive" : "pid " + p.pid() + " exited " + p.exitValue();
        String tail;
        try {
            var lines = Files.readAllLines(log(node));
            tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
        } catch (IOException e) {
            tail = "no log: " + e.getMessage();
        }
        return node + "'s agent " + process + "; its log ends: " + tail;
    }

    /** kill -9: the node dies without a word. */
    void kill(String node) throws InterruptedException {
        var p = processes.get(node);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: the agent announces that it leaves. */
    void terminate(String node) throws InterruptedException {
        var p = processes.get(node);
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    Optional<StatusReport> status(String node) {
        try {
            return Optional.of(new ControlClient(socket(node)).status());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> stateOf(StatusReport report, String node) {
        return report.nodes().stream().filter(n -> n.name().equals(node)).map(StatusReport.NodeReport::state).findFirst();
    }

    /** The state {@code observer} reports for {@code node}, or empty if the observer does not answer. */
    Optional<String> stateSeenBy(String observer, String node) {
        return status(observer).flatMap(r -> stateOf(r, node));
    }

    /**
     * When {@code node} first logged a line containing {@code text}, by the agent's own clock
     * (the log pattern starts with an ISO local date-time). Measures the agent's own latency,
     * free of the time a test spends polling status sockets on a busy machine.
     */
    java.util.Optional<java.time.LocalDateTime> firstLogged(String node, String text) throws IOException {
        return Files.readAllLines(log(node)).stream().filter(l -> l.contains(text) && l.matches("\\d{4}-.*")).findFirst()
                .map(l -> java.time.LocalDateTime.parse(l.substring(0, l.indexOf(' '))));
    }

    String logs() {
        var sb = new StringBuilder();
        for (var node : processes.keySet()) {
            try {
                sb.append("---- ").append(node).append(" ----\n").append(Files.readString(log(node)));
            } catch (IOException e) {
                sb.append("(no log for ").append(node).append(")\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (var p : allStarted) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        for (var p : allStarted) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
