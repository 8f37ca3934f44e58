package dev.vigil.cli;

import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillError;
import dev.vigil.drill.DrillReader;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drill.schedule.Blackouts;
import dev.vigil.drill.schedule.DrillSchedule;
import dev.vigil.drill.schedule.FireLog;
import dev.vigil.drill.schedule.ScheduleReader;
import dev.vigil.drill.schedule.ScheduleRunner;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.quartz.CronExpression;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil drill schedule [list] | run}: the cluster's drill schedule (the cluster file's
 * {@code drills:} section). {@code list} shows each entry's next fires and its last outcome from the
 * fire log; {@code run} is the runner, meant to be run by the cluster as a resource so that exactly one
 * is up (docs/drills.md, "Scheduled drills").
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"The cluster's drill schedule: `list` (the default) shows the next fires of each entry and its last "
                + "outcome; `run` is the runner (run it as a cluster resource, see docs/drills.md)."},
        subcommands = {DrillScheduleCommand.ListSchedule.class, DrillScheduleCommand.Run.class})
final class DrillScheduleCommand extends ScheduleListOptions implements Callable<Integer> {
    static final int NEXT_FIRES = 3;

    @Override
    public Integer call() {
        return ListSchedule.list(files, target, running);
    }

    /** The drill names of the drill file, when it can be read (the schedule's entries are checked against them). */
    static Optional<Collection<String>> knownDrills(DrillCommand.Files files, NodeOptions target) {
        var f = files.drillFile(target.config);
        if (!java.nio.file.Files.exists(f)) return Optional.empty();
        var r = DrillReader.read(f);
        return r.ok() ? Optional.of(r.drills().stream().map(Drill::name).toList()) : Optional.empty();
    }

    static Optional<DrillSchedule> read(ScheduleReader.Result r, Path file, PrintWriter err) {
        if (r.ok()) return Optional.of(r.schedule());
        r.errors().stream().map(DrillError::toString).forEach(err::println);
        err.println("vigil: " + r.errors().size() + " error(s) in the drill schedule of " + file);
        return Optional.empty();
    }

    /**
     * The blackout covering an instant, for a manual run's precondition: from the cluster file the agent
     * runs, else from {@code config}. A schedule with errors covers every instant (the run is refused
     * until it is fixed: an unreadable blackout must not let a drill through).
     */
    static java.util.function.Function<Instant, Optional<String>> blackouts(dev.vigil.control.ControlClient agent, Path config) {
        var r = ScheduleReader.read(config, clusterFileText(agent, config), Optional.empty());
        if (!r.ok()) {
            String why = "unknown: the drill schedule has errors (vigil drill schedule list): " + r.errors().get(0);
            return t -> Optional.of(why);
        }
        var b = Blackouts.of(r.schedule().blackouts());
        return b::covering;
    }

