package dev.vigil.scheduler;

import dev.vigil.config.ResourceSpec;
import java.util.List;
import java.util.Optional;

/**
 * What is placed as a whole: a group, a standalone primitive, or a clone (each instance on its node).
 *
 * @param members a group's members in start order; otherwise the one resource
 * @param prefer  a group's preferred node
 */
record Unit(String id, Type type, List<ResourceSpec> members, Optional<String> prefer) {

    enum Type { PRIMITIVE, GROUP, CLONE }

    boolean isClone() {
        return type == Type.CLONE;
    }
}
