package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.ResourceSpec;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Where each unit will run: the nodes it may not use and why (node facts, then the rules in a
 * fixed order, the first reason winning), a score on each node it may use, and the best of them
 * (a clone takes every node it may use). Units are placed in dependency order, so the rules can
 * read their anchors' targets.
 */
final class Placement {
    private final PlanningState s;
    private final NodeFacts facts;
    private final LocationRule location;
    private final ColocationRule colocation;
    private final OrderRule order;
    private final OperatorRule operator;
    private final FailurePolicies failures;

    Placement(PlanningState s, LocationRule location, ColocationRule colocation, OrderRule order,
              OperatorRule operator, FailurePolicies failures) {
        this.s = s;
        this.facts = s.facts;
        this.location = location;
        this.colocation = colocation;
        this.order = order;
        this.operator = operator;
        this.failures = failures;
    }

    /** Sets {@code u}'s target, and when it cannot run, why. */
    void place(Unit u) {
        var deps = s.dependencies(u);
        if (deps.stream().anyMatch(d -> s.pending.contains(d.id()))) {
            s.pending.add(u.id());
        }
        if (s.pending.contains(u.id())) {
            return;
        }
        if (s.held.contains(u.id())) {
            s.target.put(u.id(), facts.currentNodes(u));
            return;
        }
        if (s.stopAll) {
            s.target.put(u.id(), List.of());
            s.stopWhy.put(u.id(), "no quorum (no_quorum: stop)");
            return;
        }
        List<ResourceSpec> active = s.activeMembers(u);
        if (active.isEmpty()) {
            s.target.put(u.id(), List.of());
            s.stopWhy.put(u.id(), u.members().get(0).id() + " failed (on_fail: stop)");
            return;
        }
        String why = order.whyCannotStart(u);
        if (why != null) {
            s.target.put(u.id(), List.of());
            s.stopWhy.put(u.id(), why);
            s.notes.add(u.id() + " cannot run: it " + why);
            return;
        }
        Optional<String> current = u.isClone() ? Optional.empty() : facts.currentNode(u, true);
        var reasons = new LinkedHashMap<String, String>();
        var scores = new LinkedHashMap<String, Integer>();
        for (String n : facts.nodeNames) {
            String no = ineligible(u, active, n);
            if (no != null) {
                reasons.put(n, no);
            } else {
                scores.put(n, score(u, n, current));
            }
        }
        s.whyNot.put(u.id(), reasons);
        if (u.isClone()) {
            s.target.put(u.id(), List.copyOf(scores.keySet()));
        } else {
            String best = null;
            for (var e : scores.entrySet()) {
                if (best == null || e.getValue() > scores.get(best)
                        || (e.getValue().equals(scores.get(best)) && current.equals(Optional.of(e.getKey())))) {
                    best = e.getKey();
                }
            }
            s.target.put(u.id(), best == null ? List.of() : List.of(best));
        }
        if (s.target.get(u.id()).isEmpty()) {
            var distinct = new LinkedHashSet<>(reasons.values());
            s.stopWhy.put(u.id(), distinct.size() == 1 ? distinct.iterator().next() : "cannot run anywhere");
            s.notes.add(u.id() + " cannot run anywhere: " + String.join("; ", distinct));
        }
    }

    /**
     * Why {@code u} must not run on {@code n}, or null when it may. The first reason found is the
     * one shown, so the order of the checks is part of the output.
     */
    private String ineligible(Unit u, List<ResourceSpec> active, String n) {
        NodeInfo node = facts.node(n);
        if (node.condition() == NodeCondition.OFFLINE) {
            return n + " offline";
        }
        if (node.condition() == NodeCondition.LOST) {
            return n + " lost";
        }
        if (s.fences.containsKey(n)) {
            return n + " fenced";
        }
        if (facts.standby(n)) {
            return n + " in standby";
        }
        String no = operator.forbids(u, n);
        if (no == null) {
            no = location.forbids(u, n);
        }
        if (no == null && s.pingEnforced && !u.isClone() && !node.pingOk()) {
            no = n + " lost its ping targets";
        }
        if (no == null) {
            no = failures.forbids(u, active, n);
        }
        if (no == null) {
            no = colocation.forbids(u, n);
        }
        return no;
    }

    /**
     * Location and finite colocation scores in file order (the arithmetic saturates, so the order
     * is kept as it always was), then an operator's move, the group's preference and stickiness.
     */
    private int score(Unit u, String n, Optional<String> current) {
        int sc = 0;
        for (Constraint c : s.cfg.constraints()) {
            if (c instanceof Constraint.Location l && location.applies(l, u, n)) {
                sc = Scores.add(sc, l.score());
            } else if (c instanceof Constraint.Colocation col && colocation.applies(col, u, n)) {
                sc = Scores.add(sc, col.score());
            }
        }
        sc = operator.addMove(sc, u, n);
        sc = location.addPreference(sc, u, n);
        if (current.equals(Optional.of(n))) {
            sc = Scores.add(sc, s.policy.autoFailback() ? s.policy.stickiness() : Scheduler.NO_FAILBACK_STICKINESS);
        }
        return sc;
    }
}
