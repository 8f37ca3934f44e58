package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.GroupSpec;
import dev.vigil.config.OnFail;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.scheduler.AdminState.TemporaryConstraint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Vigil's policy engine: from the cluster's configuration and its last known state to the actions
 * that bring it where it should be. A pure function like Pacemaker's scheduler: no clock, no I/O,
 * the same input always gives the same plan, so any situation can be replayed from a file.
 *
 * <p>The phases, in order: fencing (lost and unclean nodes), probes (unknown states), failure
 * policies ({@code on_fail}), quorum, placement of each unit in dependency order (groups,
 * primitives, clone instances), actions per unit, restarts forced by ordering, and finally the
 * graph's edges and a serial order. See the scenario files under
 * {@code src/test/resources/scheduler-scenarios} for the behaviour, case by case.
 */
public final class Scheduler {

    /**
     * Stickiness with {@code auto_failback: false}: above every finite preference (so a group stays
     * where it is after a failover, as heartbeat users expect) but below a must, so an operator's
     * move (+INFINITY) still wins.
     */
    static final int NO_FAILBACK_STICKINESS = Scores.INFINITY - 1;

    public Plan plan(SchedulerInput input) {
        if (input.admin().maintenance()) {
            return new Plan(List.of(), Map.of(),
                    List.of("maintenance mode: every resource is left alone (no probes, starts or stops)"));
        }
        return new Run(input).plan();
    }

    private enum UnitType { PRIMITIVE, GROUP, CLONE }

    /** What is placed as a whole: a group, a standalone primitive, or a clone (each instance on its node). */
    private record Unit(String id, UnitType type, List<ResourceSpec> members, Optional<String> prefer) {
        boolean isClone() {
            return type == UnitType.CLONE;
        }
    }

    /** An action being built; its {@code after} set grows while edges are added. */
    private static final class Draft {
        final String id;
        final ActionKind kind;
        final Optional<String> resource;
        final String node;
        final String reason;
        final Set<String> after = new LinkedHashSet<>();

        Draft(String id, ActionKind kind, Optional<String> resource, String node, String reason) {
            this.id = id;
            this.kind = kind;
            this.resource = resource;
            this.node = node;
            this.reason = reason;
        }
    }

    /** One call of {@link #plan}: everything here lives only while that call runs. */
    private static final class Run {
        private final SchedulerInput in;
        private final ResourcesConfig cfg;
        private final Policy policy;
        private final List<String> nodeNames;
        private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
        private final boolean acting;
        private final boolean pingEnforced;
        private final List<Unit> units;
        private final Map<String, Unit> unitByName = new HashMap<>();
        private final Map<String, String> fences = new LinkedHashMap<>();
        private final Set<String> pending = new HashSet<>();
        private final Set<String> held = new HashSet<>();
        private final Set<String> disabled = new HashSet<>();
        private boolean stopAll;
        private final Map<String, List<String>> target = new HashMap<>();
        private final Map<String, Map<String, String>> whyNot = new HashMap<>();
        private final Map<String, String> stopWhy = new HashMap<>();
        private final Map<ResourceOnNode, String> stops = new LinkedHashMap<>();
        private final Map<ResourceOnNode, String> starts = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        Run(SchedulerInput in) {
            this.in = in;
            this.cfg = in.config();
            this.policy = cfg.policy();
            for (NodeInfo n : in.nodes()) {
                nodes.put(n.name(), n);
            }
            this.nodeNames = List.copyOf(nodes.keySet());
            this.acting = in.quorate() || policy.noQuorum() == Policy.NoQuorumPolicy.IGNORE;
            boolean someoneReachesPing = in.nodes().stream()
                    .anyMatch(n -> n.condition() == NodeCondition.ONLINE && !standby(n.name()) && n.pingOk());
            boolean anyOnline = in.nodes().stream().anyMatch(n -> n.condition() == NodeCondition.ONLINE);
            this.pingEnforced = !cfg.ping().isEmpty() && someoneReachesPing;
            if (!cfg.ping().isEmpty() && !someoneReachesPing && anyOnline) {
                notes.add("no node reaches a ping target: ping is ignored rather than stopping everything");
            }
            this.units = dependencyOrder(fileOrderUnits());
        }

        Plan plan() {
            decideFences();
            var probes = probes();
            applyFailurePolicies();
            applyQuorumPolicy();
            for (Unit u : units) {
                place(u);
            }
            for (Unit u : units) {
                if (!pending.contains(u.id()) && !held.contains(u.id())) {
                    actionsFor(u);
                }
            }
            propagateRestartsThroughOrders();
            return assemble(probes);
        }

