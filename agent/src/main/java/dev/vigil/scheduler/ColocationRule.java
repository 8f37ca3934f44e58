package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.Role;
import java.util.List;

/**
 * Colocation constraints: with an infinite score a unit must (or, negative, must not) run where
 * its anchor runs after the plan; a finite score adds to the nodes where the anchor runs. Anchors
 * are placed first (see {@link PlanningState#dependencies}), so their targets are known here.
 */
final class ColocationRule {
    private final PlanningState s;
    private final Promotion promotion;

    ColocationRule(PlanningState s, Promotion promotion) {
        this.s = s;
        this.promotion = promotion;
    }

    /** Nodes where {@code w} will run healthily in {@code role} after the plan. */
    List<String> anchorNodes(Unit w, Role role) {
        List<String> nodesOfW = promotion.nodesIn(w, role);
        if (w.isClone()) {
            ResourceSpec r = w.members().get(0);
            return nodesOfW.stream().filter(n -> !s.facts.failed(r, n)).toList();
        }
        return nodesOfW;
    }

    /** Why a mandatory colocation keeps {@code u} off {@code n}, or null. */
    String forbids(Unit u, String n) {
        for (Constraint c : s.cfg.constraints()) {
            if (c instanceof Constraint.Colocation col && s.unit(col.target(), c) == u
                    && s.unit(col.with(), c) != u) {
                Unit w = s.unit(col.with(), c);
                List<String> there = anchorNodes(w, col.withRole());
                String role = col.withRole() == Role.STARTED ? "" : " " + col.withRole().configName();
                if (col.score() >= Scores.INFINITY && there.isEmpty()) {
                    return "needs " + w.id() + role + (role.isEmpty() ? ", which will not run" : ", which no node will be");
                }
                if (col.score() >= Scores.INFINITY && w.isClone() && s.facts.failed(w.members().get(0), n)) {
                    return "needs " + w.id() + ", which failed on " + n;
                }
                if (col.score() >= Scores.INFINITY && !there.contains(n)) {
                    return "needs " + w.id() + role + ", not on " + n;
                }
                if (col.score() <= Scores.MINUS_INFINITY && there.contains(n)) {
                    return "avoids " + w.id() + role + " on " + n;
                }
            }
        }
        return null;
    }

    /** Whether the finite colocation {@code col} scores {@code u} on {@code n}, by {@code col.score()}. */
    boolean applies(Constraint.Colocation col, Unit u, String n) {
        return s.unit(col.target(), col) == u && Math.abs(col.score()) < Scores.INFINITY
                && anchorNodes(s.unit(col.with(), col), col.withRole()).contains(n);
    }
}
