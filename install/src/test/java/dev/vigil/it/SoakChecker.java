package dev.vigil.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The soak's checker: a history of what the bed did and the invariants over it.
 *
 * <p>A sampler thread looks every 10 ms, without a fork, at who holds the floating IP (each node's
 * {@code fib_trie}, read through a descriptor opened once in the node's network namespace: the read
 * shows the namespace's tables now, whatever process opened it and whether it still lives, so a node
 * whose agent was killed still shows the address it kept) and who has the promoted instance (each
 * node's own {@code /run}, where ClusterLabs' Stateful keeps its role). Two holders, or two promoted,
 * in one sample are a violation. A monitor thread (every 100 ms) notes agents' deaths with their
 * exit codes and the agents' fence log lines; one status thread per node polls the config version,
 * which must never go backwards on a node. {@link #judge} checks the rest at the end.
 */
final class SoakChecker implements AutoCloseable {
    /** FenceRunner's line when a fence is done: {@code fenced ha2 (reboot) with device power-ha2}. */
    private static final Pattern FENCED = Pattern.compile("^(\\S+) .*\\bfenced (\\S+) \\(\\w+\\) with device");
    /** NodeFencing's line when the coordinator decides: {@code fencing node ha2 (lost)}. */
    private static final Pattern FENCING = Pattern.compile("^(\\S+) .*\\bfencing node (\\S+) \\(([^)]*)\\)");

    record Event(long atMs, String what) {
        @Override
        public String toString() {
            return String.format("%9.3fs %s", atMs / 1000.0, what);
        }
    }

    /** An agent's death: its node, when, the exit code, and whether a nemesis killed it. */
    record Death(String node, long atMs, int exit, boolean byNemesis) {}

    /**
     * A fence as the fencer logged it, {@code done} or decided; {@code atMs} by the agent's clock
     * (the same machine's).
     */
    record Fence(String node, long atMs, String fencer, boolean done, String reason) {}

    private final long t0 = System.nanoTime();
    private final LocalDateTime wallAtStart = LocalDateTime.now();
    private final BedCluster cluster;
    private final List<String> nodes;
    private final String vip;
    private final Map<String, FileChannel> fibs = new HashMap<>();
    private final Map<String, Path> roles = new HashMap<>();
    private final List<Event> history = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<Death> deaths = new ArrayList<>();
    private final List<Fence> fences = new ArrayList<>();
    private final List<String> unexplained = new ArrayList<>();
    private final Map<String, Process> watched = new HashMap<>();
    private final java.util.Set<Process> nemesisKilled = new java.util.HashSet<>();
    private final java.util.Set<Process> seenDead = new java.util.HashSet<>();
    private final Map<String, Long> logOffsets = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile List<String> vipHolders = List.of();
    private volatile List<String> promoted = List.of();
    private long samples;

    SoakChecker(BedCluster cluster) throws IOException, InterruptedException {
        this.cluster = cluster;
        this.nodes = cluster.nodes();
        var bed = cluster.bed();
        this.vip = bed.vip();
        for (var n : nodes) {
            fibs.put(n, openFibTrie(bed, n));
            roles.put(n, bed.dir().resolve(n).resolve("run").resolve("Stateful-db.state"));
        }
        start("soak-sampler", this::sampleLoop);
        start("soak-monitor", this::monitorLoop);
        for (var n : nodes) {
            start("soak-status-" + n, () -> statusLoop(n));
        }
    }

    /**
     * A descriptor on {@code /proc/PID/net/fib_trie} of a short-lived process in the node's network
     * namespace: it stays bound to the namespace after the process exits (one fork per node, at start).
     */
    private static FileChannel openFibTrie(HaBed bed, String node) throws IOException, InterruptedException {
        var ns = Path.of("/run/netns", bed.namespace(node));
        var want = "net:[" + Files.getAttribute(ns, "unix:ino") + "]";
        var p = new ProcessBuilder("ip", "netns", "exec", bed.namespace(node), "sleep", "30").start();
        try {
            for (int i = 0; i < 500; i++) {
                try {
                    if (Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/ns/net")).toString().equals(want)) {
                        return FileChannel.open(Path.of("/proc/" + p.pid() + "/net/fib_trie"));
                    }
                } catch (IOException notYet) {
                    // The process is being exec'd.
                }
                Thread.sleep(10);
            }
            throw new IOException("no process entered " + ns + " within 5 s");
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void start(String name, Runnable loop) {
        var t = new Thread(loop, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    synchronized void record(String what) {
        history.add(new Event(now(), what));
    }

    synchronized void violation(String what) {
        violations.add(String.format("%.3fs %s", now() / 1000.0, what));
        history.add(new Event(now(), "VIOLATION " + what));
    }

    /** A nemesis is about to kill this agent: its death is expected. */
    synchronized void expectDeath(Process agent) {
        if (agent != null) nemesisKilled.add(agent);
    }

    List<String> vipHolders() {
        return vipHolders;
    }

    List<String> promoted() {
        return promoted;
    }

    synchronized long samples() {
        return samples;
    }

    private void sampleLoop() {
        List<String> lastVip = List.of();
        List<String> lastPromoted = List.of();
        while (running) {
            var holders = new ArrayList<String>();
            var prom = new ArrayList<String>();
            for (var n : nodes) {
                if (holdsVip(fibs.get(n))) holders.add(n);
                if (isPromoted(roles.get(n))) prom.add(n);
            }
            vipHolders = List.copyOf(holders);
            promoted = List.copyOf(prom);
            synchronized (this) {
                samples++;
            }
            if (!holders.equals(lastVip)) {
                record("vip on " + holders);
                if (holders.size() > 1) violation("two holders of the floating IP in one sample: " + holders);
                lastVip = holders;
            }
            if (!prom.equals(lastPromoted)) {
                record("db promoted on " + prom);
                if (prom.size() > 1) violation("two promoted instances in one sample: " + prom);
                lastPromoted = prom;
            }
            sleep(10);
        }
    }

    /** The VIP is a {@code /32 host LOCAL} entry of the namespace's tables while an interface holds it. */
    private boolean holdsVip(FileChannel fib) {
        String trie;
        try {
            var sb = new StringBuilder();
            var buf = ByteBuffer.allocate(16384);
            fib.position(0);
            while (fib.read(buf) > 0) {
                buf.flip();
                sb.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            trie = sb.toString();
        } catch (IOException e) {
            return false;
        }
        String entry = "-- " + vip + "\n";
        for (int at = trie.indexOf(entry); at >= 0; at = trie.indexOf(entry, at + 1)) {
            int lineEnd = trie.indexOf('\n', at + entry.length());
            if (trie.substring(at + entry.length(), lineEnd < 0 ? trie.length() : lineEnd).contains("/32 host LOCAL")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPromoted(Path stateFile) {
        try {
            return Files.readString(stateFile).strip().equals("Promoted");
        } catch (IOException e) {
            return false;
        }
    }

    private void monitorLoop() {
        while (running) {
            for (var n : nodes) {
                watchAgent(n);
                readFences(n);
            }
            sleep(100);
        }
    }

    private void watchAgent(String node) {
        var p = cluster.agents().process(node);
        if (p == null) return;
        synchronized (this) {
            if (watched.put(node, p) != p) {
                history.add(new Event(now(), "agent on " + node + " started (pid " + p.pid() + ")"));
            }
            if (!p.isAlive() && seenDead.add(p)) {
                boolean byNemesis = nemesisKilled.contains(p);
                deaths.add(new Death(node, now(), p.exitValue(), byNemesis));
                history.add(new Event(now(), "agent on " + node + " died, exit " + p.exitValue()
                        + (byNemesis ? " (nemesis)" : "")));
            }
        }
    }

    private void readFences(String node) {
        var log = cluster.agents().log(node);
        try (var ch = FileChannel.open(log)) {
            long from = logOffsets.getOrDefault(node, 0L);
            if (ch.size() <= from) return;
            var buf = ByteBuffer.allocate((int) Math.min(ch.size() - from, 1 << 20));
            ch.read(buf, from);
            var text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            int lastNl = text.lastIndexOf('\n');
            if (lastNl < 0) return;
            logOffsets.put(node, from + text.substring(0, lastNl + 1).getBytes(StandardCharsets.UTF_8).length);
            for (var line : text.substring(0, lastNl).split("\n")) {
                var done = FENCED.matcher(line);
                var decided = FENCING.matcher(line);
                if (done.find()) {
                    long at = parseTime(done.group(1)).orElse(now());
                    synchronized (this) {
                        fences.add(new Fence(done.group(2), at, node, true, ""));
                        history.add(new Event(at, node + " fenced " + done.group(2)));
                    }
                } else if (decided.find()) {
                    long at = parseTime(decided.group(1)).orElse(now());
                    synchronized (this) {
                        fences.add(new Fence(decided.group(2), at, node, false, decided.group(3)));
                        history.add(new Event(at, node + " fences " + decided.group(2) + " (" + decided.group(3) + ")"));
                    }
                } else if (line.contains("FENCING OF NODE")) {
                    synchronized (this) {
                        history.add(new Event(parseTime(line.split(" ")[0]).orElse(now()), node + ": " + line));
                    }
                }
            }
        } catch (IOException e) {
            // No log yet.
        }
    }

    private Optional<Long> parseTime(String stamp) {
        try {
            return Optional.of(Duration.between(wallAtStart, LocalDateTime.parse(stamp)).toMillis());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void statusLoop(String node) {
        while (running) {
            var p = cluster.agents().process(node);
            if (p != null && p.isAlive()) {
                cluster.status(node).ifPresent(s -> {
                    synchronized (this) {
                        long seen = versions.getOrDefault(node, 0L);
                        if (s.configVersion() < seen) {
                            violation("config rolled back on " + node + ": version " + s.configVersion()
                                    + " after " + seen);
                        } else if (s.configVersion() > seen) {
                            versions.put(node, s.configVersion());
                            history.add(new Event(now(), node + " runs config version " + s.configVersion()));
                        }
                    }
                });
            }
            sleep(500);
        }
    }

    /** The config version each node reported last (the highest, since it never went back). */
    synchronized Map<String, Long> versions() {
        return Map.copyOf(versions);
    }

    /**
     * The invariants over the whole history: every agent death was a nemesis's kill or a fence
     * (an exit other than SIGKILL's 137 is a crash), and every fence hit a node that had a fault
     * which may get it fenced, between its start and {@code grace} after its heal.
     */
    synchronized void judge(List<SoakNemesis.Executed> executed, Duration grace) {
        for (var d : deaths) {
            if (d.byNemesis()) continue;
            if (d.exit() != 137) {
                violation("agent on " + d.node() + " crashed at " + d.atMs() + " ms: exit " + d.exit());
            } else if (fences.stream().noneMatch(f -> f.node().equals(d.node())
                    && f.atMs() >= d.atMs() - 30_000 && f.atMs() <= d.atMs() + 30_000)) {
                // A decision counts: a node that fences itself (a stop of its own failed) dies
                // before it can log that the fence is done.
                violation("agent on " + d.node() + " was killed at " + d.atMs() + " ms, by neither a nemesis nor a fence");
            }
        }
        for (var f : fences) {
            if (f.done()) continue; // judged by its decision, which names the reason
            boolean qualifies = executed.stream().anyMatch(e -> e.fault().kind().mayFence()
                    && e.touched().contains(f.node()) && f.atMs() >= e.startMs()
                    && f.atMs() <= e.endMs() + grace.toMillis());
            if (qualifies) continue;
            var onlyShort = executed.stream().anyMatch(e -> e.fault().kind() == SoakSchedule.Kind.PAUSE_SHORT
                    && e.touched().contains(f.node()) && f.atMs() <= e.endMs() + grace.toMillis()
                    && f.atMs() >= e.startMs());
            String what = f.fencer() + " fenced " + f.node() + " (" + f.reason() + ") at " + f.atMs() + " ms";
            if (onlyShort) {
                violation(what + ", whose only fault was a pause shorter than deadtime");
            } else {
                // No fault at all: a false death (an agent starved on a loaded machine, a JVM
                // starting): reported and counted, not failed on, so a loaded CI is not flaky.
                unexplained.add(what);
                history.add(new Event(now(), "NOTICE " + what + " with no fault of its own in the window"));
            }
        }
    }

    /** Fences of nodes that had no fault at all (see {@link #judge}). */
    synchronized List<String> unexplainedFences() {
        return List.copyOf(unexplained);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized List<Fence> fences() {
        return List.copyOf(fences);
    }

    synchronized List<Death> deaths() {
        return List.copyOf(deaths);
    }

    /** The history {@code around} a moment: what a violation report prints. */
    synchronized String historyAround(long atMs, Duration around) {
        var sb = new StringBuilder();
        for (var e : history) {
            if (Math.abs(e.atMs() - atMs) <= around.toMillis()) sb.append("  ").append(e).append('\n');
        }
        return sb.toString();
    }

    synchronized String history() {
        var sb = new StringBuilder();
        history.stream().sorted(java.util.Comparator.comparingLong(Event::atMs))
                .forEach(e -> sb.append(e).append('\n'));
        return sb.toString();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (var t : threads) {
            t.interrupt();
            t.join(5000);
        }
        for (var ch : fibs.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing a procfs descriptor cannot lose anything.
            }
        }
    }
}