        // ---- units ---------------------------------------------------------------------------

        private List<Unit> fileOrderUnits() {
            var result = new ArrayList<Unit>();
            for (ResourceSpec r : cfg.resources()) {
                Optional<GroupSpec> g = cfg.groupOf(r.id());
                if (g.isPresent()) {
                    if (!unitByName.containsKey(g.get().id())) {
                        var members = g.get().members().stream()
                                .map(m -> cfg.resource(m).orElseThrow(() -> new IllegalArgumentException(
                                        "group " + g.get().id() + " names unknown resource " + m)))
                                .toList();
                        var unit = new Unit(g.get().id(), UnitType.GROUP, members, g.get().prefer());
                        unitByName.put(unit.id(), unit);
                        members.forEach(m -> unitByName.put(m.id(), unit));
                        result.add(unit);
                    }
                } else {
                    var unit = new Unit(r.id(), r.cloned() ? UnitType.CLONE : UnitType.PRIMITIVE, List.of(r),
                            Optional.empty());
                    unitByName.put(r.id(), unit);
                    result.add(unit);
                }
            }
            return result;
        }

        private Unit unit(String name, Constraint c) {
            Unit u = unitByName.get(name);
            if (u == null) {
                throw new IllegalArgumentException("constraint " + c.id() + " names unknown resource or group " + name);
            }
            return u;
        }

        /** The units this one's placement or start depends on (colocation anchors, order firsts). */
        private List<Unit> dependencies(Unit u) {
            var deps = new ArrayList<Unit>();
            for (Constraint c : cfg.constraints()) {
                if (c instanceof Constraint.Colocation col && unit(col.target(), c) == u) {
                    deps.add(unit(col.with(), c));
                } else if (c instanceof Constraint.Order o && unit(o.then(), c) == u) {
                    deps.add(unit(o.first(), c));
                }
            }
            deps.removeIf(d -> d == u);
            return deps;
        }

        /** Anchors before the units that follow them; file order otherwise. */
        private List<Unit> dependencyOrder(List<Unit> fileOrder) {
            var placed = new LinkedHashSet<Unit>();
            var remaining = new ArrayList<>(fileOrder);
            while (!remaining.isEmpty()) {
                Unit next = remaining.stream().filter(u -> placed.containsAll(dependencies(u))).findFirst()
                        .orElse(null);
                if (next == null) {
                    next = remaining.get(0);
                    notes.add("colocation/order constraints form a cycle through " + remaining.stream()
                            .map(Unit::id).collect(Collectors.joining(", ")) + "; placed in file order");
                }
                placed.add(next);
                remaining.remove(next);
            }
            return List.copyOf(placed);
        }

        // ---- nodes and statuses ----------------------------------------------------------------

        private boolean standby(String node) {
            NodeInfo n = nodes.get(node);
            return (n != null && n.standby()) || in.admin().standby().contains(node);
        }

        /** Its statuses are facts: online and not about to be fenced. */
        private boolean trusted(String node) {
            return nodes.get(node).condition() == NodeCondition.ONLINE && !fences.containsKey(node);
        }

        private List<String> trustedNodes() {
            return nodeNames.stream().filter(this::trusted).toList();
        }

        private ResourceStatus status(ResourceSpec r, String node) {
            return in.status(r.id(), node);
        }

        private boolean healthy(ResourceSpec r, String node) {
            ResourceStatus s = status(r, node);
            return s == ResourceStatus.STARTED || (s == ResourceStatus.FAILED && r.onFail() == OnFail.IGNORE);
        }

        private boolean failed(ResourceSpec r, String node) {
            return status(r, node) == ResourceStatus.FAILED && r.onFail() != OnFail.IGNORE;
        }

        private boolean running(ResourceSpec r, String node) {
            return healthy(r, node) || failed(r, node);
        }

        private int failcount(ResourceSpec r, String node) {
            Failures f = in.failures().get(new ResourceOnNode(r.id(), node));
            if (f == null) {
                return 0;
            }
            boolean expired = !policy.failureTimeout().isZero()
                    && !in.now().isBefore(f.last().plus(policy.failureTimeout()));
            return expired ? 0 : f.count();
        }

        private List<String> inNodeOrder(Collection<String> names) {
            return nodeNames.stream().filter(names::contains).toList();
        }

        // ---- fencing, probes, failure policies, quorum ------------------------------------------

