package dev.vigil.tui;

import java.util.List;

/** Something on the screen an operator can select and act on. */
public sealed interface Target {
    String id();

    record Node(String id) implements Target {}

    /** A group, with its members in start order. */
    record Group(String id, List<String> members) implements Target {
        public Group {
            members = List.copyOf(members);
        }
    }

    /** A resource; {@code group} is the group it belongs to, or null. */
    record Resource(String id, String group) implements Target {}
}
