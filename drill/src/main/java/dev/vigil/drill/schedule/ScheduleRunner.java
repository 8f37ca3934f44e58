package dev.vigil.drill.schedule;

import dev.vigil.drill.schedule.DrillSchedule.Entry;
import dev.vigil.drill.schedule.FireDecision.Decision;
import dev.vigil.drill.schedule.FireDecision.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Consumer;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.listeners.TriggerListenerSupport;

/**
 * The one runner of the cluster's schedule: a Quartz scheduler (in memory, one worker thread, so drills
 * run one at a time) with a cron trigger per schedule entry in the entry's time zone. Each fire is
 * decided by {@link FireDecision}, recorded in the {@link FireLog} before anything runs, then handed to
 * the {@link Launcher}. Quartz's own misfire handling is set to "do nothing" with the schedule's grace
 * as its threshold: a fire later than that is dropped by Quartz and recorded here by the trigger
 * listener; a later fire within it reaches the job, which runs it once.
 *
 * <p>Which node runs the runner is the cluster's business: {@code vigil drill schedule run} is meant to
 * be a cluster resource (docs/drills.md), so exactly one is up and it moves with a failover.
 */
public final class ScheduleRunner implements AutoCloseable {
    /**
     * Runs one drill for the schedule; returns a one-line result (verdict and report id). The run
     * claims the fire in the cluster ({@link #fireKey}), so a fire taken elsewhere is refused there.
     */
    @FunctionalInterface
    public interface Launcher {
        String run(Entry entry, Instant scheduled) throws Exception;
    }

    /**
     * The cluster's fire log (the coordinator's operator state): per entry, the latest scheduled fire a
     * runner took anywhere in the cluster. Empty when unknown (no agent answers, an older agent).
     */
    @FunctionalInterface
    public interface ClusterFires {
        Optional<Instant> lastTaken(String entry);

        ClusterFires NONE = e -> Optional.empty();
    }

    /** How a fire is named in the cluster's drill lock: {@code entry@epochMs}. */
    public static String fireKey(Entry e, Instant scheduled) {
        return e.name() + "@" + scheduled.toEpochMilli();
    }

    /** How far back a starting runner looks for missed fires (a per-second cron over a long outage stays bounded). */
    static final Duration CATCH_UP_HORIZON = Duration.ofDays(7);
    private static final String GROUP = "vigil-drills";

    private final DrillSchedule schedule;
    private final Blackouts blackouts;
    private final FireLog log;
    private final Launcher launcher;
    private final Clock clock;
    private final String runnerName;
    private final Consumer<String> say;
    private final ClusterFires cluster;
    private Scheduler quartz;

    public ScheduleRunner(DrillSchedule schedule, FireLog log, Launcher launcher, Clock clock, String runnerName,
                          Consumer<String> say) {
        this(schedule, log, launcher, clock, runnerName, say, ClusterFires.NONE);
    }

    public ScheduleRunner(DrillSchedule schedule, FireLog log, Launcher launcher, Clock clock, String runnerName,
                          Consumer<String> say, ClusterFires cluster) {
        this.cluster = cluster;
        this.schedule = schedule;
        this.blackouts = Blackouts.of(schedule.blackouts());
        this.log = log;
        this.launcher = launcher;
        this.clock = clock;
        this.runnerName = runnerName;
        this.say = say;
    }

    static CronExpression cron(Entry e) {
        try {
            var c = new CronExpression(e.cron());
            c.setTimeZone(TimeZone.getTimeZone(e.zone()));
            return c;
        } catch (ParseException ex) {
            throw new IllegalArgumentException(e.cron(), ex); // ScheduleReader checked it
        }
    }

