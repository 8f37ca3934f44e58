package dev.vigil.scheduler;

import dev.vigil.model.ActionKind;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An action of the transition graph being built; its {@code after} set grows while the rules add
 * edges, and {@link TransitionGraph} turns it into a {@link PlannedAction}.
 */
final class Draft {
    final String id;
    final ActionKind kind;
    final Optional<String> resource;
    final String node;
    final String reason;
    final Set<String> after = new LinkedHashSet<>();
    /** A notification's variables ({@link PlannedAction#meta}); empty for everything else. */
    final Map<String, String> meta;

    Draft(String id, ActionKind kind, Optional<String> resource, String node, String reason) {
        this(id, kind, resource, node, reason, Map.of());
    }

    Draft(String id, ActionKind kind, Optional<String> resource, String node, String reason, Map<String, String> meta) {
        this.id = id;
        this.kind = kind;
        this.resource = resource;
        this.node = node;
        this.reason = reason;
        this.meta = Map.copyOf(meta);
    }
}