        private void decideFences() {
            if (!cfg.fencingConfigured() || !acting) {
                return;
            }
            var reasons = new HashMap<String, String>();
            for (String n : nodeNames) {
                if (nodes.get(n).condition() == NodeCondition.LOST) {
                    reasons.put(n, n + " lost");
                }
            }
            for (ResourceSpec r : cfg.resources()) {
                for (String n : nodeNames) {
                    if (nodes.get(n).condition() != NodeCondition.ONLINE) {
                        continue;
                    }
                    if (status(r, n) == ResourceStatus.STOP_FAILED) {
                        reasons.putIfAbsent(n, "stop of " + r.id() + " failed on " + n);
                    } else if (status(r, n) == ResourceStatus.FAILED && r.onFail() == OnFail.FENCE) {
                        reasons.putIfAbsent(n, r.id() + " failed on " + n + " (on_fail: fence)");
                    }
                }
            }
            for (String n : inNodeOrder(reasons.keySet())) {
                fences.put(n, reasons.get(n));
            }
        }

        private List<Draft> probes() {
            var result = new ArrayList<Draft>();
            for (ResourceSpec r : cfg.resources()) {
                for (String n : trustedNodes()) {
                    if (status(r, n) == ResourceStatus.UNKNOWN) {
                        result.add(new Draft(r.id() + ":probe@" + n, ActionKind.PROBE, Optional.of(r.id()), n,
                                "state unknown"));
                        pending.add(unitByName.get(r.id()).id());
                    }
                }
            }
            return result;
        }

        private void applyFailurePolicies() {
            for (ResourceSpec r : cfg.resources()) {
                String unit = unitByName.get(r.id()).id();
                for (String n : trustedNodes()) {
                    ResourceStatus s = status(r, n);
                    if (s == ResourceStatus.STOP_FAILED) {
                        held.add(unit);
                        notes.add("stop of " + r.id() + " failed on " + n + "; cannot be recovered without fencing"
                                + (cfg.fencingConfigured() ? " (fencing needs quorum)" : "")
                                + ": " + unit + " is left alone until an operator cleans it up");
                    } else if (s == ResourceStatus.FAILED) {
                        switch (r.onFail()) {
                            case FENCE -> {
                                held.add(unit);
                                notes.add(r.id() + " failed on " + n + " and on_fail is fence, but "
                                        + (cfg.fencingConfigured() ? "fencing needs quorum" : "no fencing is configured")
                                        + ": " + unit + " is left alone");
                            }
                            case BLOCK -> {
                                held.add(unit);
                                notes.add(r.id() + " failed on " + n + "; on_fail is block: " + unit
                                        + " is left alone until an operator cleans it up");
                            }
                            case STOP -> {
                                disabled.add(r.id());
                                notes.add(r.id() + " failed on " + n + "; on_fail is stop: it stays stopped until"
                                        + " an operator cleans it up");
                            }
                            default -> { }
                        }
                    }
                }
            }
        }

        private void applyQuorumPolicy() {
            if (acting) {
                return;
            }
            if (policy.noQuorum() == Policy.NoQuorumPolicy.FREEZE) {
                notes.add("no quorum (no_quorum: freeze): nothing is started, stopped or moved");
                units.forEach(u -> held.add(u.id()));
            } else {
                notes.add("no quorum (no_quorum: stop): every resource of this partition is stopped");
                stopAll = true;
            }
        }

        // ---- placement ---------------------------------------------------------------------

        /** Where the unit runs now on trusted nodes, for units the plan leaves alone. */
        private List<String> currentNodes(Unit u) {
            return trustedNodes().stream().filter(n -> u.members().stream().anyMatch(m -> running(m, n)
                    || status(m, n) == ResourceStatus.STOP_FAILED)).toList();
        }

        /** The node a non-clone unit runs on now: most members there, then file order. */
        private Optional<String> currentNode(Unit u, boolean trustedOnly) {
            String best = null;
            long bestCount = 0;
            for (String n : nodeNames) {
                if (trustedOnly && !trusted(n)) {
                    continue;
                }
                long count = u.members().stream().filter(m -> trustedOnly ? running(m, n) : wasRunning(m, n)).count();
                if (count > bestCount) {
                    best = n;
                    bestCount = count;
                }
            }
            return Optional.ofNullable(best);
        }

        /** Any node's report, trusted or not: for saying why something moves. */
        private boolean wasRunning(ResourceSpec r, String n) {
            ResourceStatus s = status(r, n);
            return s == ResourceStatus.STARTED || s == ResourceStatus.FAILED || s == ResourceStatus.STOP_FAILED;
        }

