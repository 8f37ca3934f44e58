package dev.vigil.coordination;

import dev.vigil.model.ActionKind;
import dev.vigil.scheduler.Plan;
import dev.vigil.scheduler.PlannedAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Clone notifications on a coordinator that plans afresh on every step. Pacemaker runs a
 * transition graph to its end; Vigil re-plans from the cluster's state, and a notification changes
 * no state, so two things are remembered here, for one coordinator life:
 *
 * <ul>
 *   <li>the notifications already run while the plan still lists them: taken out of the plan (and
 *       out of what waits for them), so the promote they precede becomes ready instead of the
 *       notification running again;
 *   <li>the post notifications of an operation being dispatched: once the operation has succeeded
 *       the next plan no longer has them (its state is reached), so they are sent from here, when
 *       every operation they wait for has succeeded. A failed operation drops them, as Pacemaker
 *       aborts its transition.
 * </ul>
 *
 * Only the coordination thread uses it.
 */
final class NotificationRun {
    private final Set<String> notified = new HashSet<>();
    private final Map<String, PlannedAction> owed = new LinkedHashMap<>();
    private final Set<String> succeeded = new HashSet<>();

    /** A life of the coordinator starts with nothing remembered. */
    void clear() {
        notified.clear();
        owed.clear();
        succeeded.clear();
    }

    /** {@code plan} without the notifications already run, nor the edges to them. */
    Plan withoutDone(Plan plan) {
        var listed = new HashSet<String>();
        plan.actions().forEach(a -> listed.add(a.id()));
        notified.retainAll(listed);
        if (notified.isEmpty()) return plan;
        var actions = new ArrayList<PlannedAction>();
        for (var a : plan.actions()) {
            if (notified.contains(a.id())) continue;
            var after = a.after().stream().filter(p -> !notified.contains(p)).toList();
            actions.add(new PlannedAction(a.id(), a.kind(), a.resource(), a.node(), after, a.reason(), a.meta()));
        }
        return new Plan(actions, plan.placement(), plan.notes(), plan.promoted());
    }

    /** {@code a} of {@code plan} is being dispatched: its post notifications are owed from now on. */
    void dispatching(PlannedAction a, Plan plan) {
        if (a.kind() == ActionKind.NOTIFY) return;
        for (var p : plan.actions()) {
            if (p.kind() == ActionKind.NOTIFY && p.after().contains(a.id()) && "post".equals(p.meta().get("notify_type"))) {
                owed.putIfAbsent(p.id(), p);
            }
        }
    }

    /** A dispatched action finished. */
    void completed(DispatchedAction a, boolean ok) {
        if (a.op() == Operation.NOTIFY) {
            notified.add(a.id());
            owed.remove(a.id());
        } else if (ok) {
            succeeded.add(a.id());
        } else {
            owed.values().removeIf(p -> p.after().contains(a.id()));
        }
    }

    /** The owed notifications whose operations have all succeeded; they are no longer owed. */
    List<PlannedAction> ready() {
        var result = new ArrayList<PlannedAction>();
        var it = owed.values().iterator();
        while (it.hasNext()) {
            var p = it.next();
            if (p.after().stream().allMatch(id -> succeeded.contains(id) || notified.contains(id))) {
                result.add(p);
                it.remove();
            }
        }
        succeeded.removeIf(id -> owed.values().stream().noneMatch(p -> p.after().contains(id)));
        return result;
    }
}
