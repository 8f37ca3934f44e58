package dev.vigil.config;

import java.util.List;
import java.util.Optional;

/**
 * Resources that run together on one node, started in order and stopped in reverse (heartbeat's
 * haresources line). A member of a group cannot be placed on its own.
 *
 * @param prefer the node the group runs on when it can (a location preference with the
 *               policy's preference score); empty when any node will do
 * @param priority what running it makes its node worth in a fence race ({@code priority_fencing_delay})
 */
public record GroupSpec(String id, List<String> members, Optional<String> prefer, int priority) {
    public GroupSpec {
        members = List.copyOf(members);
    }

    /** With priority 0. */
    public GroupSpec(String id, List<String> members, Optional<String> prefer) {
        this(id, members, prefer, 0);
    }
}
