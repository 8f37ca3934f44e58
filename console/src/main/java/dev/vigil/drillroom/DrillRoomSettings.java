package dev.vigil.drillroom;

import dev.vigil.drill.report.ReportStore;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where the console's drill room finds its drills and reports, and how it runs one.
 *
 * @param drillFile the drill file: {@code drills.yaml} next to the console's cluster file, as the
 *                  command line's drill verbs default to, or {@code vigil console --drills F}
 * @param store     the reports and the one-drill lock ({@code --drill-state-dir}, as {@code vigil drill --state-dir})
 * @param starter   puts a run together as {@code vigil drill run} does
 * @param schedule  the cluster's drill schedule as {@code vigil drill schedule list} prints it (slow: it
 *                  asks an agent for the running cluster file; the schedule page calls it off the screen's thread)
 * @param running   the guided drills running now, which a console stopping aborts and waits for
 */
public record DrillRoomSettings(Path drillFile, ReportStore store, DrillStarter starter, Supplier<String> schedule,
                                RunningDrills running) {
    public DrillRoomSettings(Path drillFile, ReportStore store, DrillStarter starter, Supplier<String> schedule) {
        this(drillFile, store, starter, schedule, new RunningDrills());
    }
}
