package dev.vigil.config;

import java.util.List;
import java.util.Optional;

/**
 * Resources that run together on one node, started in order and stopped in reverse (heartbeat's
 * haresources line). A member of a group cannot be placed on its own.
 *
 * @param prefer the node the group runs on when it can (a location preference with the
 *               policy's preference score); empty when any node will do
 */
public record GroupSpec(String id, List<String> members, Optional<String> prefer) {
    public GroupSpec {
        members = List.copyOf(members);
    }
}
