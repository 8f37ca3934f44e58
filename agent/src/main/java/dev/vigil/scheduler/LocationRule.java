package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.model.Role;
import java.util.Optional;

/**
 * Location constraints (a score for a unit on a node; -INFINITY forbids the node) and a group's
 * {@code prefer}, which is a location preference worth {@code policy.prefer_score}.
 */
final class LocationRule {
    private final PlanningState s;

    LocationRule(PlanningState s) {
        this.s = s;
    }

    /** Why a location constraint forbids {@code n} to {@code u}, or null. */
    String forbids(Unit u, String n) {
        for (Constraint c : s.cfg.constraints()) {
            if (c instanceof Constraint.Location l && l.node().equals(n) && s.unit(l.target(), c) == u
                    && l.role() == Role.STARTED && l.score() <= Scores.MINUS_INFINITY) {
                return "location " + l.id() + " forbids " + n;
            }
        }
        return null;
    }

    /**
     * Whether {@code l} scores {@code u} on {@code n}; its score is then {@code l.score()}. A
     * location by role scores only the promotion ({@link Promotion}), not where instances run.
     */
    boolean applies(Constraint.Location l, Unit u, String n) {
        return l.node().equals(n) && s.unit(l.target(), l) == u && l.role() == Role.STARTED;
    }

    /** {@code score} plus the group's preference for {@code n}, if it prefers it. */
    int addPreference(int score, Unit u, String n) {
        if (u.prefer().equals(Optional.of(n))) {
            return Scores.add(score, s.policy.preferScore());
        }
        return score;
    }
}