        private List<ResourceSpec> activeMembers(Unit u) {
            var result = new ArrayList<ResourceSpec>();
            for (ResourceSpec m : u.members()) {
                if (disabled.contains(m.id())) {
                    break;
                }
                result.add(m);
            }
            return result;
        }

        /** Nodes where a unit this one is colocated with will run healthily after the plan. */
        private List<String> anchorNodes(Unit w) {
            List<String> nodesOfW = target.getOrDefault(w.id(), List.of());
            if (w.isClone()) {
                ResourceSpec r = w.members().get(0);
                return nodesOfW.stream().filter(n -> !failed(r, n)).toList();
            }
            return nodesOfW;
        }

        private void place(Unit u) {
            var deps = dependencies(u);
            if (deps.stream().anyMatch(d -> pending.contains(d.id()))) {
                pending.add(u.id());
            }
            if (pending.contains(u.id())) {
                return;
            }
            if (held.contains(u.id())) {
                target.put(u.id(), currentNodes(u));
                return;
            }
            if (stopAll) {
                target.put(u.id(), List.of());
                stopWhy.put(u.id(), "no quorum (no_quorum: stop)");
                return;
            }
            List<ResourceSpec> active = activeMembers(u);
            if (active.isEmpty()) {
                target.put(u.id(), List.of());
                stopWhy.put(u.id(), u.members().get(0).id() + " failed (on_fail: stop)");
                return;
            }
            for (Constraint c : cfg.constraints()) {
                if (c instanceof Constraint.Order o && unit(o.then(), c) == u && unit(o.first(), c) != u
                        && target.getOrDefault(unit(o.first(), c).id(), List.of()).isEmpty()) {
                    target.put(u.id(), List.of());
                    String why = "starts after " + unit(o.first(), c).id() + ", which will not run";
                    stopWhy.put(u.id(), why);
                    notes.add(u.id() + " cannot run: it " + why);
                    return;
                }
            }
            Optional<String> current = u.isClone() ? Optional.empty() : currentNode(u, true);
            var reasons = new LinkedHashMap<String, String>();
            var scores = new LinkedHashMap<String, Integer>();
            for (String n : nodeNames) {
                String no = ineligible(u, active, n);
                if (no != null) {
                    reasons.put(n, no);
                } else {
                    scores.put(n, score(u, n, current));
                }
            }
            whyNot.put(u.id(), reasons);
            if (u.isClone()) {
                target.put(u.id(), List.copyOf(scores.keySet()));
            } else {
                String best = null;
                for (var e : scores.entrySet()) {
                    if (best == null || e.getValue() > scores.get(best)
                            || (e.getValue().equals(scores.get(best)) && current.equals(Optional.of(e.getKey())))) {
                        best = e.getKey();
                    }
                }
                target.put(u.id(), best == null ? List.of() : List.of(best));
            }
            if (target.get(u.id()).isEmpty()) {
                var distinct = new LinkedHashSet<>(reasons.values());
                stopWhy.put(u.id(), distinct.size() == 1 ? distinct.iterator().next() : "cannot run anywhere");
                notes.add(u.id() + " cannot run anywhere: " + String.join("; ", distinct));
            }
        }

