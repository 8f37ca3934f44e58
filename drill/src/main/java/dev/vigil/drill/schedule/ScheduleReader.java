package dev.vigil.drill.schedule;

import dev.vigil.config.BoundedFile;
import dev.vigil.config.Durations;
import dev.vigil.config.LocatedYaml;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.YamlChecks;
import dev.vigil.coordination.Suggest;
import dev.vigil.drill.DrillError;
import dev.vigil.drill.schedule.DrillSchedule.Blackout;
import dev.vigil.drill.schedule.DrillSchedule.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.quartz.CronExpression;

/**
 * Reads the {@code drills:} section of a cluster file (the rest of the file is the agent's, read by
 * its own loader) and reports every mistake at once at its {@code file:line:column}.
 *
 * <pre>
 * drills:
 *   misfire_grace: 10m
 *   schedule:
 *     - {drill: web-switchover, cron: "0 0 3 ? * SUN#1", time_zone: Europe/Paris}
 *   blackouts:
 *     - {name: office-hours, cron: "* * 8-17 ? * MON-FRI", time_zone: Europe/Paris}
 *     - {name: year-end-freeze, from: "2026-12-20T00:00", to: "2027-01-04T00:00", time_zone: Europe/Paris}
 * </pre>
 *
 * Cron expressions are Quartz's (seconds first, {@code ?} for the unused day field).
 */
public final class ScheduleReader {
    static final List<String> SECTION_KEYS = List.of("schedule", "blackouts", "misfire_grace", "reports");
    static final List<String> REPORTS_KEYS = List.of("keep", "max_age");
    static final List<String> ENTRY_KEYS = List.of("name", "drill", "cron", "time_zone");
    static final List<String> BLACKOUT_KEYS = List.of("name", "cron", "from", "to", "time_zone");

    private ScheduleReader() {}

