package dev.vigil.drill.run;

import dev.vigil.control.StatusReport;
import dev.vigil.drill.Drill;
import java.util.ArrayList;
import java.util.List;

/**
 * What the run sees of the cluster while observing, from each status it reads and from the
 * agents' events (which arrive on their own threads, hence the volatile fields): when the cluster
 * first noticed the fault, whether the target was fenced, samples where a single-holder resource
 * (a floating IP) was reported on two nodes, and nodes other than the target that were lost.
 */
final class Sightings {
    private final Drill drill;
    private final List<String> doubleHolders = new ArrayList<>();
    private volatile long noticedNanos = -1;
    private volatile boolean fenced;

    Sightings(Drill drill) {
        this.drill = drill;
    }

    /** Takes in one status read at {@code now}; {@code injectNanos} dates the double-holder samples. */
    void status(StatusReport s, long now, long injectNanos) {
        var r = s.resources();
        String target = drill.target();
        switch (drill.kind()) {
            case NODE_CRASH, LINK_CUT, AGENT_FREEZE, FENCE -> {
                if (!s.members().contains(target) || r != null && (r.lost().contains(target) || r.fenced().contains(target))) {
                    noticed(now);
                }
            }
            case RESOURCE_FAILURE -> {
                if (r != null && r.resources().stream().filter(row -> row.id().equals(target) || target.equals(row.group()))
                        .anyMatch(row -> row.failures().values().stream().anyMatch(f -> f > 0)
                                || row.states().containsValue("failed") || row.transitions() != null && !row.transitions().isEmpty())) {
                    noticed(now);
                }
            }
            case SWITCHOVER -> { }
        }
        if (r == null) return;
        if (r.fenced().contains(target)) fenced = true;
        for (var id : drill.expect().singleHolder()) {
            r.resources().stream().filter(row -> row.id().equals(id) && row.runningOn().size() > 1).findFirst()
                    .ifPresent(row -> doubleHolders.add(id + " on " + String.join(" and ", row.runningOn())
                            + " at +" + Outages.millis(now - injectNanos) + " ms"));
        }
    }

    /** Takes in one agent's event (classified as in the timeline) about {@code node}. */
    void event(String kind, String node, long now) {
        if (!drill.target().equals(node)) return;
        if (kind.equals("detection")) noticed(now);
        if (kind.equals("fencing")) fenced = true;
    }

    /** The cluster noticed the fault (or, for a switchover, the move was made) at {@code now}, unless it had before. */
    void noticed(long now) {
        if (noticedNanos < 0) noticedNanos = now;
    }

    boolean noticed() {
        return noticedNanos >= 0;
    }

    long noticedNanos() {
        return noticedNanos;
    }

    boolean fenced() {
        return fenced;
    }

    List<String> doubleHolders() {
        return List.copyOf(doubleHolders);
    }

    /** Nodes lost in {@code s} other than a node target: dead, left, or declared lost by the coordinator. */
    List<String> lostOthers(StatusReport s) {
        var lost = new ArrayList<String>();
        var r = s.resources();
        for (var n : s.nodes()) {
            if (drill.kind().targetsNode() && n.name().equals(drill.target())) continue;
            if (n.state().equals("dead") || n.state().equals("left") || r != null && r.lost().contains(n.name())) {
                lost.add(n.name());
            }
        }
        return lost;
    }
}