        /** Why {@code u} must not run on {@code n}, or null when it may. */
        private String ineligible(Unit u, List<ResourceSpec> active, String n) {
            NodeInfo node = nodes.get(n);
            if (node.condition() == NodeCondition.OFFLINE) {
                return n + " offline";
            }
            if (node.condition() == NodeCondition.LOST) {
                return n + " lost";
            }
            if (fences.containsKey(n)) {
                return n + " fenced";
            }
            if (standby(n)) {
                return n + " in standby";
            }
            for (TemporaryConstraint t : in.admin().temporary()) {
                if (t.kind() == TemporaryConstraint.Kind.BAN && t.node().equals(n) && unitByName.get(t.target()) == u) {
                    return "banned from " + n;
                }
            }
            for (Constraint c : cfg.constraints()) {
                if (c instanceof Constraint.Location l && l.node().equals(n) && unit(l.target(), c) == u
                        && l.score() <= Scores.MINUS_INFINITY) {
                    return "location " + l.id() + " forbids " + n;
                }
            }
            if (pingEnforced && !u.isClone() && !node.pingOk()) {
                return n + " lost its ping targets";
            }
            int threshold = policy.migrationThreshold();
            for (ResourceSpec r : active) {
                int count = failcount(r, n);
                String of = u.type() == UnitType.GROUP ? " of " + r.id() : "";
                if (r.onFail() == OnFail.MOVE && (count > 0 || status(r, n) == ResourceStatus.FAILED)) {
                    return r.id() + " failed on " + n + " (on_fail: move)";
                }
                if (threshold > 0 && count >= threshold) {
                    return "failcount" + of + " " + count + " ≥ migration_threshold " + threshold + " on " + n;
                }
            }
            for (Constraint c : cfg.constraints()) {
                if (c instanceof Constraint.Colocation col && unit(col.target(), c) == u && unit(col.with(), c) != u) {
                    Unit w = unit(col.with(), c);
                    List<String> there = anchorNodes(w);
                    if (col.score() >= Scores.INFINITY && there.isEmpty()) {
                        return "needs " + w.id() + ", which will not run";
                    }
                    if (col.score() >= Scores.INFINITY && w.isClone() && failed(w.members().get(0), n)) {
                        return "needs " + w.id() + ", which failed on " + n;
                    }
                    if (col.score() >= Scores.INFINITY && !there.contains(n)) {
                        return "needs " + w.id() + ", not on " + n;
                    }
                    if (col.score() <= Scores.MINUS_INFINITY && there.contains(n)) {
                        return "avoids " + w.id() + " on " + n;
                    }
                }
            }
            return null;
        }

        private int score(Unit u, String n, Optional<String> current) {
            int s = 0;
            for (Constraint c : cfg.constraints()) {
                if (c instanceof Constraint.Location l && l.node().equals(n) && unit(l.target(), c) == u) {
                    s = Scores.add(s, l.score());
                } else if (c instanceof Constraint.Colocation col && unit(col.target(), c) == u
                        && Math.abs(col.score()) < Scores.INFINITY && anchorNodes(unit(col.with(), c)).contains(n)) {
                    s = Scores.add(s, col.score());
                }
            }
            if (movedTo(u).equals(Optional.of(n))) {
                s = Scores.add(s, Scores.INFINITY);
            }
            if (u.prefer().equals(Optional.of(n))) {
                s = Scores.add(s, policy.preferScore());
            }
            if (current.equals(Optional.of(n))) {
                s = Scores.add(s, policy.autoFailback() ? policy.stickiness() : NO_FAILBACK_STICKINESS);
            }
            return s;
        }

        private Optional<String> movedTo(Unit u) {
            return in.admin().temporary().stream()
                    .filter(t -> t.kind() == TemporaryConstraint.Kind.MOVE && unitByName.get(t.target()) == u)
                    .map(TemporaryConstraint::node).reduce((a, b) -> b);
        }

        // ---- actions -----------------------------------------------------------------------

        /** Why a non-clone unit arrives on {@code t}: the node it leaves and why, or that it was not running. */
        private String arriveReason(Unit u, String t) {
            Optional<String> prev = currentNode(u, false);
            if (prev.isEmpty() || prev.get().equals(t)) {
                return "not running";
            }
            return moveReason(u, prev.get(), t);
        }

        private String moveReason(Unit u, String from, String to) {
            String no = whyNot.getOrDefault(u.id(), Map.of()).get(from);
            if (no != null) {
                return nodes.get(from).condition() == NodeCondition.LOST ? "primary " + no : no;
            }
            if (movedTo(u).equals(Optional.of(to))) {
                return "moved to " + to + " by an operator";
            }
            if (u.prefer().equals(Optional.of(to))) {
                return "failback to preferred " + to;
            }
            return "higher score on " + to;
        }

        /** Why a unit's instance on {@code n} must go. */
        private String leaveReason(Unit u, ResourceSpec r, String n) {
            List<String> t = target.get(u.id());
            if (t.isEmpty()) {
                return stopWhy.getOrDefault(u.id(), "cannot run anywhere");
            }
            if (u.isClone()) {
                return whyNot.get(u.id()).getOrDefault(n, "not placed on " + n);
            }
            String to = t.get(0);
            if (running(r, to)) {
                return "multiple active; kept on " + to;
            }
            return moveReason(u, n, to);
        }

        private String failedReason(ResourceSpec r, String n) {
            return "failed on " + n + (r.onFail() == OnFail.RESTART ? "" : " (on_fail: " + r.onFail().configName() + ")");
        }

        private String recoverReason(ResourceSpec r, String n) {
            int threshold = policy.migrationThreshold();
            return "recover in place" + (threshold > 0
                    ? " (failcount " + failcount(r, n) + " < migration_threshold " + threshold + ")" : "");
        }

