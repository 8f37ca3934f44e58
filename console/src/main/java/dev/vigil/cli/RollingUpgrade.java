package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.cli.InstallCommand.NodeOutcome;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ResourceSpec;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code vigil install --upgrade}: a running cluster upgraded to a package one node at a time,
 * as an operator does it by hand with Pacemaker ({@code pcs node standby}, upgrade, {@code pcs
 * node unstandby}). It refuses to start unless the cluster is healthy ({@link #unhealthy}). Nodes
 * that run no resource go first, then the others, each in the cluster file's order, so services
 * move as few times as can be. Per node: standby (the coordinator moves its resources away and
 * answers once the cluster settled), the package installed as {@code vigil install} installs it,
 * the agent restarted (unless the package's postinst already did), every node seeing every other,
 * online, the cluster healthy again. A node already at the package's version is skipped. The first
 * node that does not come back stops the run: it stays in standby, the nodes after it keep the old
 * version, and the cluster goes on without it.
 */
final class RollingUpgrade {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CONFIG = " --config " + InstallCommand.NODE_CLUSTER_FILE;
    /**
     * Slack over what the configuration bounds: the coordinator's rounds, and a round of {@code
     * vigil status} over ssh on every node (a JVM start each: seconds on a loaded machine), which
     * {@link #awaitHealthy} pays only once one node's view is healthy.
     */
    private static final Duration SLACK = Duration.ofSeconds(60);
    /** A restarted agent's JVM start, which no setting bounds: a second or two on a quiet server, tens on a loaded VM. */
    private static final Duration AGENT_START = Duration.ofSeconds(60);

    private final ClusterConfig cluster;
    private final Map<String, Host> hosts;
    private final Map<String, String> unreachable;
    private final PrintWriter out;
    private final List<String> nodes;

    RollingUpgrade(ClusterConfig cluster, Map<String, Host> hosts, Map<String, String> unreachable, PrintWriter out) {
        this.cluster = cluster;
        this.hosts = hosts;
        this.unreachable = unreachable;
        this.out = out;
        this.nodes = cluster.nodeNames();
    }

    /** Exit code as {@code vigil install}'s: 0 every node upgraded and the cluster healthy, 1 otherwise. */
    int run(Path pkg, String version, boolean json) throws IOException, InterruptedException {
        var problems = new ArrayList<String>();
        unreachable.forEach((n, why) -> problems.add(n + ": unreachable: " + why));
        Map<String, String> installed = new LinkedHashMap<>();
        if (problems.isEmpty()) {
            for (var n : nodes) {
                var v = InstallCommand.installedVersion(hosts.get(n));
                installed.put(n, v);
                if (v.isEmpty()) {
                    problems.add(n + ": Vigil is not installed: run `vigil install` first");
                } else if (!v.equals(version) && hosts.get(n).shell("dpkg --compare-versions '" + v + "' gt '" + version + "'",
                        Duration.ofSeconds(30)).ok()) {
                    problems.add(n + ": has " + v + ", newer than the package's " + version + ": not downgraded");
                }
            }
        }
        var statuses = problems.isEmpty() ? statuses(nodes) : Map.<String, JsonNode>of();
        if (problems.isEmpty()) problems.addAll(unhealthy(statuses, nodes, Set.of()));
        if (!problems.isEmpty()) {
            report(json, problems, List.of(), Map.of(), Optional.empty(), List.of(), "");
            return 1;
        }
        var order = order(nodes, statuses.get(nodes.get(0)));
        Map<String, NodeOutcome> outcomes = new LinkedHashMap<>();
        Optional<String> stoppedAt = Optional.empty();
        for (var n : order) {
            if (stoppedAt.isPresent()) break;
            var outcome = installed.get(n).equals(version) ? new NodeOutcome(List.of(), Optional.empty()) : upgrade(n, pkg, version);
            outcomes.put(n, outcome);
            if (outcome.failure().isPresent()) stoppedAt = Optional.of(n);
        }
        // After a stop the others must still be healthy: the node left behind may be in standby or down.
        var others = stoppedAt.map(s -> nodes.stream().filter(n -> !n.equals(s)).toList()).orElse(nodes);
        var health = awaitHealthy(others, stoppedAt.map(Set::of).orElse(Set.of()), settleBound());
        var status = hosts.get(others.get(0)).shell("vigil status" + CONFIG, Duration.ofSeconds(30)).output();
        report(json, health, order, outcomes, stoppedAt, others, status);
        return stoppedAt.isEmpty() && health.isEmpty() ? 0 : 1;
    }

    /** One node, from standby to settled; the outcome's failure says where it stopped and what to do. */
    private NodeOutcome upgrade(String n, Path pkg, String version) throws InterruptedException {
        var host = hosts.get(n);
        var changes = new ArrayList<String>();
        boolean standby = false;
        try {
            long start = System.nanoTime();
            admin(host, "standby", n);
            standby = true;
            var stillHere = awaitEmpty(n, settleBound());
            if (!stillHere.isEmpty()) throw new IOException("in standby, but " + String.join(", ", stillHere) + " still run there");
            changes.add(String.format("standby: its resources moved (%.1f s)", (System.nanoTime() - start) / 1e9));
            var pid = mainPid(host);
            InstallCommand.ensurePackage(host, pkg, version).ifPresent(changes::add);
            var now = InstallCommand.installedVersion(host);
            if (!now.equals(version)) throw new IOException("apt-get succeeded but dpkg-query shows " + now);
            // The postinst restarts a running agent (try-restart); restart it here when it did not.
            if (mainPid(host).equals(pid)) InstallCommand.run(host, "systemctl restart vigil-agent.service");
            changes.add("agent restarted");
            var rejoin = cluster.timing().initdead().plus(cluster.timing().deadtime()).plus(AGENT_START).plus(SLACK);
            if (!InstallCommand.waitFormed(hosts, nodes, rejoin)) {
                throw new IOException("did not rejoin within " + rejoin.toSeconds() + " s: not every node sees every other"
                        + " (see `journalctl -u vigil-agent` on " + n + ")");
            }
            changes.add("rejoined: every node sees every other");
            admin(host, "online", n);
            standby = false;
            var left = awaitHealthy(nodes, Set.of(), settleBound());
            if (!left.isEmpty()) throw new IOException("online, but the cluster did not settle: " + String.join("; ", left));
            changes.add("online, resources settled");
            return new NodeOutcome(changes, Optional.empty());
        } catch (IOException e) {
            return new NodeOutcome(changes, Optional.of(e.getMessage() + (standby
                    ? "; " + n + " stays in standby: fix it, then `vigil node online " + n + "` and run the upgrade again"
                    : "")));
        }
    }

    /**
     * How long resources may take to move: each stopped on one node and started on another in
     * turn, within their configured timeouts, after a deadtime's worth of coordination.
     */
    Duration settleBound() {
        var bound = cluster.timing().deadtime().multipliedBy(2).plus(SLACK);
        if (cluster.resources() != null) {
            for (ResourceSpec r : cluster.resources().resources()) bound = bound.plus(r.stopTimeout()).plus(r.startTimeout());
        }
        return bound;
    }

    private static void admin(Host host, String verb, String node) throws IOException {
        InstallCommand.run(host, "vigil node " + verb + " " + node + CONFIG);
    }

    private static String mainPid(Host host) throws IOException {
        return host.shell("systemctl show -P MainPID vigil-agent.service", Duration.ofSeconds(30)).output().strip();
    }

    /** {@code vigil status --json} of each node that answers. */
    private Map<String, JsonNode> statuses(Collection<String> of) throws IOException {
        Map<String, JsonNode> statuses = new LinkedHashMap<>();
        for (var n : of) {
            var r = hosts.get(n).shell("vigil status --json" + CONFIG, Duration.ofSeconds(30));
            if (r.ok()) statuses.put(n, MAPPER.readTree(r.output()));
        }
        return statuses;
    }

    /** Until no resource runs on {@code node}; what still runs there when the bound passed. */
    private List<String> awaitEmpty(String node, Duration bound) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            var status = statuses(List.of(node)).get(node);
            var here = status == null ? List.of("(no status)") : runningOn(status, node);
            if (here.isEmpty() || System.nanoTime() > deadline) return here;
            Thread.sleep(1000);
        }
    }

    private List<String> awaitHealthy(List<String> expected, Set<String> mayStandBy, Duration bound)
            throws IOException, InterruptedException {
        return awaitHealthy(this::statuses, expected, mayStandBy, bound, Duration.ofSeconds(1));
    }

    /** Asks nodes for {@code vigil status --json}; the answers of those that answered. */
    interface Statuses {
        Map<String, JsonNode> of(Collection<String> nodes) throws IOException;
    }

    /**
     * Until {@link #unhealthy} has nothing to say; what it still says when the bound passed. Each
     * look costs a JVM start per node asked, so while waiting only the first expected node is
     * asked: its status holds its view of every peer and the cluster-wide state (quorum, pending
     * actions, standby, failures, transitions), which is what most waits are for. Only once that
     * one view is healthy is every node asked, and the verdict is that full round's, judged by the
     * same rules: a peer's differing view only costs another look.
     */
    static List<String> awaitHealthy(Statuses ask, List<String> expected, Set<String> mayStandBy, Duration bound,
                                     Duration pause) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        var one = List.of(expected.get(0));
        while (true) {
            boolean late = System.nanoTime() > deadline;
            if (late || unhealthy(ask.of(one), one, expected, mayStandBy).isEmpty()) {
                var problems = unhealthy(ask.of(expected), expected, mayStandBy);
                if (problems.isEmpty() || late) return problems;
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /** The resources a status shows started on {@code node}. */
    static List<String> runningOn(JsonNode status, String node) {
        var ids = new ArrayList<String>();
        for (var row : status.path("resources").path("resources")) {
            for (var on : row.path("runningOn")) {
                if (on.asText().equals(node)) ids.add(row.path("id").asText());
            }
        }
        return ids;
    }

    /** The upgrade order: nodes running no resource first, then the others; each in file order. */
    static List<String> order(List<String> nodes, JsonNode status) {
        var idle = nodes.stream().filter(n -> runningOn(status, n).isEmpty()).toList();
        var busy = nodes.stream().filter(n -> !runningOn(status, n).isEmpty()).toList();
        var order = new ArrayList<>(idle);
        order.addAll(busy);
        return order;
    }

    /**
     * Why the cluster is not healthy, as pcs would refuse a node upgrade: each expected node answers
     * and sees every other alive; the partition has quorum; no action pending nor the coordinator
     * waiting; no lost node, no maintenance mode; no failed action; no resource moving or active
     * twice; nobody in standby but {@code mayStandBy}. Empty when healthy.
     */
    static List<String> unhealthy(Map<String, JsonNode> statuses, List<String> expected, Set<String> mayStandBy) {
        return unhealthy(statuses, expected, expected, mayStandBy);
    }

    /**
     * As {@link #unhealthy(Map, List, Set)}, with only the nodes {@code asked} required to answer:
     * their views of every expected node, and the cluster-wide state, are judged.
     */
    static List<String> unhealthy(Map<String, JsonNode> statuses, List<String> asked, List<String> expected, Set<String> mayStandBy) {
        var problems = new ArrayList<String>();
        for (var n : asked) {
            var s = statuses.get(n);
            if (s == null) {
                problems.add(n + ": its agent does not answer `vigil status`");
                continue;
            }
            for (var peer : s.path("nodes")) {
                var name = peer.path("name").asText();
                if (expected.contains(name) && !peer.path("state").asText().equals("alive")) {
                    problems.add(n + " sees " + name + " " + peer.path("state").asText());
                }
            }
        }
        var any = asked.stream().map(statuses::get).filter(s -> s != null).findFirst();
        if (any.isEmpty()) return problems;
        var r = any.get().path("resources");
        if (r.isMissingNode() || r.isNull()) return problems;
        if (!r.path("quorate").asBoolean()) problems.add("no quorum: " + r.path("quorum").asText());
        if (r.path("maintenance").asBoolean()) problems.add("maintenance mode is on: `vigil maintenance off`");
        if (!r.path("waitingFor").asText("").isEmpty()) problems.add("the coordinator waits for " + r.path("waitingFor").asText());
        list(r.path("pending")).forEach(p -> problems.add("action pending: " + p));
        list(r.path("lost")).forEach(l -> problems.add("lost node " + l + " may still run something"));
        for (var n : list(r.path("standby"))) {
            if (!mayStandBy.contains(n)) problems.add(n + " is in standby: `vigil node online " + n + "` first");
        }
        for (var row : r.path("resources")) {
            var id = row.path("id").asText();
            row.path("failures").fields().forEachRemaining(f -> problems.add("failed action: " + id + " on " + f.getKey()
                    + " (" + f.getValue().asInt() + " failures): `vigil resource cleanup " + id + "`"));
            row.path("transitions").fields().forEachRemaining(t -> problems.add(id + " is " + t.getValue().asText() + " on " + t.getKey()));
            if (row.path("multipleActive").asBoolean()) problems.add(id + " is active on several nodes");
        }
        return problems;
    }

    private static List<String> list(JsonNode array) {
        var items = new ArrayList<String>();
        array.forEach(i -> items.add(i.asText()));
        return items;
    }

    private void report(boolean json, List<String> problems, List<String> order, Map<String, NodeOutcome> outcomes,
                        Optional<String> stoppedAt, List<String> healthyOf, String status) throws IOException {
        var notReached = order.stream().filter(n -> !outcomes.containsKey(n)).toList();
        if (json) {
            ObjectNode root = MAPPER.createObjectNode();
            problems.forEach(root.putArray("problems")::add);
            order.forEach(root.putArray("order")::add);
            var nodesJson = root.putObject("nodes");
            outcomes.forEach((n, o) -> {
                var node = nodesJson.putObject(n);
                o.changes().forEach(node.putArray("changes")::add);
                o.failure().ifPresent(f -> node.put("failure", f));
            });
            notReached.forEach(n -> nodesJson.putObject(n).put("skipped", "stopped at " + stoppedAt.orElse("")));
            if (stoppedAt.isPresent()) root.put("stoppedAt", stoppedAt.get()); else root.putNull("stoppedAt");
            root.put("changed", outcomes.values().stream().anyMatch(o -> !o.changes().isEmpty()));
            root.put("healthy", problems.isEmpty());
            out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            return;
        }
        if (order.isEmpty()) {
            out.println("the cluster is not healthy; nothing was upgraded:");
            problems.forEach(p -> out.println("  " + p));
            return;
        }
        out.println("order: " + String.join(", ", order) + " (nodes running no resource first)");
        outcomes.forEach((n, o) -> {
            if (o.changes().isEmpty() && o.failure().isEmpty()) out.println(n + ": up to date");
            o.changes().forEach(c -> out.println(n + ": " + c));
            o.failure().ifPresent(f -> out.println(n + ": FAILED: " + f));
        });
        notReached.forEach(n -> out.println(n + ": not upgraded (stopped at " + stoppedAt.orElse("") + ")"));
        var without = stoppedAt.map(s -> " without " + s).orElse("");
        if (problems.isEmpty()) {
            out.println("cluster healthy" + without + ": " + String.join(", ", healthyOf) + " see each other, resources settled");
        } else {
            out.println("cluster NOT healthy" + without + ":");
            problems.forEach(p -> out.println("  " + p));
        }
        out.print(status);
    }
}