    /** The schedule when the section has no errors; every error otherwise (never both). */
    public record Result(DrillSchedule schedule, List<DrillError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /**
     * @param knownDrills the drills of the drill file, to check each entry's {@code drill:}; empty when
     *                    that file is not at hand (the entry is then checked when it fires)
     */
    public static Result read(Path clusterFile, Optional<Collection<String>> knownDrills) {
        String text;
        try {
            text = BoundedFile.readText(clusterFile, BoundedFile.CLUSTER_FILE_LIMIT, "cluster file");
        } catch (IOException e) {
            String m = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            return new Result(null, List.of(new DrillError(clusterFile, 1, 1, "cannot read the cluster file: " + m)));
        }
        return read(clusterFile, text, knownDrills);
    }

    public static Result read(Path file, String text, Optional<Collection<String>> knownDrills) {
        var r = new Reading(file, knownDrills);
        try {
            var doc = LocatedYaml.read(text);
            doc.problems().forEach(p -> r.error(p.pos(), p.message()));
            doc.root().ifPresent(r::file);
        } catch (LocatedYaml.SyntaxError e) {
            r.error(e.pos, e.getMessage());
        }
        r.errors.sort(Comparator.comparingInt(DrillError::line).thenComparingInt(DrillError::column));
        if (!r.errors.isEmpty()) return new Result(null, List.copyOf(r.errors));
        return new Result(new DrillSchedule(file, List.copyOf(r.entries), List.copyOf(r.blackouts), r.grace, r.reports), List.of());
    }

    private static final class Reading implements YamlChecks {
        final Path file;
        final Optional<Collection<String>> knownDrills;
        final List<DrillError> errors = new ArrayList<>();
        final List<Entry> entries = new ArrayList<>();
        final List<Blackout> blackouts = new ArrayList<>();
        Duration grace = DrillSchedule.DEFAULT_MISFIRE_GRACE;
        DrillSchedule.Retention reports = DrillSchedule.Retention.DEFAULT;

        Reading(Path file, Optional<Collection<String>> knownDrills) {
            this.file = file;
            this.knownDrills = knownDrills;
        }

        @Override
        public void error(Pos pos, String message) {
            errors.add(new DrillError(file, pos.line(), pos.column(), message));
        }

        void file(Node root) {
            if (!(root instanceof MapNode top)) return; // the agent's loader says what is wrong with the file
            var section = top.entry("drills");
            if (section.isEmpty()) return;
            var m = map(section.get().value(), "`drills`");
            if (m.isEmpty()) return;
            checkKeys(m.get(), " in `drills`", SECTION_KEYS);
            m.get().entry("misfire_grace").flatMap(e -> duration(e.value(), "`misfire_grace`")).ifPresent(d -> grace = d);
            m.get().entry("reports").flatMap(e -> map(e.value(), "`reports`")).ifPresent(this::reports);
            var names = new HashMap<String, Integer>();
            m.get().entry("schedule").ifPresent(e -> items(e, "`schedule`").forEach(item ->
                    map(item, "each schedule entry").flatMap(this::entry).ifPresent(x -> {
                        Integer first = names.putIfAbsent(x.name(), x.line());
                        if (first != null) {
                            error(item.pos(), "schedule entry `" + x.name() + "` is defined twice (first at line " + first
                                    + "); give one a `name:`");
                        } else {
                            entries.add(x);
                        }
                    })));
            var blackoutNames = new HashMap<String, Integer>();
            m.get().entry("blackouts").ifPresent(e -> items(e, "`blackouts`").forEach(item ->
                    map(item, "each blackout").flatMap(this::blackout).ifPresent(b -> {
                        Integer first = blackoutNames.putIfAbsent(b.name(), b.line());
                        if (first != null) {
                            error(item.pos(), "blackout `" + b.name() + "` is defined twice (first at line " + first + ")");
                        } else {
                            blackouts.add(b);
                        }
                    })));
        }

        Optional<Entry> entry(MapNode m) {
            int before = errors.size();
            checkKeys(m, " in a schedule entry", ENTRY_KEYS);
            Optional<String> drill = required(m, "drill", "a schedule entry").flatMap(n -> text(n, "`drill`"));
            drill.ifPresent(d -> knownDrills.filter(k -> !k.contains(d)).ifPresent(k -> error(
                    m.entry("drill").orElseThrow().value().pos(), "no drill named `" + d + "` in the drill file"
                            + Suggest.didYouMean(d, k))));
            String name = m.entry("name").flatMap(e -> text(e.value(), "`name`")).or(() -> drill).orElse(null);
            ZoneId zone = zone(m);
            String cron = required(m, "cron", "a schedule entry").flatMap(n -> cron(n, zone)).orElse(null);
            if (errors.size() > before || drill.isEmpty() || cron == null) return Optional.empty();
            return Optional.of(new Entry(name, drill.get(), cron, zone, m.pos().line()));
        }

        Optional<Blackout> blackout(MapNode m) {
            int before = errors.size();
            checkKeys(m, " in a blackout", BLACKOUT_KEYS);
            String name = required(m, "name", "a blackout").flatMap(n -> text(n, "`name`")).orElse(null);
            ZoneId zone = zone(m);
            var cronEntry = m.entry("cron");
            var from = m.entry("from");
            var to = m.entry("to");
            String cron = null;
            LocalDateTime f = null;
            LocalDateTime t = null;
            if (cronEntry.isPresent()) {
                if (from.isPresent() || to.isPresent()) {
                    error(cronEntry.get().keyPos(), "a blackout has either `cron:` (recurring) or `from:` and `to:` (once), not both");
                }
                cron = cron(cronEntry.get().value(), zone).orElse(null);
            } else if (from.isEmpty() || to.isEmpty()) {
                error(m.pos(), "a blackout needs `cron:` (every second it matches is excluded, e.g. \"* * 8-17 ? * MON-FRI\")"
                        + " or both `from:` and `to:` (e.g. \"2026-12-20T00:00\")");
            } else {
                f = dateTime(from.get().value(), "`from`").orElse(null);
                t = dateTime(to.get().value(), "`to`").orElse(null);
                if (f != null && t != null && !t.isAfter(f)) error(to.get().value().pos(), "`to` must be after `from`");
            }
            if (errors.size() > before || name == null) return Optional.empty();
            return Optional.of(new Blackout(name, cron, f, t, zone, m.pos().line()));
        }

        ZoneId zone(MapNode m) {
            return m.entry("time_zone").flatMap(e -> text(e.value(), "`time_zone`").flatMap(z -> {
                try {
                    return Optional.of(ZoneId.of(z));
                } catch (DateTimeException ex) {
                    var ids = Set.copyOf(ZoneId.getAvailableZoneIds());
                    error(e.value().pos(), "unknown time zone `" + z + "`" + Suggest.didYouMean(z, ids)
                            + " (a tz database name such as Europe/Paris, or UTC)");
                    return Optional.empty();
                }
            })).orElse(ZoneOffset.UTC);
        }

        Optional<String> cron(Node n, ZoneId zone) {
            return text(n, "`cron`").flatMap(c -> {
                try {
                    var e = new CronExpression(c);
                    e.setTimeZone(java.util.TimeZone.getTimeZone(zone));
                    if (e.getNextValidTimeAfter(new java.util.Date()) == null) {
                        error(n.pos(), "cron expression `" + c + "` never fires again");
                        return Optional.empty();
                    }
                    return Optional.of(c);
                } catch (ParseException ex) {
                    error(n.pos(), "bad cron expression `" + c + "`: " + ex.getMessage()
                            + " (Quartz syntax: seconds minutes hours day-of-month month day-of-week [year],"
                            + " e.g. \"0 0 3 ? * SUN#1\")");
                    return Optional.empty();
                }
            });
        }

        Optional<LocalDateTime> dateTime(Node n, String what) {
            return text(n, what).flatMap(s -> {
                try {
                    return Optional.of(LocalDateTime.parse(s));
                } catch (DateTimeParseException ex) {
                    error(n.pos(), what + " must be a local date and time such as 2026-12-20T00:00, not `" + s + "`");
                    return Optional.empty();
                }
            });
        }

        List<Node> items(LocatedYaml.Entry e, String what) {
            if (e.value() instanceof ListNode l) return l.items();
            error(e.value().pos(), what + " must be a list (lines starting with `- `)");
            return List.of();
        }

        /** {@code reports: {keep: N, max_age: D}}; keep within the agents' hard bound. */
        void reports(MapNode m) {
            checkKeys(m, " in `reports`", REPORTS_KEYS);
            int keep = reports.keep();
            var k = m.entry("keep");
            if (k.isPresent()) {
                var t = text(k.get().value(), "`keep`");
                int max = dev.vigil.control.DrillReportShelf.MAX_KEEP;
                if (t.isPresent() && t.get().matches("\\d{1,4}") && Integer.parseInt(t.get()) >= 1 && Integer.parseInt(t.get()) <= max) {
                    keep = Integer.parseInt(t.get());
                } else if (t.isPresent()) {
                    error(k.get().value().pos(), "`keep` must be a whole number from 1 to " + max + ", not `" + t.get() + "`");
                }
            }
            var age = m.entry("max_age").flatMap(e -> duration(e.value(), "`max_age`")).orElse(reports.maxAge());
            reports = new DrillSchedule.Retention(keep, age);
        }

        void checkKeys(MapNode m, String where, List<String> known) {
            for (LocatedYaml.Entry e : m.entries()) {
                if (!known.contains(e.key())) {
                    error(e.keyPos(), "unknown key `" + e.key() + "`" + where + Suggest.didYouMean(e.key(), known)
                            + " (known: " + String.join(", ", known) + ")");
                }
            }
        }

        Optional<Duration> duration(Node n, String what) {
            return text(n, what).flatMap(t -> {
                var d = Durations.parse(t).filter(x -> !x.isZero());
                if (d.isEmpty()) error(n.pos(), what + " must be a duration such as 30s, 10m or 1h, not `" + t + "`");
                return d;
            });
        }
    }
}
