package dev.vigil.coordination;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.fencing.FenceAction;
import dev.vigil.fencing.FenceReport;
import dev.vigil.membership.MembershipEvent;
import dev.vigil.membership.MembershipView;
import dev.vigil.resources.LocalResourceManager;
import dev.vigil.resources.ResourceExecutor;
import dev.vigil.scheduler.Scheduler;
import dev.vigil.testing.FakeClock;
import dev.vigil.testing.StateFileAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Several {@link Coordination}s in one JVM with real resource managers (the StateFile agent) and
 * the real scheduler. The test is the network (it carries each node's extensions to the nodes it
 * can reach, on every change and on a heartbeat-like beat) and the membership (it hands each node
 * its views). Fencing goes through a {@link RecordingFencer}.
 */
final class TestNet implements AutoCloseable {
    /** A node's parts; {@code incarnation} grows when the test restarts it. */
    final class Node {
        final String name;
        final long incarnation;
        final ResourceExecutor executor;
        final LocalResourceManager lrm;
        final Coordination coordination;
        long viewNumber;

        Node(String name, long incarnation) throws Exception {
            this.name = name;
            this.incarnation = incarnation;
            executor = new ResourceExecutor(agent.settings());
            var holder = new AtomicReference<Coordination>();
            lrm = new LocalResourceManager(name, config.resources(), executor, Clock.systemUTC(), () -> {
                var c = holder.get();
                if (c != null) c.onLocalChange();
            });
            var stateDir = Files.createDirectories(dir.resolve("node-state").resolve(name));
            coordination = new Coordination(name, incarnation, config, lrm, new Scheduler()::plan, fencer,
                    () -> true, Clock.systemUTC(), monotonic, stateDir, () -> deliverFrom(name));
            holder.set(coordination);
        }

        private boolean closed;

        synchronized void close() {
            if (closed) return;
            closed = true;
            coordination.close();
            lrm.close();
            executor.close();
        }
    }

    /** Records every fence and answers as told; can hold a fence until released. */
    static final class RecordingFencer implements Coordination.Fencer {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** The priority delay each fence was asked to wait, in call order. */
        final List<java.time.Duration> delays = new CopyOnWriteArrayList<>();
        final List<String> finished = new CopyOnWriteArrayList<>();
        final AtomicBoolean succeed = new AtomicBoolean(true);
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public FenceReport fence(String node, java.time.Duration delay) {
            delays.add(delay);
            calls.add(node);
            try {
                gate.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean ok = succeed.get();
            finished.add(node + (ok ? " fenced" : " failed"));
            return new FenceReport(node, FenceAction.REBOOT, ok, List.of());
        }
    }

