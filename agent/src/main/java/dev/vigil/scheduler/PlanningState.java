package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.GroupSpec;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import java.util.ArrayList;
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
 * Everything one call of {@link Scheduler#plan} knows and decides, shared by its phases and rules:
 * the input, the units in dependency order, and the decisions as they are made (fences, units left
 * alone, targets, stops and starts with their reasons, notes). It lives only while that call runs.
 *
 * <p>Fields are package-visible and mutable on purpose: the phases run one after another in the
 * order {@link Scheduler#plan} gives, each reading what the earlier ones decided.
 */
final class PlanningState {
    final SchedulerInput in;
    final ResourcesConfig cfg;
    final Policy policy;
    final NodeFacts facts;
    /** Quorate, or {@code no_quorum: ignore}: fencing and moves may happen. */
    final boolean acting;
    /** Ping targets are configured and some node that could run resources reaches one. */
    final boolean pingEnforced;
    /** Placed in this order: anchors and firsts before the units that depend on them. */
    final List<Unit> units;
    private final Map<String, Unit> unitByName = new HashMap<>();

    /** node → why it is fenced, in node order. */
    final Map<String, String> fences = new LinkedHashMap<>();
    /** Units waiting for probes (of their own or of a unit they depend on): not touched. */
    final Set<String> pending = new HashSet<>();
    /** Units held where they are (a failed stop, on_fail block or fence without fencing, freeze). */
    final Set<String> held = new HashSet<>();
    /** Resources that stay stopped by {@code on_fail: stop}; a group runs only the members before the first. */
    final Set<String> disabled = new HashSet<>();
    /** No quorum and {@code no_quorum: stop}. */
    boolean stopAll;
    /** unit → the nodes it will run on (one, except clones). */
    final Map<String, List<String>> target = new HashMap<>();
    /** unit → node → why it may not run there. */
    final Map<String, Map<String, String>> whyNot = new HashMap<>();
    /** unit → why it will not run at all. */
    final Map<String, String> stopWhy = new HashMap<>();
    final Map<ResourceOnNode, String> stops = new LinkedHashMap<>();
    final Map<ResourceOnNode, String> starts = new LinkedHashMap<>();
    /** Promotable unit → the nodes where its instance will be promoted ({@link Promotion}). */
    final Map<String, List<String>> promotedTarget = new HashMap<>();
    /** Promotable unit → node → its usable promotion score there. */
    final Map<String, Map<String, Integer>> promotionScores = new HashMap<>();
    final Map<ResourceOnNode, String> promotes = new LinkedHashMap<>();
    final Map<ResourceOnNode, String> demotes = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    PlanningState(SchedulerInput in) {
        this.in = in;
        this.cfg = in.config();
        this.policy = cfg.policy();
        this.facts = new NodeFacts(in, fences);
        this.acting = in.quorate() || policy.noQuorum() == Policy.NoQuorumPolicy.IGNORE;
        boolean someoneReachesPing = in.nodes().stream()
                .anyMatch(n -> n.condition() == NodeCondition.ONLINE && !facts.standby(n.name()) && n.pingOk());
        boolean anyOnline = in.nodes().stream().anyMatch(n -> n.condition() == NodeCondition.ONLINE);
        this.pingEnforced = !cfg.ping().isEmpty() && someoneReachesPing;
        if (!cfg.ping().isEmpty() && !someoneReachesPing && anyOnline) {
            notes.add("no node reaches a ping target: ping is ignored rather than stopping everything");
        }
        this.units = dependencyOrder(fileOrderUnits());
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
                    var unit = new Unit(g.get().id(), Unit.Type.GROUP, members, g.get().prefer());
                    unitByName.put(unit.id(), unit);
                    members.forEach(m -> unitByName.put(m.id(), unit));
                    result.add(unit);
                }
            } else {
                var unit = new Unit(r.id(), r.cloned() ? Unit.Type.CLONE : Unit.Type.PRIMITIVE, List.of(r),
                        Optional.empty());
                unitByName.put(r.id(), unit);
                result.add(unit);
            }
        }
        return result;
    }

    /** The unit a resource or group id belongs to; null when there is none. */
    Unit unitOf(String id) {
        return unitByName.get(id);
    }

    /** The unit a constraint names; a name the configuration does not know is a bug upstream. */
    Unit unit(String name, Constraint c) {
        Unit u = unitByName.get(name);
        if (u == null) {
            throw new IllegalArgumentException("constraint " + c.id() + " names unknown resource or group " + name);
        }
        return u;
    }

    /** The units this one's placement or start depends on (colocation anchors, order firsts). */
    List<Unit> dependencies(Unit u) {
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

    /** The members that may run: those before the first one disabled by {@code on_fail: stop}. */
    List<ResourceSpec> activeMembers(Unit u) {
        var result = new ArrayList<ResourceSpec>();
        for (ResourceSpec m : u.members()) {
            if (disabled.contains(m.id())) {
                break;
            }
            result.add(m);
        }
        return result;
    }

    // ---- decisions -------------------------------------------------------------------------

    /** The first reason given for a stop wins. */
    void stop(ResourceSpec r, String n, String reason) {
        stops.putIfAbsent(new ResourceOnNode(r.id(), n), reason);
    }

    /** The first reason given for a start wins. */
    void start(ResourceSpec r, String n, String reason) {
        starts.putIfAbsent(new ResourceOnNode(r.id(), n), reason);
    }
}