        private void stop(ResourceSpec r, String n, String reason) {
            stops.putIfAbsent(new ResourceOnNode(r.id(), n), reason);
        }

        private void start(ResourceSpec r, String n, String reason) {
            starts.putIfAbsent(new ResourceOnNode(r.id(), n), reason);
        }

        private void actionsFor(Unit u) {
            List<String> t = target.get(u.id());
            if (u.type() != UnitType.GROUP) {
                ResourceSpec r = u.members().get(0);
                for (String n : trustedNodes()) {
                    boolean wanted = t.contains(n);
                    if (failed(r, n)) {
                        stop(r, n, failedReason(r, n));
                        if (wanted) {
                            start(r, n, recoverReason(r, n));
                        }
                    } else if (healthy(r, n)) {
                        if (!wanted) {
                            stop(r, n, leaveReason(u, r, n));
                        }
                    } else if (wanted) {
                        start(r, n, u.isClone() ? "not running" : arriveReason(u, n));
                    }
                }
                return;
            }
            List<ResourceSpec> members = u.members();
            List<ResourceSpec> active = activeMembers(u);
            String to = t.isEmpty() ? null : t.get(0);
            for (String n : trustedNodes()) {
                if (n.equals(to)) {
                    continue;
                }
                for (int i = members.size() - 1; i >= 0; i--) {
                    ResourceSpec m = members.get(i);
                    if (failed(m, n)) {
                        stop(m, n, failedReason(m, n));
                    } else if (healthy(m, n)) {
                        stop(m, n, leaveReason(u, m, n));
                    }
                }
            }
            if (to == null) {
                return;
            }
            // The first member that is not healthy there restarts, and every member after it with it.
            int first = active.size();
            for (int i = 0; i < active.size(); i++) {
                if (!healthy(active.get(i), to)) {
                    first = i;
                    break;
                }
            }
            String cause = first < active.size() ? active.get(first).id() : null;
            for (int i = members.size() - 1; i >= first; i--) {
                ResourceSpec m = members.get(i);
                if (failed(m, to)) {
                    stop(m, to, failedReason(m, to));
                } else if (healthy(m, to)) {
                    stop(m, to, i < active.size() ? "restart with " + cause : stopWhyOfInactive(u));
                }
            }
            for (int i = first; i < active.size(); i++) {
                ResourceSpec m = active.get(i);
                if (failed(m, to)) {
                    start(m, to, recoverReason(m, to));
                } else if (healthy(m, to)) {
                    start(m, to, "restart with " + cause);
                } else {
                    start(m, to, arriveReason(u, to));
                }
            }
        }

        private String stopWhyOfInactive(Unit u) {
            return u.members().stream().filter(m -> disabled.contains(m.id())).findFirst()
                    .map(m -> "after " + m.id() + ", which failed (on_fail: stop)").orElse("not placed");
        }

        /**
         * "Then stops before first stops": a unit that stays where it runs must still stop and start
         * again when something it is ordered after stops. For a clone first, only the instance on
         * the same node counts (Pacemaker's interleave), or one instance's restart would bounce
         * everything ordered after the clone.
         */
        private void propagateRestartsThroughOrders() {
            for (int round = 0; round <= units.size(); round++) {
                boolean changed = false;
                for (Constraint c : cfg.constraints()) {
                    if (!(c instanceof Constraint.Order o)) {
                        continue;
                    }
                    Unit f = unit(o.first(), c);
                    Unit th = unit(o.then(), c);
                    if (f == th || pending.contains(th.id()) || held.contains(th.id())) {
                        continue;
                    }
                    for (String x : trustedNodes()) {
                        boolean firstStops = f.members().stream().anyMatch(m -> f.isClone()
                                ? stops.containsKey(new ResourceOnNode(m.id(), x))
                                : stops.keySet().stream().anyMatch(s -> s.resource().equals(m.id())));
                        List<ResourceSpec> staying = th.members().stream().filter(m -> running(m, x)
                                && !stops.containsKey(new ResourceOnNode(m.id(), x))).toList();
                        if (!firstStops || staying.isEmpty()) {
                            continue;
                        }
                        String why = "restart after " + f.id();
                        for (ResourceSpec m : th.members()) {
                            if (running(m, x)) {
                                stop(m, x, why);
                            }
                        }
                        if (target.getOrDefault(th.id(), List.of()).contains(x)) {
                            activeMembers(th).forEach(m -> start(m, x, why));
                        }
                        changed = true;
                    }
                }
                if (!changed) {
                    return;
                }
            }
        }

