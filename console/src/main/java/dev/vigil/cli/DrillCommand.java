package dev.vigil.cli;

import dev.vigil.config.AtomicFile;
import dev.vigil.config.ClusterConfig;
import dev.vigil.control.ControlClient;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillClock;
import dev.vigil.drill.DrillError;
import dev.vigil.drill.DrillReader;
import dev.vigil.drill.probe.ProbeStream;
import dev.vigil.drill.report.ClusterReports;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.HtmlReport;
import dev.vigil.drill.report.ReportStore;
import dev.vigil.drill.report.ReportText;
import dev.vigil.drill.run.DrillRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil drill}: failover drills from the operator's machine (issue 12, first slice):
 * {@code list | show NAME | run NAME [--yes] [--json] | status | abort | history | report ID [--html F | --json] | schedule [list|run]}.
 * The drill file defaults to {@code drills.yaml} next to the cluster file; reports are kept in
 * {@code --state-dir} on this machine (docs/drills.md).
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Failover drills: inject a fault into the running cluster, measure what its clients see, "
                + "restore, and report (see docs/drills.md)."},
        subcommands = {DrillCommand.ListDrills.class, DrillCommand.Show.class, DrillCommand.Run.class,
                DrillCommand.Status.class, DrillCommand.Abort.class, DrillCommand.History.class, DrillCommand.Report.class,
                DrillScheduleCommand.class, DrillCommand.Probe.class})
final class DrillCommand {
    static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/vigil/drills");
    static final String RUN_EXITS_HEADING = "%nExit codes:%n";
    /** Starts a probe's far half on a node: OpenSSH in batch mode, the node's host key already known. */
    static final String DEFAULT_VANTAGE_COMMAND =
            "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 {node} vigil drill probe";

    /** The words of a {@code --vantage-command}, {@code {node}} replaced by the node's name. */
    static List<String> vantageCommand(String template, String node) {
        return java.util.Arrays.stream(template.strip().split("\\s+")).map(w -> w.replace("{node}", node)).toList();
    }

    @Command(name = "probe", mixinStandardHelpOptions = true, hidden = true,
            description = {"The far half of a probe from a named node (`vantage: NODE`), started there by `vigil drill run`: "
                    + "reads the probe from stdin, streams its samples stamped with this node's monotonic clock, answers "
                    + "pings, stops at the end of stdin (docs/drills.md)."})
    static final class Probe implements Callable<Integer> {
        @Override
        public Integer call() throws java.io.IOException {
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            var out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
            return ProbeStream.serve(in, out, DrillClock.system());
        }
    }

    /** Where drills and reports are. */
    static final class Files {
        @Option(names = "--file", paramLabel = "F", description = "the drill file (default: drills.yaml next to --config's cluster file)")
        Path file;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "where reports are kept (default: ${DEFAULT-VALUE})")
        Path stateDir = DEFAULT_STATE_DIR;

