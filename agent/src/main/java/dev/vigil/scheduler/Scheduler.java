package dev.vigil.scheduler;

import java.util.List;
import java.util.Map;

/**
 * Vigil's policy engine: from the cluster's configuration and its last known state to the actions
 * that bring it where it should be. A pure function like Pacemaker's scheduler: no clock, no I/O,
 * the same input always gives the same plan, so any situation can be replayed from a file.
 *
 * <p>The phases, in order: fencing (lost and unclean nodes), probes (unknown states), failure
 * policies ({@code on_fail}), quorum, placement of each unit in dependency order (groups,
 * primitives, clone instances), actions per unit, restarts forced by ordering, and finally the
 * graph's edges and a serial order. See the scenario files under
 * {@code src/test/resources/scheduler-scenarios} for the behaviour, case by case.
 *
 * <p>Like Pacemaker's scheduler, one file per concern: {@link PlanningState} (what one call knows
 * and decides), {@link NodeFacts}, the rules ({@link LocationRule}, {@link ColocationRule},
 * {@link OrderRule}, {@link OperatorRule} for bans and moves, {@link FailurePolicies}), the phases
 * ({@link FencingPhase}, {@link ProbePhase}, {@link QuorumPhase}, {@link Placement},
 * {@link Actions}) and {@link TransitionGraph}. This class only runs them in order.
 */
public final class Scheduler {

    /**
     * Stickiness with {@code auto_failback: false}: above every finite preference (so a group stays
     * where it is after a failover, as heartbeat users expect) but below a must, so an operator's
     * move (+INFINITY) still wins.
     */
    static final int NO_FAILBACK_STICKINESS = Scores.INFINITY - 1;

    public Plan plan(SchedulerInput input) {
        if (input.admin().maintenance()) {
            return new Plan(List.of(), Map.of(),
                    List.of("maintenance mode: every resource is left alone (no probes, starts or stops)"));
        }
        var s = new PlanningState(input);
        var fencing = new FencingPhase(s);
        var location = new LocationRule(s);
        var promotion = new Promotion(s);
        var colocation = new ColocationRule(s, promotion);
        var order = new OrderRule(s);
        var operator = new OperatorRule(s);
        var failures = new FailurePolicies(s);
        var placement = new Placement(s, location, colocation, order, operator, failures);
        var actions = new Actions(s, operator, failures);

        fencing.decide();
        List<Draft> probes = new ProbePhase(s).probes();
        failures.apply();
        new QuorumPhase(s).apply();
        for (Unit u : s.units) {
            placement.place(u);
            promotion.choose(u);
        }
        for (Unit u : s.units) {
            if (!s.pending.contains(u.id()) && !s.held.contains(u.id())) {
                actions.actionsFor(u);
            }
        }
        order.propagateRestarts();
        s.units.forEach(promotion::actionsFor);
        return new TransitionGraph(s, fencing, order, promotion).assemble(probes);
    }
}