    final Path dir;
    final StateFileAgent agent;
    final ClusterConfig config;
    final FakeClock monotonic = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    final RecordingFencer fencer = new RecordingFencer();
    final Map<String, Node> nodes = new ConcurrentHashMap<>();
    /** Pairs that hear each other, as "a>b" (a's packets reach b). */
    private final Set<String> links = ConcurrentHashMap.newKeySet();
    private final List<Node> retired = new ArrayList<>();
    private final Set<String> dead = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "test-net-beat");
        t.setDaemon(true);
        return t;
    });

    /** @param yamlTail the cluster file from {@code resources:} on; nodes ha1..haN are added here */
    TestNet(Path dir, int nodeCount, String yamlTail) throws Exception {
        this.dir = dir;
        this.agent = new StateFileAgent(dir);
        var key = dir.resolve("authkey");
        Files.writeString(key, "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var yaml = new StringBuilder("cluster: t\nauth: {keyfile: authkey}\ntiming: {preset: fast}\nnodes:\n");
        for (int i = 1; i <= nodeCount; i++) {
            yaml.append("  - {name: ha").append(i).append(", address: 127.0.0.").append(40 + i).append("}\n");
        }
        yaml.append("links: [{type: udp, mode: unicast}]\n")
                .append(yamlTail.replace("STATEDIR", agent.stateDir().toString()));
        config = ConfigLoader.load(yaml.toString(), dir.resolve("cluster.yaml"));
        beat.scheduleWithFixedDelay(() -> nodes.keySet().forEach(this::deliverFrom), 50, 50, TimeUnit.MILLISECONDS);
    }

    /** Starts every node, all hearing each other, each with the full view. */
    TestNet startAll() throws Exception {
        for (var n : config.nodeNames()) {
            nodes.put(n, new Node(n, 1000));
        }
        for (var a : nodes.keySet()) {
            for (var b : nodes.keySet()) {
                if (!a.equals(b)) links.add(a + ">" + b);
            }
        }
        for (var n : nodes.values()) {
            n.coordination.start();
        }
        for (var n : nodes.values()) {
            for (var peer : nodes.keySet()) {
                if (!peer.equals(n.name)) {
                    view(n.name, MembershipEvent.Kind.JOINED, peer, nodes.keySet());
                }
            }
        }
        return this;
    }

    /** Nodes whose agent runs (not killed). */
    Set<String> alive() {
        var out = new java.util.TreeSet<>(nodes.keySet());
        out.removeAll(dead);
        return out;
    }

    /** Stops carrying {@code from}'s packets to {@code to} (one way). */
    void cut(String from, String to) {
        links.remove(from + ">" + to);
    }

    Node node(String name) {
        return nodes.get(name);
    }

    Coordination coordination(String name) {
        return nodes.get(name).coordination;
    }

    /** Tells {@code observer} that {@code subject} changed as {@code kind}, leaving it with {@code members}. */
    void view(String observer, MembershipEvent.Kind kind, String subject, Collection<String> members) {
        var n = nodes.get(observer);
        var m = new TreeMap<String, Long>();
        for (var member : members) {
            m.put(member, nodes.get(member).incarnation);
        }
        n.viewNumber++;
        n.coordination.onMembership(new MembershipEvent(kind, subject, nodes.get(subject).incarnation, n.viewNumber,
                Instant.now()), new MembershipView(n.viewNumber, m));
    }

    /** Cuts every link between the two sides, both ways. */
    void partition(Collection<String> side, Collection<String> otherSide) {
        for (var a : side) {
            for (var b : otherSide) {
                links.remove(a + ">" + b);
                links.remove(b + ">" + a);
            }
        }
    }

    void heal(Collection<String> side, Collection<String> otherSide) {
        for (var a : side) {
            for (var b : otherSide) {
                links.add(a + ">" + b);
                links.add(b + ">" + a);
            }
        }
    }

    /**
     * The node's agent dies (kill -9): it is silent from now on and the others declare it dead.
     * Its resources keep "running" (their state files stay), as a real service would.
     */
    void kill(String name) {
        var others = new HashSet<>(nodes.keySet());
        others.remove(name);
        partition(List.of(name), others);
        dead.add(name);
        nodes.get(name).coordination.close();
        for (var o : others) {
            var members = new HashSet<>(others);
            view(o, MembershipEvent.Kind.DEAD, name, members);
        }
    }

    /** The node's agent starts again with a new incarnation and everyone sees it join. */
    void restart(String name) throws Exception {
        var old = nodes.get(name);
        old.close();
        dead.remove(name);
        var fresh = new Node(name, old.incarnation + 1);
        nodes.put(name, fresh);
        for (var o : nodes.keySet()) {
            if (!o.equals(name)) heal(List.of(name), List.of(o));
        }
        fresh.coordination.start();
        for (var o : nodes.keySet()) {
            if (!o.equals(name)) {
                view(o, MembershipEvent.Kind.JOINED, name, nodes.keySet());
                view(name, MembershipEvent.Kind.JOINED, o, nodes.keySet());
            }
        }
    }

    private void deliverFrom(String from) {
        var sender = nodes.get(from);
        if (sender == null) return;
        var ext = sender.coordination.outgoing();
        for (var to : nodes.values()) {
            if (!to.name.equals(from) && links.contains(from + ">" + to.name)) {
                to.coordination.onExtensions(from, ext);
            }
        }
    }

    /** Where each resource's state file exists: resource → nodes. */
    Map<String, Set<String>> running(String... resources) {
        var out = new LinkedHashMap<String, Set<String>>();
        for (var r : resources) {
            var where = new java.util.TreeSet<String>();
            for (var n : config.nodeNames()) {
                if (agent.running(n, r)) where.add(n);
            }
            out.put(r, where);
        }
        return out;
    }

    String describe() {
        var sb = new StringBuilder();
        for (var n : new TreeMap<>(nodes).values()) {
            var s = n.coordination.status();
            sb.append(n.name).append(": coordinator=").append(s.coordinator()).append(" waiting='").append(s.waitingFor())
                    .append("' inFlight=").append(s.inFlight()).append(" plan=").append(s.plan().actions().stream()
                            .map(a -> a.id()).toList()).append(" notes=").append(s.plan().notes())
                    .append(" quorum=").append(s.quorum()).append(" lrm=").append(n.lrm.describeAll()).append('\n');
        }
        sb.append("log: ").append(agent.log()).append('\n');
        sb.append("fencer: ").append(fencer.calls).append(' ').append(fencer.finished).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        beat.shutdownNow();
        for (var n : nodes.values()) {
            n.close();
        }
        for (var n : retired) {
            n.close();
        }
    }
}
