package dev.vigil.drill.schedule;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * The {@code drills:} section of the cluster file: when drills run, when they must not, and how late
 * a fire may still run. It travels with the cluster file (the policy half, {@code vigil config apply}),
 * so every node has the same schedule and whichever node runs the runner reads it from its copy.
 *
 * @param file         the cluster file it was read from
 * @param entries      the schedule, in file order
 * @param blackouts    windows in which no scheduled drill starts
 * @param misfireGrace a fire missed (no runner up, or the runner busy) still runs once if it is late by
 *                     at most this much; later it is skipped and recorded
 * @param reports      how many drill reports, and how old, every agent keeps for the cluster
 */
public record DrillSchedule(Path file, List<Entry> entries, List<Blackout> blackouts, Duration misfireGrace,
                            Retention reports) {
    public static final Duration DEFAULT_MISFIRE_GRACE = Duration.ofMinutes(10);

    public DrillSchedule(Path file, List<Entry> entries, List<Blackout> blackouts, Duration misfireGrace) {
        this(file, entries, blackouts, misfireGrace, Retention.DEFAULT);
    }

    public static DrillSchedule empty(Path file) {
        return new DrillSchedule(file, List.of(), List.of(), DEFAULT_MISFIRE_GRACE);
    }

    /**
     * {@code reports: {keep: 100, max_age: 8760h}}: each agent keeps the newest {@code keep} reports no
     * older than {@code max_age} (and never more than its hard bounds, DrillReportShelf's).
     */
    public record Retention(int keep, Duration maxAge) {
        public static final Retention DEFAULT = new Retention(100, Duration.ofDays(365));
    }

    /** One schedule entry: {@code {drill: NAME, cron: "0 0 3 ? * SUN#1", time_zone: Europe/Paris}}. */
    public record Entry(String name, String drill, String cron, ZoneId zone, int line) {}

    /**
     * A blackout window: either recurring ({@code cron}, a Quartz cron expression every second of which is
     * excluded, e.g. {@code "* * 8-17 ? * MON-FRI"}) or one absolute window {@code from}–{@code to} in its zone.
     */
    public record Blackout(String name, String cron, java.time.LocalDateTime from, java.time.LocalDateTime to, ZoneId zone,
                           int line) {
        public boolean recurring() {
            return cron != null;
        }
    }
}
