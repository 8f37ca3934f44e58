package dev.vigil.config;

import dev.vigil.model.ActionKind;
import dev.vigil.model.Role;

/**
 * A placement or ordering rule between resources, groups and nodes. Targets name a resource or a
 * group. Scores follow Pacemaker: positive attracts, negative repels, and {@link #INFINITY} /
 * {@code -INFINITY} are musts.
 */
public sealed interface Constraint {
    int INFINITY = 1_000_000;

    /**
     * {@code target} prefers ({@code score > 0}) or avoids ({@code score < 0}) {@code node}. With
     * {@code role} {@link Role#PROMOTED} it scores only where a promotable clone is promoted.
     */
    record Location(String id, String target, String node, int score, Role role) implements Constraint {
        public Location(String id, String target, String node, int score) {
            this(id, target, node, score, Role.STARTED);
        }
    }

    /**
     * {@code target} runs where {@code with} runs (score > 0) or never there (score < 0); with
     * {@code withRole} Promoted (or Unpromoted), where {@code with}'s instance has that role.
     */
    record Colocation(String id, String target, String with, int score, Role withRole) implements Constraint {
        public Colocation(String id, String target, String with, int score) {
            this(id, target, with, score, Role.STARTED);
        }
    }

    /**
     * {@code then}'s {@code thenAction} waits for {@code first}'s {@code firstAction} (each START or
     * PROMOTE), and then stops before first stops.
     */
    record Order(String id, String first, String then, ActionKind firstAction, ActionKind thenAction)
            implements Constraint {
        public Order(String id, String first, String then) {
            this(id, first, then, ActionKind.START, ActionKind.START);
        }
    }

    String id();
}
