package dev.vigil.metrics;

import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.model.ResourceStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which resources moved between two coordination snapshots: a resource that starts on one node,
 * alone, after it last ran alone on another. A failover, a switchover ({@code vigil resource
 * move}) and a failback all count; a restart in place, a clone starting on one more node, and
 * the first start this agent sees (it may have joined late) do not. Coordination thread only.
 */
final class Moves {

    /** resource → the last node it was seen started on alone. */
    private final Map<String, String> lastHolder = new HashMap<>();

    /** A move: {@code resource} now runs on {@code to}, last seen on {@code from}. */
    record Move(String resource, String from, String to) {}

    /** A promotion: {@code resource}'s instance on {@code node} became the promoted one. */
    record Promotion(String resource, String node) {}

    List<Move> between(CoordinationStatus before, CoordinationStatus after) {
        var moves = new ArrayList<Move>();
        for (var e : holders(after).entrySet()) {
            String resource = e.getKey();
            String now = e.getValue();
            String last = lastHolder.put(resource, now);
            if (last != null && !last.equals(now) && !startedOn(before, resource, now)) {
                moves.add(new Move(resource, last, now));
            }
        }
        return moves;
    }

    /**
     * Instances promoted between the two snapshots: promoted in {@code after} on a node where
     * {@code before} had them known and not promoted (unpromoted, stopped, failed). A probe's
     * finding (from unknown, or a node or agent just heard) is what was there, not a promotion.
     */
    static List<Promotion> promotions(CoordinationStatus before, CoordinationStatus after) {
        var out = new ArrayList<Promotion>();
        after.resourcesByNode().forEach((node, entries) -> entries.forEach((id, entry) -> {
            var was = before.resourcesByNode().getOrDefault(node, Map.of()).get(id);
            if (entry.status() == ResourceStatus.PROMOTED && was != null && was.status() != ResourceStatus.PROMOTED
                    && was.status() != ResourceStatus.UNKNOWN) {
                out.add(new Promotion(id, node));
            }
        }));
        return out;
    }

    /** Resources started on exactly one node, and that node. */
    private static Map<String, String> holders(CoordinationStatus s) {
        var count = new HashMap<String, Integer>();
        var holder = new HashMap<String, String>();
        s.resourcesByNode().forEach((node, entries) -> entries.forEach((id, entry) -> {
            if (entry.status() == ResourceStatus.STARTED) {
                count.merge(id, 1, Integer::sum);
                holder.put(id, node);
            }
        }));
        holder.keySet().removeIf(id -> count.get(id) != 1);
        return holder;
    }

    private static boolean startedOn(CoordinationStatus s, String resource, String node) {
        var entry = s.resourcesByNode().getOrDefault(node, Map.of()).get(resource);
        return entry != null && entry.status() == ResourceStatus.STARTED;
    }
}
