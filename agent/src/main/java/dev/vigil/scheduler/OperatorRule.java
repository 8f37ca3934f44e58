package dev.vigil.scheduler;

import dev.vigil.scheduler.AdminState.TemporaryConstraint;
import java.util.Optional;

/**
 * An operator's temporary constraints: a ban keeps a unit off a node; a move sends it to one with
 * +INFINITY (the last move of a unit wins).
 */
final class OperatorRule {
    private final PlanningState s;

    OperatorRule(PlanningState s) {
        this.s = s;
    }

    /** Why a ban keeps {@code u} off {@code n}, or null. */
    String forbids(Unit u, String n) {
        for (TemporaryConstraint t : s.in.admin().temporary()) {
            if (t.kind() == TemporaryConstraint.Kind.BAN && t.node().equals(n) && s.unitOf(t.target()) == u) {
                return "banned from " + n;
            }
        }
        return null;
    }

    Optional<String> movedTo(Unit u) {
        return s.in.admin().temporary().stream()
                .filter(t -> t.kind() == TemporaryConstraint.Kind.MOVE && s.unitOf(t.target()) == u)
                .map(TemporaryConstraint::node).reduce((a, b) -> b);
    }

    /** {@code score} plus +INFINITY when an operator moved {@code u} to {@code n}. */
    int addMove(int score, Unit u, String n) {
        if (movedTo(u).equals(Optional.of(n))) {
            return Scores.add(score, Scores.INFINITY);
        }
        return score;
    }
}
