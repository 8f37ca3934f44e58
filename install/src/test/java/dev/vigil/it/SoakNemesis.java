package dev.vigil.it;

import dev.vigil.it.SoakSchedule.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The soak's nemeses (Jepsen's word): each fault of a {@link SoakSchedule} done to the bed and
 * healed. Processes are killed and paused by PID; network faults are nftables rules in a table of
 * the nodes' own namespaces ({@code inet vigil_soak}), so the host's ruleset is never touched; a
 * flapping link is {@code ip link set eth0 down/up} from a thread of its own.
 */
final class SoakNemesis {
    /** A fault as done: the nodes it actually touched (a holder resolved) and when, by the checker's clock. */
    record Executed(Fault fault, List<String> touched, long startMs, long endMs) {
        Executed healedAt(long ms) {
            return new Executed(fault, touched, startMs, ms);
        }
    }

    private static final String TABLE = "vigil_soak";
    private static final Duration CMD = Duration.ofSeconds(20);

    private final BedCluster cluster;
    private final SoakChecker checker;
    private final Path workDir;
    private final List<String> nodes;
    private Thread flapper;
    private volatile boolean flapping;
    private final java.util.concurrent.atomic.AtomicLong attempted = new java.util.concurrent.atomic.AtomicLong(1);
    private final java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong(1);
    private final List<Thread> applies = new java.util.concurrent.CopyOnWriteArrayList<>();

    SoakNemesis(BedCluster cluster, SoakChecker checker, Path workDir) {
        this.cluster = cluster;
        this.checker = checker;
        this.workDir = workDir;
        this.nodes = cluster.nodes();
    }