        Path drillFile(Path config) {
            if (file != null) return file;
            var parent = config.toAbsolutePath().getParent();
            return parent == null ? Path.of("drills.yaml") : parent.resolve("drills.yaml");
        }
    }

    /** Reads the drill file; prints its errors (file:line:column) and returns empty when it has any. */
    static Optional<List<Drill>> read(Path file, PrintWriter err) {
        return read(file, Optional.empty(), err);
    }

    static Optional<List<Drill>> read(Path file, Optional<java.util.Set<String>> nodes, PrintWriter err) {
        var r = DrillReader.read(file, nodes);
        if (r.ok()) return Optional.of(r.drills());
        r.errors().stream().map(DrillError::toString).forEach(err::println);
        err.println("vigil: " + r.errors().size() + " error(s) in " + file);
        return Optional.empty();
    }

    static Optional<Drill> find(List<Drill> drills, String name, PrintWriter err) {
        var d = drills.stream().filter(x -> x.name().equals(name)).findFirst();
        if (d.isEmpty()) {
            err.println("vigil: no drill named '" + name + "'" + dev.vigil.coordination.Suggest.didYouMean(name,
                    drills.stream().map(Drill::name).toList()) + " (vigil drill list)");
        }
        return d;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the drills of the drill file.",
            exitCodeListHeading = RUN_EXITS_HEADING, exitCodeList = {"0:listed", "2:the drill file has errors"})
    static final class ListDrills implements Callable<Integer> {
        @Mixin
        Files files;
        @Mixin
        NodeOptions target;

        @Override
        public Integer call() {
            var drills = read(files.drillFile(target.config), target.err());
            if (drills.isEmpty()) return 2;
            for (var d : drills.get()) {
                target.out().printf("%-24s %-17s %-10s %s%n", d.name(), d.kind().key(), d.target(), d.description());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one drill: fault, probes, expectations, limits.",
            exitCodeListHeading = RUN_EXITS_HEADING, exitCodeList = {"0:shown", "2:no such drill, or the drill file has errors"})
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;
        @Mixin
        Files files;
        @Mixin
        NodeOptions target;

        @Override
        public Integer call() {
            var d = read(files.drillFile(target.config), target.err()).flatMap(all -> find(all, name, target.err()));
            if (d.isEmpty()) return 2;
            target.out().print(describe(d.get()));
            return 0;
        }
    }

    static String describe(Drill d) {
        var sb = new StringBuilder();
        sb.append("Drill ").append(d.name()).append(" (").append(d.file()).append(':').append(d.line()).append(")\n");
        if (!d.description().isEmpty()) sb.append("  ").append(d.description()).append('\n');
        sb.append("  fault:   ").append(d.kind().key()).append(" of ").append(d.target()).append(d.to().map(t -> " to " + t).orElse(""));
        d.inject().method().ifPresent(m -> sb.append(", method ").append(m));
        d.inject().duration().ifPresent(t -> sb.append(", for ").append(t.toMillis()).append(" ms"));
        sb.append('\n');
        d.inject().command().ifPresent(c -> sb.append("  command: ").append(c).append('\n'));
        d.inject().restore().ifPresent(c -> sb.append("  restore: ").append(c).append('\n'));
        for (var p : d.probes()) {
            sb.append("  probe:   ").append(p.name()).append(": ").append(p.kind().key()).append(' ').append(p.address())
                    .append(" every ").append(p.interval().toMillis()).append(" ms, timeout ").append(p.timeout().toMillis())
                    .append(" ms, from ").append(p.vantage()).append('\n');
        }
        var e = d.expect();
        e.serviceBackWithin().ifPresent(b -> sb.append("  expect:  service back within ").append(b.toMillis()).append(" ms\n"));
        e.resources().forEach((r, n) -> sb.append("  expect:  ").append(r).append(" ends on ").append(n).append('\n'));
        e.singleHolder().forEach(r -> sb.append("  expect:  never two holders of ").append(r).append('\n'));
        e.fenced().ifPresent(f -> sb.append("  expect:  ").append(d.target()).append(f ? " fenced" : " not fenced").append('\n'));
        sb.append("  expect:  ").append(e.noOtherNodeLost() ? "no node lost besides the target (else abort)" : "other nodes may be lost").append('\n');
        sb.append("  limits:  budget ").append(d.limits().budget().toMillis()).append(" ms, settle ")
                .append(d.limits().settle().toMillis()).append(" ms\n");
        return sb.toString();
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a drill: check the preconditions, ask for confirmation (unless --yes), inject the fault, "
                    + "show the timeline as it happens, restore, print the verdict and keep the report."},
            exitCodeListHeading = RUN_EXITS_HEADING,
            exitCodeList = {"0:pass", "1:fail or aborted (restore ran)", "2:refused (nothing was done), not confirmed, "
                    + "or the drill file has errors"})
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--yes", description = "do not ask for confirmation")
        boolean yes;
        @Option(names = "--json", description = "print the report as JSON at the end instead of the live timeline")
        boolean json;
        @Option(names = "--vantage-command", paramLabel = "CMD", defaultValue = DEFAULT_VANTAGE_COMMAND,
                description = {"how a probe with `vantage: NODE` is started on that node: words, {node} replaced by its name "
                        + "(default: ${DEFAULT-VALUE})"})
        String vantageCommand;
        @Option(names = "--fire", hidden = true, description = "the schedule fire this run is (ENTRY@EPOCH-MS): "
                + "the coordinator grants each fire once in the cluster (set by `vigil drill schedule run`)")
        String fire;
        @Option(names = "--runner", hidden = true, description = "who runs it, as the cluster's drill lock shows it")
        String runner;
        @Mixin
        Files files;
        @Mixin
        NodeOptions target;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = target.out();
            var err = target.err();
            // With the cluster file at hand, a probe's vantage must name one of its nodes (file:line:column).
            Optional<java.util.Set<String>> nodes = java.nio.file.Files.exists(target.config)
                    ? Optional.ofNullable(target.loadForCliOrExplain()).map(c -> c.nodes().stream().map(n -> n.name())
                            .collect(java.util.stream.Collectors.toSet()))
                    : Optional.empty();
            var drill = read(files.drillFile(target.config), nodes, err).flatMap(all -> find(all, name, err));
            if (drill.isEmpty()) return 2;
            var d = drill.get();
            var any = target.clientOrExplain();
            if (any == null) return 2;
            var agents = DrillAgents.of(target, any);
            var config = java.nio.file.Files.exists(target.config) ? target.loadForCliOrExplain() : null;
            var store = new ReportStore(files.stateDir);
            var prepared = DrillRuns.prepare(d, any, agents, target.config, config, store, settings(DrillRun.Settings.DEFAULT),
                    node -> vantageCommand(vantageCommand, node), json ? new DrillRun.Listener() {} : new Printer(out, yes));
            var run = prepared.run();
            // Ctrl-C (or a SIGTERM) must not leave the fault in place: it asks the run to abort, and
            // the JVM waits (bounded by the drill's budget) until restore has run and the report is kept.
            var finished = new java.util.concurrent.CountDownLatch(1);
            var onSignal = new Thread(() -> {
                if (finished.getCount() == 0) return;
                try {
                    store.requestAbort();
                    err.println("vigil: aborting the drill; restoring first (vigil drill report shows what was done)");
                    err.flush();
                    finished.await(d.limits().budget().plus(d.limits().settle()).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.io.IOException | InterruptedException e) {
                    // nothing more can be done on the way out
                }
            }, "drill-abort-on-signal");
            Runtime.getRuntime().addShutdownHook(onSignal);
            try (prepared) {
                if (!json) out.print(describe(d));
                if (!yes) {
                    var checks = run.preconditions();
                    out.println("Preconditions:");
                    checks.forEach(c -> out.println("  " + ReportText.check(c)));
                    if (checks.stream().allMatch(DrillReport.Check::ok)) {
                        out.print("This injects a real fault into the running cluster. Type the drill's name (" + d.name()
                                + ") to run it: ");
                        out.flush();
                        var line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                        if (line == null || !line.strip().equals(d.name())) {
                            err.println("vigil: not confirmed; nothing was done");
                            return 2;
                        }
                    }
                }
                var report = run.run();
                // Every agent keeps a copy, so the history survives the loss of any one node (this machine's too).
                DrillAgents.handOut(report, DrillAgents.everyAgent(target, any), DrillAgents.retention(any, target.config),
                        json ? null : out, err);
                if (json) {
                    out.println(store.mapper().writeValueAsString(report));
                } else {
                    out.print(summary(report));
                    out.println("Report " + report.id() + " (vigil drill report " + report.id() + " --html FILE)");
                }
                return DrillReport.Verdict.valueOf(report.verdict().toUpperCase(java.util.Locale.ROOT)).exitCode();
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs now and returns at once: the run has finished
                }
            }
        }

        private DrillRun.Settings settings(DrillRun.Settings s) {
            if (runner != null) s = s.withRunner(runner);
            return s.withFire(Optional.ofNullable(fire));
        }
    }

    /** Streams the run to the terminal: phases, preconditions, timeline entries as they come. */
    private static final class Printer implements DrillRun.Listener {
        private final PrintWriter out;
        /** With --yes nobody saw the preconditions before the run: show them as it checks them. */
        private final boolean showChecks;

        Printer(PrintWriter out, boolean showChecks) {
            this.out = out;
            this.showChecks = showChecks;
        }

        @Override
        public synchronized void check(DrillReport.Check c) {
            if (!showChecks) return;
            out.println("  " + ReportText.check(c));
            out.flush();
        }

        @Override
        public synchronized void phase(DrillRun.Phase phase) {
            out.println("== " + phase.key());
            out.flush();
        }

        @Override
        public synchronized void entry(DrillReport.TimelineEntry e) {
            if (ReportText.chatter(e)) return;
            out.println("  " + ReportText.entry(e));
            out.flush();
        }
    }

    static String summary(DrillReport r) {
        var sb = new StringBuilder();
        ReportText.summary(r).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether a drill runs from this state directory, "
            + "or anywhere in the cluster (its drill lock, when an agent is named or the cluster file says where it is).",
            exitCodeListHeading = RUN_EXITS_HEADING, exitCodeList = {"0:a drill runs", "1:no drill runs"})
    static final class Status implements Callable<Integer> {
        @Mixin
        Files files;
        @Mixin
        NodeOptions target;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            var running = new ReportStore(files.stateDir).running();
            if (running.isPresent()) {
                out.println("running: " + running.get());
                return 0;
            }
            // Not from here: the cluster's drill lock says whether one runs anywhere (when an agent is named).
            var any = DrillAgents.named(target) ? target.clientOrExplain() : null;
            Optional<dev.vigil.control.StatusReport.RunningDrill> elsewhere = Optional.empty();
            if (any != null) {
                try {
                    elsewhere = Optional.ofNullable(any.status().resources()).map(r -> r.drill());
                } catch (java.io.IOException e) {
                    spec.commandLine().getErr().println("vigil: cannot ask the cluster: " + e.getMessage());
                }
            }
            if (elsewhere.isPresent()) {
                var d = elsewhere.get();
                out.println("running in the cluster: " + d.drill() + " (run " + d.runId() + ") by " + d.runner() + " since "
                        + java.time.Instant.ofEpochMilli(d.sinceMs()) + (d.abortBy().isEmpty() ? "" : "; abort asked by " + d.abortBy()));
                return 0;
            }
            out.println("no drill runs from " + files.stateDir + (any != null ? " or in the cluster" : ""));
            return 1;
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Ask the running drill to abort; it restores, then reports `aborted`. A drill run from this state "
                    + "directory is asked here; else the cluster's drill lock is marked (drill-abort), and the drill's runner, "
                    + "on whatever machine, sees the mark and aborts.",
            exitCodeListHeading = RUN_EXITS_HEADING, exitCodeList = {"0:asked", "1:no drill runs (or the coordinator refused)"})
    static final class Abort implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "RUN", description = "the run's id (as `vigil drill status` shows it); default: any")
        String runId;
        @Mixin
        Files files;
        @Mixin
        NodeOptions target;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var store = new ReportStore(files.stateDir);
            var running = store.running();
            if (running.isPresent() && runId == null) {
                store.requestAbort();
                out.println("asked " + running.get() + " to abort; it restores, then reports");
                return 0;
            }
            var any = DrillAgents.named(target) ? target.clientOrExplain() : null;
            if (any == null) {
                err.println("vigil: no drill runs from " + files.stateDir + " (name an agent to abort one elsewhere in the cluster)");
                return 1;
            }
            dev.vigil.control.ControlProtocol.AdminOutcome answer;
            try {
                answer = any.admin("drill-abort", List.of(runId == null ? "--any" : runId, asker()));
            } catch (java.io.IOException e) {
                err.println("vigil: cannot ask the cluster: " + e.getMessage());
                return 1;
            }
            (answer.ok() ? out : err).println((answer.ok() ? "" : "vigil: ") + answer.message());
            return answer.ok() ? 0 : 1;
        }

        /** Who asks, as the runner's report will say: the user and this host. */
        static String asker() {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            return System.getProperty("user.name", "someone") + "@" + host;
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "List the drills run from this machine, oldest first.",
            exitCodeListHeading = RUN_EXITS_HEADING, exitCodeList = {"0:listed"})
    static final class History implements Callable<Integer> {
        @Mixin
        Files files;
        @Option(names = "--json", description = "one JSON object per report: id, drill, verdict, reason, gapMs, heldBy")
        boolean json;
        @Mixin
        NodeOptions target;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var store = new ReportStore(files.stateDir);
            var out = spec.commandLine().getOut();
            var merged = DrillHistory.merge(store, DrillAgents.ifNamed(target).map(ClusterReports::history).orElse(List.of()));
            if (merged.isEmpty() && !json) out.println("no drills run from " + files.stateDir + " or kept by the agents");
            for (var r : merged) {
                if (json) {
                    out.println(store.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(java.util.Map.of("id", r.id(), "drill", r.drill(),
                            "verdict", r.verdict(), "reason", r.reason() == null ? "" : r.reason(), "gapMs", r.gapMs(),
                            "heldBy", r.heldBy())));
                } else {
                    out.printf("%-40s %-8s %s%s  [%s]%n", r.id(), r.verdict(), r.reason(), r.gapMs() < 0 ? "" : " (gap " + r.gapMs() + " ms)",
                            String.join(" ", r.heldBy()));
                }
            }
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Show a drill's report; --html F writes it as a self-contained HTML page with an SVG timeline.",
            exitCodeListHeading = RUN_EXITS_HEADING, exitCodeList = {"0:shown or written", "2:no such report"})
    static final class Report implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--html", paramLabel = "F", description = "write the HTML page to F")
        Path html;
        @Option(names = "--json", description = "print the report as JSON")
        boolean json;
        @Mixin
        Files files;
        @Mixin
        NodeOptions target;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var store = new ReportStore(files.stateDir);
            var out = spec.commandLine().getOut();
            var r = store.load(id);
            if (r.isEmpty()) r = DrillAgents.ifNamed(target).flatMap(agents -> ClusterReports.fetch(id, agents));
            if (r.isEmpty()) {
                spec.commandLine().getErr().println("vigil: no report " + id + " in " + files.stateDir
                        + " or kept by the agents (vigil drill history)");
                return 2;
            }
            if (html != null) {
                AtomicFile.write(html, HtmlReport.render(r.get()).getBytes(StandardCharsets.UTF_8));
                out.println("wrote " + html);
            } else if (json) {
                out.println(store.mapper().writeValueAsString(r.get()));
            } else {
                var rep = r.get();
                out.println("Drill " + rep.drill() + " (" + rep.kind() + " of " + rep.target() + "), report " + rep.id());
                out.print(summary(rep));
                out.println("Timeline (ms from the injection):");
                rep.timeline().forEach(t -> out.println("  " + ReportText.entry(t)));
            }
            return 0;
        }
    }
}