    /** The cluster file the agent runs (the schedule and retention are in it), else {@code config}'s text, else none. */
    static String clusterFileText(dev.vigil.control.ControlClient agent, Path config) {
        try {
            return agent.runningConfig();
        } catch (java.io.IOException e) {
            try {
                return java.nio.file.Files.exists(config) ? java.nio.file.Files.readString(config) : "";
            } catch (java.io.IOException e2) {
                return "";
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Each schedule entry's next fires (those inside a blackout marked) and its last outcome.",
            exitCodeListHeading = DrillCommand.RUN_EXITS_HEADING, exitCodeList = {"0:listed", "2:the schedule has errors, or no agent answers (--running)"})
    static final class ListSchedule extends ScheduleListOptions implements Callable<Integer> {
        @Override
        public Integer call() {
            return list(files, target, running);
        }

        static Integer list(DrillCommand.Files files, NodeOptions target, boolean running) {
            var out = target.out();
            ScheduleReader.Result r;
            if (running) {
                var agent = target.clientOrExplain();
                if (agent == null) return 2;
                try {
                    r = ScheduleReader.read(target.config, agent.runningConfig(), knownDrills(files, target));
                } catch (java.io.IOException e) {
                    target.err().println("vigil: cannot read the agent's cluster file: " + e.getMessage());
                    return 2;
                }
            } else {
                r = ScheduleReader.read(target.config, knownDrills(files, target));
            }
            var schedule = read(r, target.config, target.err());
            if (schedule.isEmpty()) return 2;
            var s = schedule.get();
            if (s.entries().isEmpty()) {
                out.println("No scheduled drills in " + target.config + " (the `drills:` section, docs/drills.md).");
                return 0;
            }
            Optional<FireLog> log;
            try {
                log = java.nio.file.Files.isDirectory(files.stateDir) ? Optional.of(FireLog.open(files.stateDir)) : Optional.empty();
            } catch (java.io.IOException e) {
                target.err().println("vigil: cannot read the fire log in " + files.stateDir + ": " + e.getMessage());
                log = Optional.empty();
            }
            out.print(describe(s, log, Instant.now()));
            return 0;
        }
    }

    /**
     * The listing of the schedule the agents run (else {@code config}'s), as {@code schedule list --running}
     * prints it; its errors as text. For the console's schedule page.
     */
    static String runningSchedule(dev.vigil.control.ControlClient agent, Path config, Path drillFile, Path stateDir) {
        String text;
        String from;
        try {
            text = agent.runningConfig();
            from = "the cluster file the agents run";
        } catch (java.io.IOException e) {
            try {
                text = java.nio.file.Files.readString(config);
                from = config + " (no agent answered: " + e.getMessage() + ")";
            } catch (java.io.IOException e2) {
                return "! no agent answered (" + e.getMessage() + ") and " + config + " cannot be read: " + e2.getMessage() + "\n";
            }
        }
        var drills = DrillReader.read(drillFile);
        Optional<Collection<String>> known = drills.ok() ? Optional.of(drills.drills().stream().map(Drill::name).toList()) : Optional.empty();
        var r = ScheduleReader.read(config, text, known);
        if (!r.ok()) {
            var sb = new StringBuilder("! the drill schedule in " + from + " has errors; every drill is refused until they are fixed:\n");
            r.errors().forEach(e -> sb.append("! ").append(e).append('\n'));
            return sb.toString();
        }
        if (r.schedule().entries().isEmpty()) return "No scheduled drills in " + from + " (the `drills:` section, docs/drills.md).\n";
        Optional<FireLog> log;
        try {
            log = java.nio.file.Files.isDirectory(stateDir) ? Optional.of(FireLog.open(stateDir)) : Optional.empty();
        } catch (java.io.IOException e) {
            log = Optional.empty();
        }
        return "From " + from + ":\n" + describe(r.schedule(), log, Instant.now());
    }

    /** The listing: per entry, its cron and zone, the next fires (blackouts marked), the last recorded fire. */
    static String describe(DrillSchedule s, Optional<FireLog> log, Instant now) {
        var blackouts = Blackouts.of(s.blackouts());
        var sb = new StringBuilder();
        for (var e : s.entries()) {
            sb.append(e.name()).append(": drill ").append(e.drill()).append(", cron \"").append(e.cron()).append("\" in ")
                    .append(e.zone()).append(" (").append(s.file()).append(':').append(e.line()).append(")\n");
            var fmt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(e.zone());
            try {
                var cron = new CronExpression(e.cron());
                cron.setTimeZone(TimeZone.getTimeZone(e.zone()));
                Date next = cron.getNextValidTimeAfter(Date.from(now));
                for (int i = 0; i < NEXT_FIRES && next != null; i++, next = cron.getNextValidTimeAfter(next)) {
                    Instant t = next.toInstant();
                    sb.append("  next: ").append(fmt.format(t))
                            .append(blackouts.covering(t).map(b -> "  (inside blackout " + b + ": will be skipped)").orElse(""))
                            .append('\n');
                }
            } catch (java.text.ParseException ex) {
                sb.append("  next: none (").append(ex.getMessage()).append(")\n"); // the reader refused it already
            }
            var last = log.flatMap(l -> l.last(e.name()));
            sb.append("  last: ").append(last.map(f -> fmt.format(f.scheduledAt()) + " " + f.outcome()
                    + (f.reason().isEmpty() ? "" : " (" + f.reason() + ")")
                    + (f.result().isEmpty() ? "" : ": " + f.result()) + " on " + f.runner()).orElse("never")).append('\n');
        }
        for (var b : s.blackouts()) {
            sb.append("blackout ").append(b.name()).append(": ").append(b.recurring() ? "every second of \"" + b.cron() + "\""
                    : b.from() + " to " + b.to()).append(" in ").append(b.zone()).append('\n');
        }
        sb.append("misfire grace: ").append(s.misfireGrace().toMillis()).append(" ms\n");
        return sb.toString();
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"The schedule's runner: fires each entry's drill as `vigil drill run NAME --yes` would, records every "
                    + "fire in the fire log of --state-dir, and follows changes of the schedule applied with `vigil config apply`. "
                    + "Run it as a cluster resource (exactly one in the cluster; docs/drills.md). Stops on SIGTERM."},
            exitCodeListHeading = DrillCommand.RUN_EXITS_HEADING, exitCodeList = {"0:stopped", "2:it could not start"})
    static final class Run implements Callable<Integer> {
        @Mixin
        DrillCommand.Files files;
        @Mixin
        NodeOptions target;
        @Option(names = "--reload", paramLabel = "DURATION", description = "how often the schedule is read again (default: ${DEFAULT-VALUE})")
        String reload = "5s";
        @Option(names = "--from-file", description = "read the schedule from --config instead of the running agent's cluster file")
        boolean fromFile;

        @Override
        public Integer call() throws Exception {
            var out = target.out();
            var err = target.err();
            Duration every = dev.vigil.config.Durations.parse(reload).filter(d -> !d.isZero()).orElse(null);
            if (every == null) {
                err.println("vigil: --reload " + reload + ": expected a duration such as 5s");
                return 2;
            }
            var client = fromFile ? null : target.clientOrExplain();
            if (!fromFile && client == null) return 2;
            var log = FireLog.open(files.stateDir);
            String runner = target.node.orElseGet(() -> ProcessHandle.current().pid() + "@" + hostName());
            var stop = new CountDownLatch(1);
            var stopped = new CountDownLatch(1);
            var hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "drill-schedule-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            String text = null;
            ScheduleRunner current = null;
            try {
                do {
                    String now;
                    try {
                        now = fromFile ? java.nio.file.Files.readString(target.config) : client.runningConfig();
                    } catch (java.io.IOException e) {
                        err.println("vigil: cannot read the schedule: " + e.getMessage() + " (trying again in " + reload + ")");
                        err.flush();
                        continue;
                    }
                    if (now.equals(text)) continue;
                    text = now;
                    var schedule = read(ScheduleReader.read(target.config, now, knownDrills(files, target)), target.config, err);
                    if (schedule.isEmpty()) {
                        err.println("vigil: keeping the previous schedule" + (current == null ? " (none)" : ""));
                        err.flush();
                        continue;
                    }
                    if (current != null) current.close();
                    current = new ScheduleRunner(schedule.get(), log, launcher(runner), Clock.systemUTC(), runner, m -> {
                        out.println(m);
                        out.flush();
                    }, clusterFires(client));
                    current.start();
                } while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS));
                return 0;
            } finally {
                if (current != null) current.close();
                stopped.countDown();
            }
        }