    /** Does {@code f}; what it touched, or empty if there was nothing to do (no holder, no agent). */
    Optional<Executed> apply(Fault f) throws IOException, InterruptedException {
        var bed = cluster.bed();
        List<String> touched = f.targets();
        switch (f.kind()) {
            case KILL_AGENT -> {
                var p = cluster.agents().process(touched.get(0));
                if (p == null || !p.isAlive()) return Optional.empty();
                checker.expectDeath(p);
                p.destroyForcibly();
            }
            case KILL_NODE -> {
                var p = cluster.agents().process(touched.get(0));
                checker.expectDeath(p);
                cluster.killNode(touched.get(0));
            }
            case PAUSE_SHORT, PAUSE_LONG -> {
                var p = cluster.agents().process(touched.get(0));
                if (p == null || !p.isAlive()) return Optional.empty();
                signal("STOP", p.pid());
            }
            case KILL_WEB -> {
                var holder = webHolder();
                if (holder.isEmpty()) return Optional.empty();
                touched = List.of(holder.get().node());
                // The whole server dies: its workers too, which would otherwise keep port 80 and
                // fail every start after (killed first, so none is forked again meanwhile).
                ProcessHandle.of(holder.get().pid()).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                });
            }
            case HUNG_STOP -> {
                var holder = nodes.stream().filter(n -> Files.exists(rscTmp(n).resolve("SoakHang-hang"))).findFirst();
                if (holder.isEmpty()) return Optional.empty();
                touched = List.of(holder.get());
                Files.writeString(rscTmp(holder.get()).resolve("SoakHang.hang"), "soak\n");
            }
            case PARTITION -> {
                var cut = f.targets();
                var rest = nodes.stream().filter(n -> !cut.contains(n)).toList();
                for (var n : cut) drop(n, rest);
                for (var n : rest) drop(n, cut);
                touched = nodes;
            }
            case BRIDGE -> {
                // targets = [A, B, C]: A sees both, B and C lose each other.
                drop(touched.get(1), List.of(touched.get(2)));
                drop(touched.get(2), List.of(touched.get(1)));
            }
            case LOSS -> nft(touched.get(0), "add table inet " + TABLE + "\n"
                    + "table inet " + TABLE + " {\n"
                    + "  chain input { type filter hook input priority 0; policy accept; numgen random mod 100 < 30 drop; }\n"
                    + "  chain output { type filter hook output priority 0; policy accept; numgen random mod 100 < 30 drop; }\n"
                    + "}\n");
            case FLAP -> startFlapping(touched.get(0), f.period());
            case CONFIG_APPLY -> {
                return Optional.of(applyConfig(f));
            }
        }
        long now = checker.now();
        checker.record("nemesis: " + f.kind() + " on " + f.targets() + (touched.equals(f.targets()) ? "" : " (" + touched + ")")
                + " for " + f.duration().toMillis() + " ms");
        return Optional.of(new Executed(f, touched, now, now));
    }

    /** Heals {@code e}; a killed agent is started again by the soak's reviver, not here. */
    Executed heal(Executed e) throws IOException, InterruptedException {
        switch (e.fault().kind()) {
            case PAUSE_SHORT, PAUSE_LONG -> {
                var p = cluster.agents().process(e.touched().get(0));
                if (p != null && p.isAlive()) signal("CONT", p.pid());
            }
            case HUNG_STOP -> Files.deleteIfExists(rscTmp(e.touched().get(0)).resolve("SoakHang.hang"));
            case PARTITION, BRIDGE, LOSS -> {
                for (var n : e.touched()) {
                    // The table may be gone already (a node's namespace outlives a fence; nothing else removes it).
                    HaBed.run(List.of("ip", "netns", "exec", cluster.bed().namespace(n), "nft", "delete", "table",
                            "inet", TABLE), CMD);
                }
            }
            case FLAP -> stopFlapping(e.touched().get(0));
            default -> {
                // Kills are healed by starting the agent again; a killed web server by the agent.
            }
        }
        checker.record("nemesis: healed " + e.fault().kind() + " on " + e.touched());
        return e.healedAt(checker.now());
    }

    /** The node's own /run/resource-agents (HA_RSCTMP), as the host sees it. */
    Path rscTmp(String node) {
        return cluster.bed().dir().resolve(node).resolve("run").resolve("resource-agents");
    }

    record WebProcess(String node, long pid) {}

    /** The node whose apache runs (its pid file names a live process), if one does. */
    Optional<WebProcess> webHolder() {
        for (var n : nodes) {
            var pid = webPid(n);
            if (pid.isPresent()) return Optional.of(new WebProcess(n, pid.get()));
        }
        return Optional.empty();
    }

    /** The nodes whose apache runs. */
    List<String> webRunningOn() {
        return nodes.stream().filter(n -> webPid(n).isPresent()).toList();
    }

    private Optional<Long> webPid(String node) {
        try {
            long pid = Long.parseLong(Files.readString(cluster.bed().apachePidFile(node)).strip());
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z' ? Optional.empty() : Optional.of(pid);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The nodes where the hung-stop resource is started (its state file in the node's /run). */
    List<String> hangRunningOn() {
        return nodes.stream().filter(n -> Files.exists(rscTmp(n).resolve("SoakHang-hang"))).toList();
    }

    /** {@code node} drops every packet from and to {@code peers}' addresses. */
    private void drop(String node, List<String> peers) throws IOException {
        var set = String.join(", ", peers.stream().map(p -> cluster.bed().address(p)).toList());
        nft(node, "add table inet " + TABLE + "\n"
                + "table inet " + TABLE + " {\n"
                + "  chain input { type filter hook input priority 0; policy accept; ip saddr { " + set + " } drop; }\n"
                + "  chain output { type filter hook output priority 0; policy accept; ip daddr { " + set + " } drop; }\n"
                + "}\n");
    }

    private void nft(String node, String rules) throws IOException {
        var file = Files.writeString(workDir.resolve("nft-" + node + ".rules"), rules);
        var r = HaBed.run(List.of("ip", "netns", "exec", cluster.bed().namespace(node), "nft", "-f", file.toString()), CMD);
        if (r.exit() != 0) throw new IOException("nft on " + node + ": " + r.all() + "\n" + rules);
    }

    private void startFlapping(String node, Duration period) {
        flapping = true;
        flapper = new Thread(() -> {
            boolean down = false;
            // Bounded by the heal; each toggle is one fork, a few per second.
            while (flapping) {
                down = !down;
                try {
                    HaBed.run(List.of("ip", "-n", cluster.bed().namespace(node), "link", "set", "eth0", down ? "down" : "up"), CMD);
                    Thread.sleep(period.toMillis());
                } catch (IOException e) {
                    checker.record("flap on " + node + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-flap-" + node);
        flapper.setDaemon(true);
        flapper.start();
    }

    private void stopFlapping(String node) throws IOException, InterruptedException {
        flapping = false;
        if (flapper != null) {
            flapper.interrupt();
            flapper.join(30_000);
        }
        cluster.bed().restoreLink(node);
    }

    /**
     * An operator's change: the same file with the next version, applied through the first node
     * whose agent runs, on a thread of its own (on a loaded machine it can take a minute, and the
     * schedule goes on meanwhile). Refused (no quorum, a member away) is an outcome, not a
     * violation; applied, its version must never be lost.
     */
    private Executed applyConfig(Fault f) throws IOException {
        var file = cluster.agents().configFile();
        long next = attempted.incrementAndGet();
        var text = Pattern.compile("(?m)^version: \\d+$").matcher(Files.readString(file)).replaceFirst("version: " + next);
        var candidate = Files.writeString(workDir.resolve("cluster-v" + next + ".yaml"), text);
        var via = nodes.stream().filter(n -> {
            var p = cluster.agents().process(n);
            return p != null && p.isAlive();
        }).findFirst();
        long now = checker.now();
        if (via.isEmpty()) {
            checker.record("config apply v" + next + ": no agent runs");
            return new Executed(f, List.of(), now, now);
        }
        var t = new Thread(() -> {
            try {
                var r = cluster.vigil(via.get(), Duration.ofSeconds(90), "config", "apply", candidate.toString());
                if (r.exit() == 0) applied.accumulateAndGet(next, Math::max);
                checker.record("config apply v" + next + " through " + via.get() + ": exit " + r.exit() + " "
                        + r.all().strip().replace('\n', ' '));
            } catch (IOException e) {
                checker.record("config apply v" + next + " through " + via.get() + ": " + e.getMessage());
            }
        }, "soak-config-apply");
        t.setDaemon(true);
        t.start();
        applies.add(t);
        return new Executed(f, List.of(), now, now);
    }

    /** Waits for the applies still running (each bounded by its command's timeout). */
    void awaitApplies() throws InterruptedException {
        for (var t : applies) t.join(120_000);
    }

    /** The highest version a {@code vigil config apply} succeeded with (1: the first file). */
    long appliedVersion() {
        return applied.get();
    }

    /** The highest version tried: an apply that timed out may have reached some nodes. */
    long attemptedVersion() {
        return attempted.get();
    }

    /** Heals what may be left: every table removed, every link up, every agent resumed. */
    void healAll() throws IOException, InterruptedException {
        for (var n : nodes) {
            stopFlapping(n);
            HaBed.run(List.of("ip", "netns", "exec", cluster.bed().namespace(n), "nft", "delete", "table", "inet", TABLE), CMD);
            Files.deleteIfExists(rscTmp(n).resolve("SoakHang.hang"));
            var p = cluster.agents().process(n);
            if (p != null && p.isAlive()) signal("CONT", p.pid());
        }
    }

    private static void signal(String sig, long pid) throws IOException {
        HaBed.run(List.of("kill", "-" + sig, Long.toString(pid)), CMD);
    }
}
