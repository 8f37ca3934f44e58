package dev.vigil.drillroom;

import dev.vigil.tui.Screens;
import java.util.Optional;

/**
 * The drill room's entry in the console's screen registry: {@code D}, open to every role (a viewer
 * sees the catalogue, the preconditions, the history, the reports and the schedule; starting a
 * drill needs the operator role, checked by {@code Permissions} when it is asked for).
 */
public final class DrillRoom {
    private DrillRoom() {}

    public static final char KEY = 'D';
    /** The audit log's action for a drill's start and end, and the verb {@code Permissions} checks. */
    public static final String VERB = "drill";
    /** The audit log's action for an abort asked from the console. */
    public static final String ABORT_VERB = "drill-abort";

    public static Screens.Entry entry(DrillRoomSettings settings) {
        return new Screens.Entry(KEY, "drills", "failover drills: catalogue, guided run, history, reports, schedule",
                Optional.empty(), () -> new CataloguePage(settings));
    }
}
