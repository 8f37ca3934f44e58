package dev.vigil.agent;

import dev.vigil.control.ControlEvent;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.resources.ResourceEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between two coordination snapshots, as events for the control API: resource
 * states per node, the coordinator, quorum, fencing and operator state. Pure, so the wording and
 * the cases are tested without an agent.
 */
final class StatusChanges {
    private StatusChanges() {}

    record Change(ControlEvent.Kind kind, String node, String message) {}

    static List<Change> between(CoordinationStatus before, CoordinationStatus after) {
        var changes = new ArrayList<Change>();
        if (!Objects.equals(before.coordinator(), after.coordinator())) {
            changes.add(new Change(ControlEvent.Kind.COORDINATOR, after.coordinator(),
                    "node " + after.coordinator() + " is the coordinator"));
        }
        if (before.quorum().quorate() != after.quorum().quorate()) {
            changes.add(new Change(ControlEvent.Kind.QUORUM, null,
                    (after.quorum().quorate() ? "quorum gained: " : "quorum lost: ") + after.quorum().reason()));
        }
        for (var node : new TreeSet<>(after.fenced())) {
            if (!before.fenced().contains(node)) {
                changes.add(new Change(ControlEvent.Kind.FENCING, node, "node " + node + " fenced"));
            }
        }
        for (var node : new TreeSet<>(after.lost())) {
            if (!before.lost().contains(node)) {
                changes.add(new Change(ControlEvent.Kind.FENCING, node,
                        "node " + node + " lost: it may still run resources until it is fenced or back"));
            }
        }
        after.resourcesByNode().forEach((node, entries) -> {
            Map<String, ResourceEntry> old = before.resourcesByNode().getOrDefault(node, Map.of());
            entries.forEach((id, entry) -> {
                var was = old.get(id);
                if (was == null || was.status() != entry.status()) {
                    changes.add(new Change(ControlEvent.Kind.RESOURCE, node, id + " " + key(entry) + " on " + node
                            + (entry.lastOperation().isEmpty() ? "" : " (" + entry.lastOperation() + ")")));
                } else if (entry.failCount() > was.failCount()) {
                    changes.add(new Change(ControlEvent.Kind.RESOURCE, node, id + " failed on " + node
                            + " (failure " + entry.failCount() + ": " + entry.lastOperation() + ")"));
                }
            });
        });
        var a = after.admin();
        if (a.version() != before.admin().version()) {
            changes.add(new Change(ControlEvent.Kind.OPERATOR, null, "operator state version " + a.version()
                    + ": maintenance " + (a.maintenance() ? "on" : "off")
                    + ", standby " + new TreeSet<>(a.standby())
                    + ", rules " + a.temporary().stream().map(t -> t.kind().name().toLowerCase(Locale.ROOT) + " "
                    + t.target() + (t.kind().name().equals("MOVE") ? " to " : " from ") + t.node()).toList()));
        }
        return changes;
    }

    private static String key(ResourceEntry e) {
        return e.status().name().toLowerCase(Locale.ROOT);
    }
}