        // ---- the graph ---------------------------------------------------------------------

        private Plan assemble(List<Draft> probes) {
            var natural = new ArrayList<Draft>();
            for (var e : fences.entrySet()) {
                natural.add(new Draft(e.getKey() + ":fence", ActionKind.FENCE, Optional.empty(), e.getKey(),
                        e.getValue()));
            }
            natural.addAll(probes);
            var stopDrafts = new HashMap<ResourceOnNode, Draft>();
            var startDrafts = new HashMap<ResourceOnNode, Draft>();
            for (int i = units.size() - 1; i >= 0; i--) {
                for (ResourceSpec m : reversed(units.get(i).members())) {
                    for (String n : nodeNames) {
                        var key = new ResourceOnNode(m.id(), n);
                        if (stops.containsKey(key)) {
                            var d = new Draft(m.id() + ":stop@" + n, ActionKind.STOP, Optional.of(m.id()), n,
                                    stops.get(key));
                            stopDrafts.put(key, d);
                            natural.add(d);
                        }
                    }
                }
            }
            for (Unit u : units) {
                for (ResourceSpec m : u.members()) {
                    for (String n : nodeNames) {
                        var key = new ResourceOnNode(m.id(), n);
                        if (starts.containsKey(key)) {
                            var d = new Draft(m.id() + ":start@" + n, ActionKind.START, Optional.of(m.id()), n,
                                    starts.get(key));
                            startDrafts.put(key, d);
                            natural.add(d);
                        }
                    }
                }
            }
            addEdges(stopDrafts, startDrafts);
            return new Plan(serialize(natural), placement(), notes);
        }

        private static <T> List<T> reversed(List<T> list) {
            var copy = new ArrayList<>(list);
            java.util.Collections.reverse(copy);
            return copy;
        }

        private List<Draft> draftsOf(Map<ResourceOnNode, Draft> drafts, Unit u) {
            var ids = u.members().stream().map(ResourceSpec::id).collect(Collectors.toSet());
            return drafts.entrySet().stream().filter(e -> ids.contains(e.getKey().resource()))
                    .map(Map.Entry::getValue).toList();
        }

        private void addEdges(Map<ResourceOnNode, Draft> stopDrafts, Map<ResourceOnNode, Draft> startDrafts) {
            // A resource never runs twice: every start waits for its stops anywhere.
            for (var start : startDrafts.entrySet()) {
                for (var stop : stopDrafts.entrySet()) {
                    if (stop.getKey().resource().equals(start.getKey().resource())) {
                        start.getValue().after.add(stop.getValue().id);
                    }
                }
            }
            // Groups: start in order, stop in reverse, on each node.
            for (Unit u : units) {
                if (u.type() != UnitType.GROUP) {
                    continue;
                }
                List<ResourceSpec> ms = u.members();
                for (int i = 0; i < ms.size(); i++) {
                    for (int j = 0; j < i; j++) {
                        for (String n : nodeNames) {
                            Draft laterStart = startDrafts.get(new ResourceOnNode(ms.get(i).id(), n));
                            Draft earlierStart = startDrafts.get(new ResourceOnNode(ms.get(j).id(), n));
                            if (laterStart != null && earlierStart != null) {
                                laterStart.after.add(earlierStart.id);
                            }
                            Draft laterStop = stopDrafts.get(new ResourceOnNode(ms.get(i).id(), n));
                            Draft earlierStop = stopDrafts.get(new ResourceOnNode(ms.get(j).id(), n));
                            if (laterStop != null && earlierStop != null) {
                                earlierStop.after.add(laterStop.id);
                            }
                        }
                    }
                }
            }
            // Order constraints: then starts after first started; then stops before first stops.
            for (Constraint c : cfg.constraints()) {
                if (c instanceof Constraint.Order o) {
                    Unit f = unit(o.first(), c);
                    Unit th = unit(o.then(), c);
                    if (f == th) {
                        continue;
                    }
                    // A clone orders per node (Pacemaker's interleave): a start elsewhere must not wait
                    // for an instance that is being recovered, which may never come back.
                    for (Draft s : draftsOf(startDrafts, th)) {
                        draftsOf(startDrafts, f).stream().filter(p -> !f.isClone() || p.node.equals(s.node))
                                .forEach(p -> s.after.add(p.id));
                    }
                    for (Draft s : draftsOf(stopDrafts, f)) {
                        draftsOf(stopDrafts, th).stream().filter(p -> !f.isClone() || p.node.equals(s.node))
                                .forEach(p -> s.after.add(p.id));
                    }
                }
            }
            // Fencing: whatever the fenced node ran, or may have run, starts elsewhere only after it
            // is off; so do the things colocated with it.
            Map<String, Set<String>> fencesOf = new HashMap<>();
            for (Unit u : units) {
                for (String x : fences.keySet()) {
                    if (u.members().stream().anyMatch(m -> status(m, x) != ResourceStatus.STOPPED)) {
                        fencesOf.computeIfAbsent(u.id(), k -> new LinkedHashSet<>()).add(x);
                    }
                }
            }
            for (Unit u : units) { // dependency order: anchors are already complete
                for (Constraint c : cfg.constraints()) {
                    if (c instanceof Constraint.Colocation col && col.score() > 0 && unit(col.target(), c) == u) {
                        var inherited = fencesOf.getOrDefault(unit(col.with(), c).id(), Set.of());
                        if (!inherited.isEmpty()) {
                            fencesOf.computeIfAbsent(u.id(), k -> new LinkedHashSet<>()).addAll(inherited);
                        }
                    }
                }
                for (Draft s : draftsOf(startDrafts, u)) {
                    inNodeOrder(fencesOf.getOrDefault(u.id(), Set.of())).forEach(x -> s.after.add(x + ":fence"));
                }
            }
        }

