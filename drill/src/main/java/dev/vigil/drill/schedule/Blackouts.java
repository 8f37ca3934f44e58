package dev.vigil.drill.schedule;

import dev.vigil.drill.schedule.DrillSchedule.Blackout;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.Calendar;
import org.quartz.impl.calendar.BaseCalendar;
import org.quartz.impl.calendar.CronCalendar;

/**
 * The schedule's blackout windows as Quartz calendars: a recurring one is a {@link CronCalendar} (every
 * second its expression matches is excluded), a one-off window a {@link Window}. They are not attached
 * to the triggers, where Quartz would skip an excluded fire silently: the runner asks {@link #covering}
 * at each fire, so a fire inside a blackout is skipped <em>and recorded</em>.
 */
public final class Blackouts {
    private record Named(String name, Calendar calendar) {}

    private final List<Named> calendars;

    private Blackouts(List<Named> calendars) {
        this.calendars = calendars;
    }

    public static Blackouts of(List<Blackout> blackouts) {
        var list = new ArrayList<Named>();
        for (var b : blackouts) {
            TimeZone tz = TimeZone.getTimeZone(b.zone());
            if (b.recurring()) {
                try {
                    list.add(new Named(b.name(), new CronCalendar(null, b.cron(), tz)));
                } catch (ParseException e) {
                    throw new IllegalArgumentException("blackout " + b.name() + ": " + e.getMessage(), e); // the reader checked it
                }
            } else {
                list.add(new Named(b.name(), new Window(b.from().atZone(b.zone()).toInstant(), b.to().atZone(b.zone()).toInstant())));
            }
        }
        return new Blackouts(List.copyOf(list));
    }

    /** The first blackout (in file order) that excludes this instant. */
    public Optional<String> covering(Instant t) {
        return calendars.stream().filter(c -> !c.calendar().isTimeIncluded(t.toEpochMilli())).map(Named::name).findFirst();
    }

    /** A one-off window [from, to) as a Quartz calendar. */
    static final class Window extends BaseCalendar {
        private final Instant from;
        private final Instant to;

        Window(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public boolean isTimeIncluded(long timeStamp) {
            if (!super.isTimeIncluded(timeStamp)) return false;
            return timeStamp < from.toEpochMilli() || timeStamp >= to.toEpochMilli();
        }

        @Override
        public long getNextIncludedTime(long timeStamp) {
            long t = super.getNextIncludedTime(timeStamp);
            return isTimeIncluded(t) ? t : to.toEpochMilli();
        }
    }
}
