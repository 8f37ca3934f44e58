package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.ActionKind;
import dev.vigil.scheduler.Plan;
import dev.vigil.scheduler.PlannedAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a re-planning coordinator runs each clone notification once, and the post ones after their operation. */
class NotificationRunTest {
    private static PlannedAction notify(String id, String type, List<String> after) {
        return new PlannedAction(id, ActionKind.NOTIFY, Optional.of("db"), id.substring(id.indexOf('@') + 1), after,
                "test", Map.of("notify_type", type, "notify_operation", "promote"));
    }

    private static final PlannedAction PRE1 = notify("db:notify-pre-promote@ha1", "pre", List.of());
    private static final PlannedAction PRE2 = notify("db:notify-pre-promote@ha2", "pre", List.of());
    private static final PlannedAction PROMOTE = new PlannedAction("db:promote@ha2", ActionKind.PROMOTE, Optional.of("db"),
            "ha2", List.of(PRE1.id(), PRE2.id()), "promotion score 10");
    private static final PlannedAction POST1 = notify("db:notify-post-promote@ha1", "post", List.of(PROMOTE.id()));
    private static final PlannedAction POST2 = notify("db:notify-post-promote@ha2", "post", List.of(PROMOTE.id()));
    private static final Plan PLAN = new Plan(List.of(PRE1, PRE2, PROMOTE, POST1, POST2), Map.of(), List.of());

    private static DispatchedAction dispatched(PlannedAction a) {
        return new DispatchedAction(1, a.id(), Operation.of(a.kind()), "db", a.node(), a.meta());
    }

    @Test
    void preNotificationsRunOnceThenThePromoteThenThePostOnesTheNextPlanNoLongerHas() {
        var run = new NotificationRun();
        assertThat(run.withoutDone(PLAN)).isEqualTo(PLAN);
        run.completed(dispatched(PRE1), true);
        run.completed(dispatched(PRE2), false); // a failed notification counts as run
        Plan next = run.withoutDone(PLAN);
        assertThat(next.actions()).extracting(PlannedAction::id).containsExactly(PROMOTE.id(), POST1.id(), POST2.id());
        assertThat(next.actions().get(0).after()).as("the promote is ready").isEmpty();

        run.dispatching(next.actions().get(0), next);
        assertThat(run.ready()).as("owed until the promote succeeds").isEmpty();
        run.completed(dispatched(PROMOTE), true);
        // The promote reached its state: the next plan is empty, and the post notifications come from here.
        assertThat(run.withoutDone(new Plan(List.of(), Map.of(), List.of())).actions()).isEmpty();
        assertThat(run.ready()).containsExactly(POST1, POST2);
        assertThat(run.ready()).as("once").isEmpty();
    }

    @Test
    void aFailedOperationDropsItsPostNotifications() {
        var run = new NotificationRun();
        run.completed(dispatched(PRE1), true);
        run.completed(dispatched(PRE2), true);
        Plan next = run.withoutDone(PLAN);
        run.dispatching(next.actions().get(0), next);
        run.completed(dispatched(PROMOTE), false);
        assertThat(run.ready()).isEmpty();
    }

    @Test
    void aNotificationRunsAgainOnceThePlanHasDroppedIt() {
        var run = new NotificationRun();
        run.completed(dispatched(PRE1), true);
        run.withoutDone(new Plan(List.of(), Map.of(), List.of())); // the situation changed
        assertThat(run.withoutDone(PLAN)).isEqualTo(PLAN);
    }
}
