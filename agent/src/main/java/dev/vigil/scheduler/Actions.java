package dev.vigil.scheduler;

import dev.vigil.config.ResourceSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * From each unit's target to the stops and starts that reach it, each with the reason an operator
 * reads in the log and in {@code vigil status}: a failed instance stops (and starts again if it
 * stays), an unwanted one stops, a wanted one starts; a group restarts from its first member that
 * is not healthy on its node.
 */
final class Actions {
    private final PlanningState s;
    private final NodeFacts facts;
    private final OperatorRule operator;
    private final FailurePolicies failures;

    Actions(PlanningState s, OperatorRule operator, FailurePolicies failures) {
        this.s = s;
        this.facts = s.facts;
        this.operator = operator;
        this.failures = failures;
    }

    void actionsFor(Unit u) {
        List<String> t = s.target.get(u.id());
        if (u.type() != Unit.Type.GROUP) {
            ResourceSpec r = u.members().get(0);
            for (String n : facts.trustedNodes()) {
                boolean wanted = t.contains(n);
                if (facts.failed(r, n)) {
                    s.stop(r, n, failures.failedReason(r, n));
                    if (wanted) {
                        s.start(r, n, failures.recoverReason(r, n));
                    }
                } else if (facts.healthy(r, n)) {
                    if (!wanted) {
                        s.stop(r, n, leaveReason(u, r, n));
                    }
                } else if (wanted) {
                    s.start(r, n, u.isClone() ? "not running" : arriveReason(u, n));
                }
            }
            return;
        }
        List<ResourceSpec> members = u.members();
        List<ResourceSpec> active = s.activeMembers(u);
        String to = t.isEmpty() ? null : t.get(0);
        for (String n : facts.trustedNodes()) {
            if (n.equals(to)) {
                continue;
            }
            for (int i = members.size() - 1; i >= 0; i--) {
                ResourceSpec m = members.get(i);
                if (facts.failed(m, n)) {
                    s.stop(m, n, failures.failedReason(m, n));
                } else if (facts.healthy(m, n)) {
                    s.stop(m, n, leaveReason(u, m, n));
                }
            }
        }
        if (to == null) {
            return;
        }
        // The first member that is not healthy there restarts, and every member after it with it.
        int first = active.size();
        for (int i = 0; i < active.size(); i++) {
            if (!facts.healthy(active.get(i), to)) {
                first = i;
                break;
            }
        }
        String cause = first < active.size() ? active.get(first).id() : null;
        for (int i = members.size() - 1; i >= first; i--) {
            ResourceSpec m = members.get(i);
            if (facts.failed(m, to)) {
                s.stop(m, to, failures.failedReason(m, to));
            } else if (facts.healthy(m, to)) {
                s.stop(m, to, i < active.size() ? "restart with " + cause : stopWhyOfInactive(u));
            }
        }
        for (int i = first; i < active.size(); i++) {
            ResourceSpec m = active.get(i);
            if (facts.failed(m, to)) {
                s.start(m, to, failures.recoverReason(m, to));
            } else if (facts.healthy(m, to)) {
                s.start(m, to, "restart with " + cause);
            } else {
                s.start(m, to, arriveReason(u, to));
            }
        }
    }

    /** Why a non-clone unit arrives on {@code t}: the node it leaves and why, or that it was not running. */
    private String arriveReason(Unit u, String t) {
        Optional<String> prev = facts.currentNode(u, false);
        if (prev.isEmpty() || prev.get().equals(t)) {
            return "not running";
        }
        return moveReason(u, prev.get(), t);
    }

    private String moveReason(Unit u, String from, String to) {
        String no = s.whyNot.getOrDefault(u.id(), Map.of()).get(from);
        if (no != null) {
            return facts.node(from).condition() == NodeCondition.LOST ? "primary " + no : no;
        }
        if (operator.movedTo(u).equals(Optional.of(to))) {
            return "moved to " + to + " by an operator";
        }
        if (u.prefer().equals(Optional.of(to))) {
            return "failback to preferred " + to;
        }
        return "higher score on " + to;
    }

    /** Why a unit's instance on {@code n} must go. */
    private String leaveReason(Unit u, ResourceSpec r, String n) {
        List<String> t = s.target.get(u.id());
        if (t.isEmpty()) {
            return s.stopWhy.getOrDefault(u.id(), "cannot run anywhere");
        }
        if (u.isClone()) {
            return s.whyNot.get(u.id()).getOrDefault(n, "not placed on " + n);
        }
        String to = t.get(0);
        if (facts.running(r, to)) {
            return "multiple active; kept on " + to;
        }
        return moveReason(u, n, to);
    }

    private String stopWhyOfInactive(Unit u) {
        return u.members().stream().filter(m -> s.disabled.contains(m.id())).findFirst()
                .map(m -> "after " + m.id() + ", which failed (on_fail: stop)").orElse("not placed");
    }
}
