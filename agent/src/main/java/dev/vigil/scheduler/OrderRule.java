package dev.vigil.scheduler;

import dev.vigil.config.Constraint;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import java.util.List;
import java.util.Map;

/**
 * Order constraints: {@code then} starts after {@code first} has started and stops before it
 * stops; it cannot run when {@code first} will not; and it restarts when {@code first} stops under
 * it. With a clone as {@code first}, only the instance on the same node counts (Pacemaker's
 * interleave).
 */
final class OrderRule {
    private final PlanningState s;

    OrderRule(PlanningState s) {
        this.s = s;
    }

    /** Why {@code u} cannot run because something it starts after will not run, or null. */
    String whyCannotStart(Unit u) {
        for (Constraint c : s.cfg.constraints()) {
            if (c instanceof Constraint.Order o && s.unit(o.then(), c) == u && s.unit(o.first(), c) != u) {
                Unit f = s.unit(o.first(), c);
                if (s.target.getOrDefault(f.id(), List.of()).isEmpty()) {
                    return "starts after " + f.id() + ", which will not run";
                }
                if (o.firstAction() == ActionKind.PROMOTE && o.thenAction() == ActionKind.START
                        && s.promotedTarget.getOrDefault(f.id(), List.of()).isEmpty()) {
                    return "starts after " + f.id() + " is promoted, which it will not be";
                }
            }
        }
        return null;
    }

    /**
     * "Then stops before first stops": a unit that stays where it runs must still stop and start
     * again when something it is ordered after stops. For a clone first, only the instance on
     * the same node counts (Pacemaker's interleave), or one instance's restart would bounce
     * everything ordered after the clone.
     */
    void propagateRestarts() {
        NodeFacts facts = s.facts;
        for (int round = 0; round <= s.units.size(); round++) {
            boolean changed = false;
            for (Constraint c : s.cfg.constraints()) {
                if (!(c instanceof Constraint.Order o)) {
                    continue;
                }
                Unit f = s.unit(o.first(), c);
                Unit th = s.unit(o.then(), c);
                if (f == th || s.pending.contains(th.id()) || s.held.contains(th.id())) {
                    continue;
                }
                for (String x : facts.trustedNodes()) {
                    boolean firstStops = f.members().stream().anyMatch(m -> f.isClone()
                            ? s.stops.containsKey(new ResourceOnNode(m.id(), x))
                            : s.stops.keySet().stream().anyMatch(st -> st.resource().equals(m.id())));
                    List<ResourceSpec> staying = th.members().stream().filter(m -> facts.running(m, x)
                            && !s.stops.containsKey(new ResourceOnNode(m.id(), x))).toList();
                    if (!firstStops || staying.isEmpty()) {
                        continue;
                    }
                    String why = "restart after " + f.id();
                    for (ResourceSpec m : th.members()) {
                        if (facts.running(m, x)) {
                            s.stop(m, x, why);
                        }
                    }
                    if (s.target.getOrDefault(th.id(), List.of()).contains(x)) {
                        s.activeMembers(th).forEach(m -> s.start(m, x, why));
                    }
                    changed = true;
                }
            }
            if (!changed) {
                return;
            }
        }
    }

    /**
     * Then starts after first started; then stops before first stops. With {@code first_action:
     * promote}, then starts after first's promote and stops before first's demote (a floating IP
     * on the promoted instance); with {@code then_action: promote}, then's promote waits instead
     * of its start.
     */
    void addEdges(Map<ResourceOnNode, Draft> stopDrafts, Map<ResourceOnNode, Draft> startDrafts,
                  Map<ResourceOnNode, Draft> promoteDrafts, Map<ResourceOnNode, Draft> demoteDrafts) {
        for (Constraint c : s.cfg.constraints()) {
            if (c instanceof Constraint.Order o) {
                Unit f = s.unit(o.first(), c);
                Unit th = s.unit(o.then(), c);
                if (f == th) {
                    continue;
                }
                boolean byRole = o.firstAction() == ActionKind.PROMOTE;
                var firstUp = byRole ? promoteDrafts : startDrafts;
                var firstDown = byRole ? demoteDrafts : stopDrafts;
                var thenUp = o.thenAction() == ActionKind.PROMOTE ? promoteDrafts : startDrafts;
                var thenDown = o.thenAction() == ActionKind.PROMOTE ? demoteDrafts : stopDrafts;
                // A clone orders per node (Pacemaker's interleave): a start elsewhere must not wait
                // for an instance that is being recovered, which may never come back. The promoted
                // instance is one for the whole cluster, so ordering after a promote is global.
                boolean perNode = f.isClone() && !byRole;
                for (Draft d : TransitionGraph.draftsOf(thenUp, th)) {
                    TransitionGraph.draftsOf(firstUp, f).stream().filter(p -> !perNode || p.node.equals(d.node))
                            .forEach(p -> d.after.add(p.id));
                }
                for (Draft d : TransitionGraph.draftsOf(firstDown, f)) {
                    TransitionGraph.draftsOf(thenDown, th).stream().filter(p -> !perNode || p.node.equals(d.node))
                            .forEach(p -> d.after.add(p.id));
                }
            }
        }
    }
}
