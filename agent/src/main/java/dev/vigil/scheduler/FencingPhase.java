package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.OnFail;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import dev.vigil.model.ResourceStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fencing: which nodes to fence (lost ones, and those where a stop failed or a resource with
 * {@code on_fail: fence} failed), the fence actions, and the edges that keep what a fenced node
 * ran, or may have run, from starting elsewhere until it is off. The first phase: a node about to
 * be fenced is not trusted by any later one.
 */
final class FencingPhase {
    private final PlanningState s;
    private final NodeFacts facts;

    FencingPhase(PlanningState s) {
        this.s = s;
        this.facts = s.facts;
    }

    /**
     * Fills {@link PlanningState#fences}; nothing without quorum, or without fencing or a watchdog.
     * A lost node whose watchdog wait has passed ({@link SelfFencing}) counts as reset and is not
     * fenced again; one still in its wait, without power fencing, holds what it may run.
     */
    void decide() {
        var watchdog = new SelfFencing(s.in);
        if ((!s.cfg.fencingConfigured() && !watchdog.configured()) || !s.acting) {
            return;
        }
        var reasons = new HashMap<String, String>();
        for (String n : facts.nodeNames) {
            if (facts.node(n).condition() != NodeCondition.LOST) {
                continue;
            }
            if (watchdog.isReset(n)) {
                s.notes.add(n + " counts as reset by its watchdog (lost at " + s.in.selfFencing().lostSince().get(n)
                        + ", watchdog timeout x 2 passed)" + (s.cfg.fencingConfigured() ? ": not fenced" : ""));
            } else if (s.cfg.fencingConfigured()) {
                reasons.put(n, n + " lost");
            } else {
                holdFor(n, watchdog.waiting(n));
            }
        }
        if (!s.cfg.fencingConfigured()) {
            return;
        }
        for (ResourceSpec r : s.cfg.resources()) {
            for (String n : facts.nodeNames) {
                if (facts.node(n).condition() != NodeCondition.ONLINE) {
                    continue;
                }
                if (facts.status(r, n) == ResourceStatus.STOP_FAILED) {
                    reasons.putIfAbsent(n, "stop of " + r.id() + " failed on " + n);
                } else if (facts.failed(r, n) && r.onFail() == OnFail.FENCE) {
                    reasons.putIfAbsent(n, r.id() + " failed on " + n + " (on_fail: fence)");
                }
            }
        }
        for (String n : facts.inNodeOrder(reasons.keySet())) {
            s.fences.put(n, reasons.get(n));
        }
    }

    /**
     * Without power fencing, what a lost node ran or may have run (not known stopped there) stays
     * where it is until its watchdog has reset it; clones do not wait, their instances are per node.
     */
    private void holdFor(String node, String why) {
        for (Unit u : s.units) {
            if (!u.isClone() && u.members().stream().anyMatch(m -> facts.status(m, node) != ResourceStatus.STOPPED)) {
                s.held.add(u.id());
                s.notes.add(u.id() + " waits: " + why);
            }
        }
    }

    /**
     * One fence action per fenced node, in node order: the head of the graph's natural order. A
     * fence that waits first (priority_fencing_delay) says so in its reason; the coordinator waits
     * {@link FencingPriority#delayFor} of the same input.
     */
    List<Draft> drafts() {
        var result = new ArrayList<Draft>();
        var priority = FencingPriority.of(s.in);
        for (var e : s.fences.entrySet()) {
            result.add(new Draft(e.getKey() + ":fence", ActionKind.FENCE, Optional.empty(), e.getKey(),
                    priority.reason(e.getKey(), e.getValue())));
        }
        return result;
    }

    /**
     * Whatever the fenced node ran, or may have run, starts elsewhere only after it is off; so do
     * the things colocated with it.
     */
    void addEdges(Map<ResourceOnNode, Draft> startDrafts) {
        Map<String, Set<String>> fencesOf = new HashMap<>();
        for (Unit u : s.units) {
            for (String x : s.fences.keySet()) {
                if (u.members().stream().anyMatch(m -> facts.status(m, x) != ResourceStatus.STOPPED)) {
                    fencesOf.computeIfAbsent(u.id(), k -> new LinkedHashSet<>()).add(x);
                }
            }
        }
        for (Unit u : s.units) { // dependency order: anchors are already complete
            for (Constraint c : s.cfg.constraints()) {
                if (c instanceof Constraint.Colocation col && col.score() > 0 && s.unit(col.target(), c) == u) {
                    var inherited = fencesOf.getOrDefault(s.unit(col.with(), c).id(), Set.of());
                    if (!inherited.isEmpty()) {
                        fencesOf.computeIfAbsent(u.id(), k -> new LinkedHashSet<>()).addAll(inherited);
                    }
                }
            }
            for (Draft d : TransitionGraph.draftsOf(startDrafts, u)) {
                facts.inNodeOrder(fencesOf.getOrDefault(u.id(), Set.of())).forEach(x -> d.after.add(x + ":fence"));
            }
        }
    }
}