        /**
         * A serial order that respects every edge, as close to the natural order (fences, probes,
         * stops, starts) as the edges allow; then each action keeps only the predecessors not
         * already implied by another, so that a plan reads like a short list of reasons.
         */
        private List<PlannedAction> serialize(List<Draft> natural) {
            var index = new HashMap<String, Integer>();
            for (int i = 0; i < natural.size(); i++) {
                index.put(natural.get(i).id, i);
            }
            for (Draft d : natural) {
                d.after.removeIf(p -> !index.containsKey(p) || p.equals(d.id));
            }
            var order = new ArrayList<Draft>();
            var done = new HashSet<String>();
            var remaining = new ArrayList<>(natural);
            while (!remaining.isEmpty()) {
                Draft next = remaining.stream().filter(d -> done.containsAll(d.after)).findFirst().orElse(null);
                if (next == null) {
                    next = remaining.get(0);
                    notes.add("ordering cycle at " + next.id + ": dropped its edges to " + next.after.stream()
                            .filter(p -> !done.contains(p)).sorted().collect(Collectors.joining(", ")));
                    next.after.retainAll(done);
                }
                order.add(next);
                done.add(next.id);
                remaining.remove(next);
            }
            var position = new HashMap<String, Integer>();
            var ancestors = new HashMap<String, Set<String>>();
            for (int i = 0; i < order.size(); i++) {
                Draft d = order.get(i);
                position.put(d.id, i);
                var anc = new HashSet<String>();
                for (String p : d.after) {
                    anc.add(p);
                    anc.addAll(ancestors.get(p));
                }
                ancestors.put(d.id, anc);
            }
            var result = new ArrayList<PlannedAction>();
            for (Draft d : order) {
                List<String> direct = d.after.stream()
                        .filter(p -> d.after.stream().noneMatch(q -> !q.equals(p) && ancestors.get(q).contains(p)))
                        .sorted(Comparator.comparing(position::get)).toList();
                result.add(new PlannedAction(d.id, d.kind, d.resource, d.node, direct, d.reason));
            }
            return result;
        }

        private Map<String, String> placement() {
            var result = new LinkedHashMap<String, String>();
            for (Unit u : units) {
                boolean untouched = pending.contains(u.id()) || held.contains(u.id());
                if (u.isClone()) {
                    ResourceSpec r = u.members().get(0);
                    List<String> where = untouched
                            ? trustedNodes().stream().filter(n -> healthy(r, n)).toList()
                            : target.getOrDefault(u.id(), List.of());
                    where.forEach(n -> result.put(r.id() + "@" + n, n));
                } else if (untouched) {
                    for (ResourceSpec m : u.members()) {
                        trustedNodes().stream().filter(n -> healthy(m, n)).findFirst()
                                .ifPresent(n -> result.put(m.id(), n));
                    }
                } else {
                    List<String> t = target.getOrDefault(u.id(), List.of());
                    if (!t.isEmpty()) {
                        activeMembers(u).forEach(m -> result.put(m.id(), t.get(0)));
                    }
                }
            }
            return result;
        }
    }
}