    /** Records what was missed since the log's last fire, runs the latest missed fire of each entry if still due, then starts the triggers. */
    public void start() throws SchedulerException, IOException {
        Instant now = clock.instant();
        for (Entry e : schedule.entries()) {
            // The later of this log's and the cluster's last fire: a runner whose local log is stale (it ran
            // here before, another node's runner ran since) starts from the cluster's. No record at all:
            // this schedule entry is new; nothing before now was ever due to it.
            var local = log.last(e.name()).map(FireLog.Fire::scheduledAt);
            var taken = cluster.lastTaken(e.name());
            Instant since = local.isEmpty() ? taken.orElse(now)
                    : taken.isEmpty() || taken.get().isBefore(local.get()) ? local.get() : taken.get();
            if (since.isBefore(now.minus(CATCH_UP_HORIZON))) since = now.minus(CATCH_UP_HORIZON);
            for (Decision d : FireDecision.catchUp(cron(e), since, now, schedule.misfireGrace(), blackouts, 1000)) {
                handle(e, d);
            }
        }
        var p = new Properties();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "vigil-drills-" + UUID.randomUUID()); // Quartz keeps schedulers by name, JVM-wide
        
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(Math.max(1, schedule.misfireGrace().toMillis())));
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        quartz = new StdSchedulerFactory(p).getScheduler();
        quartz.setJobFactory((bundle, s) -> (Job) ctx -> fired(ctx));
        quartz.getListenerManager().addTriggerListener(new TriggerListenerSupport() {
            @Override
            public String getName() {
                return "misfires";
            }

            @Override
            public void triggerMisfired(Trigger trigger) {
                // Called before Quartz moves the trigger on: its next fire time is the one that was missed.
                schedule.entries().stream().filter(x -> x.name().equals(trigger.getKey().getName())).findFirst()
                        .ifPresent(e -> {
                            Instant missed = trigger.getNextFireTime().toInstant();
                            handle(e, FireDecision.atFire(missed, clock.instant(), schedule.misfireGrace(), blackouts));
                        });
            }
        });
        Date startAt = Date.from(now.plusMillis(1)); // fires at or before now were handled above
        for (Entry e : schedule.entries()) {
            var job = JobBuilder.newJob(Job.class).withIdentity(new JobKey(e.name(), GROUP)).build();
            var trigger = TriggerBuilder.newTrigger().withIdentity(new TriggerKey(e.name(), GROUP)).startAt(startAt)
                    .withSchedule(CronScheduleBuilder.cronSchedule(cron(e)).withMisfireHandlingInstructionDoNothing())
                    .build();
            quartz.scheduleJob(job, trigger);
        }
        quartz.start();
        say.accept("drill schedule: " + schedule.entries().size() + " entr" + (schedule.entries().size() == 1 ? "y" : "ies")
                + ", runner " + runnerName + ", fire log " + log.file());
    }

    private void fired(JobExecutionContext ctx) {
        String name = ctx.getJobDetail().getKey().getName();
        schedule.entries().stream().filter(x -> x.name().equals(name)).findFirst().ifPresent(e -> handle(e,
                FireDecision.atFire(ctx.getScheduledFireTime().toInstant(), clock.instant(), schedule.misfireGrace(), blackouts)));
    }

    /** Records the decision unless the fire is already in the log; true when this call recorded it. */
    private synchronized boolean claim(Entry e, Decision d) throws IOException {
        if (log.has(e.name(), d.scheduled())) return false;
        log.add(new FireLog.Fire(e.name(), e.drill(), d.scheduled().toString(), clock.instant().toString(), runnerName,
                d.outcome().name(), d.reason(), d.outcome() == Outcome.RUN ? "running" : ""));
        return true;
    }

    /**
     * Records the decision, then runs the drill if it says so. A fire already in the log is never handled
     * again. The drill runs outside the lock, so Quartz's misfire listener is not held up by it.
     */
    void handle(Entry e, Decision d) {
        var taken = cluster.lastTaken(e.name());
        if (taken.isPresent() && !d.scheduled().isAfter(taken.get())) {
            d = new Decision(Outcome.SKIPPED_TAKEN, d.scheduled(), "already taken in the cluster (its latest taken fire is @"
                    + taken.get() + ")");
        }
        try {
            if (!claim(e, d)) return;
            say.accept("drill schedule: " + e.name() + " @" + d.scheduled() + ": " + d.outcome()
                    + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"));
            if (d.outcome() != Outcome.RUN) return;
            String result;
            try {
                result = launcher.run(e, d.scheduled());
            } catch (Exception ex) {
                result = "error: " + ex.getMessage();
            }
            log.result(e.name(), d.scheduled(), result);
            say.accept("drill schedule: " + e.name() + " @" + d.scheduled() + ": " + result);
        } catch (IOException ex) {
            // Without a record the fire could run twice: it is not run (the exception goes to Quartz, which logs it).
            throw new UncheckedIOException("cannot write the fire log " + log.file(), ex);
        }
    }

    @Override
    public void close() throws SchedulerException {
        if (quartz != null) quartz.shutdown(true);
    }
}