        /** Runs a drill in this process as `vigil drill run NAME --yes --json` would, with this runner's options. */
        private ScheduleRunner.Launcher launcher(String runner) {
            return (entry, scheduled) -> {
                var args = new ArrayList<>(List.of("drill", "run", entry.drill(), "--yes", "--json",
                        "--state-dir", files.stateDir.toString(), "--config", target.config.toString(),
                        "--fire", ScheduleRunner.fireKey(entry, scheduled), "--runner", runner));
                if (files.file != null) args.addAll(List.of("--file", files.file.toString()));
                target.connect.ifPresent(c -> args.addAll(List.of("--connect", c)));
                target.socket.ifPresent(p -> args.addAll(List.of("--socket", p.toString())));
                var store = new ReportStore(files.stateDir);
                var before = store.ids();
                var cli = new CommandLine(new VigilCommand());
                var quiet = new PrintWriter(Writer.nullWriter());
                var errors = new java.io.StringWriter();
                cli.setOut(quiet).setErr(new PrintWriter(errors, true));
                int rc = cli.execute(args.toArray(String[]::new));
                var id = store.ids().stream().filter(x -> !before.contains(x)).reduce((a, b) -> b);
                var report = id.isPresent() ? store.load(id.get()) : Optional.<dev.vigil.drill.report.DrillReport>empty();
                if (report.isPresent()) {
                    var r = report.get();
                    return r.verdict() + (r.reason() == null || r.reason().isEmpty() ? "" : " (" + r.reason() + ")") + ", report " + r.id();
                }
                // No report: the drill did not start (a drill file with errors, no agent answering).
                String why = errors.toString().strip().lines().reduce((a, b) -> b).orElse("exit " + rc);
                return "not run: " + why;
            };
        }

        /**
         * The cluster's fire log, from the coordinator's operator state in the agent's status: a runner
         * on a node with a stale local log still knows what the others ran. Read at each fire.
         */
        private static ScheduleRunner.ClusterFires clusterFires(dev.vigil.control.ControlClient client) {
            if (client == null) return ScheduleRunner.ClusterFires.NONE;
            return entry -> {
                try {
                    var r = client.status().resources();
                    if (r == null || r.drillFires() == null) return Optional.empty();
                    return Optional.ofNullable(r.drillFires().get(entry)).map(java.time.Instant::ofEpochMilli);
                } catch (java.io.IOException e) {
                    return Optional.empty(); // the coordinator still refuses a taken fire at drill-begin
                }
            };
        }

        private static String hostName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
