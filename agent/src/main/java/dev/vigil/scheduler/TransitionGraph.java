package dev.vigil.scheduler;

import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The transition graph (Pacemaker's graph producer): the decided fences, probes, stops and starts
 * as actions in their natural order, the edges between them (a resource never runs twice, groups,
 * order constraints, fencing), a serial order that respects every edge, and the placement the plan
 * reaches.
 */
final class TransitionGraph {
    private final PlanningState s;
    private final FencingPhase fencing;
    private final OrderRule order;
    private final Promotion promotion;

    TransitionGraph(PlanningState s, FencingPhase fencing, OrderRule order, Promotion promotion) {
        this.s = s;
        this.fencing = fencing;
        this.order = order;
        this.promotion = promotion;
    }

    Plan assemble(List<Draft> probes) {
        var natural = new ArrayList<Draft>(fencing.drafts());
        natural.addAll(probes);
        var stopDrafts = new HashMap<ResourceOnNode, Draft>();
        var startDrafts = new HashMap<ResourceOnNode, Draft>();
        var promoteDrafts = new HashMap<ResourceOnNode, Draft>();
        var demoteDrafts = new HashMap<ResourceOnNode, Draft>();
        roleDrafts(s.demotes, ActionKind.DEMOTE, demoteDrafts, natural);
        for (int i = s.units.size() - 1; i >= 0; i--) {
            for (ResourceSpec m : reversed(s.units.get(i).members())) {
                for (String n : s.facts.nodeNames) {
                    var key = new ResourceOnNode(m.id(), n);
                    if (s.stops.containsKey(key)) {
                        var d = new Draft(m.id() + ":stop@" + n, ActionKind.STOP, Optional.of(m.id()), n,
                                s.stops.get(key));
                        stopDrafts.put(key, d);
                        natural.add(d);
                    }
                }
            }
        }
        for (Unit u : s.units) {
            for (ResourceSpec m : u.members()) {
                for (String n : s.facts.nodeNames) {
                    var key = new ResourceOnNode(m.id(), n);
                    if (s.starts.containsKey(key)) {
                        var d = new Draft(m.id() + ":start@" + n, ActionKind.START, Optional.of(m.id()), n,
                                s.starts.get(key));
                        startDrafts.put(key, d);
                        natural.add(d);
                    }
                }
            }
        }
        roleDrafts(s.promotes, ActionKind.PROMOTE, promoteDrafts, natural);
        addEdges(stopDrafts, startDrafts, promoteDrafts, demoteDrafts);
        new Notifications(s).add(natural, stopDrafts, startDrafts, promoteDrafts, demoteDrafts);
        return new Plan(serialize(natural), placement(), s.notes, promoted());
    }

    /** Promotes or demotes, in unit and node order. */
    private void roleDrafts(Map<ResourceOnNode, String> decided, ActionKind kind, Map<ResourceOnNode, Draft> drafts,
                            List<Draft> natural) {
        for (Unit u : s.units) {
            for (String n : s.facts.nodeNames) {
                var key = new ResourceOnNode(u.members().get(0).id(), n);
                if (decided.containsKey(key)) {
                    Draft d = Promotion.draft(key, kind, decided.get(key));
                    drafts.put(key, d);
                    natural.add(d);
                }
            }
        }
    }

    /** The promoted instances once the plan is carried out, {@code id@node}. */
    private List<String> promoted() {
        var result = new ArrayList<String>();
        for (Unit u : s.units) {
            ResourceSpec r = u.members().get(0);
            if (!r.isPromotable()) {
                continue;
            }
            List<String> where = s.pending.contains(u.id())
                    ? s.facts.trustedNodes().stream().filter(n -> s.facts.promoted(r, n)).toList()
                    : s.promotedTarget.getOrDefault(u.id(), List.of());
            where.forEach(n -> result.add(r.id() + "@" + n));
        }
        return result;
    }

    private static <T> List<T> reversed(List<T> list) {
        var copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    /** The drafts of {@code u}'s members, on any node. */
    static List<Draft> draftsOf(Map<ResourceOnNode, Draft> drafts, Unit u) {
        var ids = u.members().stream().map(ResourceSpec::id).collect(Collectors.toSet());
        return drafts.entrySet().stream().filter(e -> ids.contains(e.getKey().resource()))
                .map(Map.Entry::getValue).toList();
    }

    private void addEdges(Map<ResourceOnNode, Draft> stopDrafts, Map<ResourceOnNode, Draft> startDrafts,
                          Map<ResourceOnNode, Draft> promoteDrafts, Map<ResourceOnNode, Draft> demoteDrafts) {
        // A resource never runs twice: every start waits for its stops anywhere.
        for (var start : startDrafts.entrySet()) {
            for (var stop : stopDrafts.entrySet()) {
                if (stop.getKey().resource().equals(start.getKey().resource())) {
                    start.getValue().after.add(stop.getValue().id);
                }
            }
        }
        // Groups: start in order, stop in reverse, on each node.
        for (Unit u : s.units) {
            if (u.type() != Unit.Type.GROUP) {
                continue;
            }
            List<ResourceSpec> ms = u.members();
            for (int i = 0; i < ms.size(); i++) {
                for (int j = 0; j < i; j++) {
                    for (String n : s.facts.nodeNames) {
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
        order.addEdges(stopDrafts, startDrafts, promoteDrafts, demoteDrafts);
        fencing.addEdges(startDrafts);
        promotion.addEdges(stopDrafts, startDrafts, promoteDrafts, demoteDrafts);
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
        var serial = new ArrayList<Draft>();
        var done = new HashSet<String>();
        var remaining = new ArrayList<>(natural);
        while (!remaining.isEmpty()) {
            Draft next = remaining.stream().filter(d -> done.containsAll(d.after)).findFirst().orElse(null);
            if (next == null) {
                next = remaining.get(0);
                s.notes.add("ordering cycle at " + next.id + ": dropped its edges to " + next.after.stream()
                        .filter(p -> !done.contains(p)).sorted().collect(Collectors.joining(", ")));
                next.after.retainAll(done);
            }
            serial.add(next);
            done.add(next.id);
            remaining.remove(next);
        }
        var position = new HashMap<String, Integer>();
        var ancestors = new HashMap<String, Set<String>>();
        for (int i = 0; i < serial.size(); i++) {
            Draft d = serial.get(i);
            position.put(d.id, i);
            var anc = new HashSet<String>();
            for (String p : d.after) {
                anc.add(p);
                anc.addAll(ancestors.get(p));
            }
            ancestors.put(d.id, anc);
        }
        var result = new ArrayList<PlannedAction>();
        for (Draft d : serial) {
            List<String> direct = d.after.stream()
                    .filter(p -> d.after.stream().noneMatch(q -> !q.equals(p) && ancestors.get(q).contains(p)))
                    .sorted(Comparator.comparing(position::get)).toList();
            result.add(new PlannedAction(d.id, d.kind, d.resource, d.node, direct, d.reason, d.meta));
        }
        return result;
    }

    private Map<String, String> placement() {
        var result = new LinkedHashMap<String, String>();
        for (Unit u : s.units) {
            boolean untouched = s.pending.contains(u.id()) || s.held.contains(u.id());
            if (u.isClone()) {
                ResourceSpec r = u.members().get(0);
                List<String> where = untouched
                        ? s.facts.trustedNodes().stream().filter(n -> s.facts.healthy(r, n)).toList()
                        : s.target.getOrDefault(u.id(), List.of());
                where.forEach(n -> result.put(r.id() + "@" + n, n));
            } else if (untouched) {
                for (ResourceSpec m : u.members()) {
                    s.facts.trustedNodes().stream().filter(n -> s.facts.healthy(m, n)).findFirst()
                            .ifPresent(n -> result.put(m.id(), n));
                }
            } else {
                List<String> t = s.target.getOrDefault(u.id(), List.of());
                if (!t.isEmpty()) {
                    s.activeMembers(u).forEach(m -> result.put(m.id(), t.get(0)));
                }
            }
        }
        return result;
    }
}
