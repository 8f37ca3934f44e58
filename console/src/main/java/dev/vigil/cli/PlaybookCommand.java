package dev.vigil.cli;

import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.Journal;
import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.PlaybookError;
import dev.vigil.playbook.PlaybookReader;
import dev.vigil.playbook.Report;
import dev.vigil.playbook.Vars;
import dev.vigil.playbook.ssh.Connections;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil playbook}: check, plan and apply YAML playbooks (the engine is {@code dev.vigil.playbook}). */
@Command(name = "playbook", mixinStandardHelpOptions = true,
        description = {"Check, plan and apply YAML playbooks.",
                "Hosts are `local` (this machine) and the hosts of an inventory or of a cluster file (by default"
                        + " $VIGIL_CONFIG, else /etc/vigil/cluster.yaml, when it exists), reached over SSH."
                        + " See docs/playbooks.md."},
        subcommands = {PlaybookCommand.Check.class, PlaybookCommand.Plan.class, PlaybookCommand.Apply.class,
                PlaybookCommand.Runs.class, PlaybookCommand.Undo.class})
final class PlaybookCommand {
    static final int INVALID = 3;

    /** The options every verb takes. */
    static final class Inputs {
        @Parameters(paramLabel = "FILE", description = "the playbook")
        Path file;

        @Option(names = "--vars", paramLabel = "F",
                description = "a YAML file of variable values (name: value); repeatable, a later file wins (e.g. --vars vars.yaml --vars secrets.yaml)")
        List<Path> vars = new ArrayList<>();

        @Option(names = "--inventory", paramLabel = "F",
                description = "a YAML file of hosts, groups and their SSH settings (it wins over --config)")
        Path inventory;

        @Option(names = "--config", paramLabel = "F",
                description = "a cluster file: its nodes are hosts, reached over SSH at their address (root, port 22)"
                        + " (default, without --inventory: $VIGIL_CONFIG, else /etc/vigil/cluster.yaml, when it exists)")
        Path config;

        @Option(names = "--limit", paramLabel = "HOSTS",
                description = "run on these of the play's hosts only: names or groups, separated by commas")
        String limit;
    }

    /** A playbook with its values, or every error found on the way. */
    record Loaded(Optional<Playbook> playbook, Map<String, String> values, Inventory inventory, List<PlaybookError> errors) {}

    /**
     * The cluster file whose nodes are the hosts when neither --inventory nor --config is given: the
     * one the other verbs use ($VIGIL_CONFIG, else /etc/vigil/cluster.yaml), when it exists; else
     * none, and only {@code local} is known.
     */
    static Optional<Path> defaultCluster(Path inventory, Path config) {
        if (inventory != null || config != null) return Optional.ofNullable(config);
        Path p = NodeOptions.defaultConfig();
        return java.nio.file.Files.exists(p) ? Optional.of(p) : Optional.empty();
    }

    static Loaded load(Inputs in, boolean needValues) {
        var errors = new ArrayList<PlaybookError>();
        Inventory inventory = Inventory.localOnly();
        var config = defaultCluster(in.inventory, in.config);
        if (in.inventory != null || config.isPresent()) {
            var inv = Inventory.read(Optional.ofNullable(in.inventory), config);
            errors.addAll(inv.errors());
            if (inv.inventory().isEmpty()) return new Loaded(Optional.empty(), Map.of(), inventory, errors);
            inventory = inv.inventory().get();
        }
        var r = PlaybookReader.read(in.file, inventory);
        errors.addAll(r.errors());
        if (r.playbook().isEmpty()) return new Loaded(Optional.empty(), Map.of(), inventory, errors);
        if (in.limit != null) {
            try {
                r = new PlaybookReader.Result(Optional.of(r.playbook().get().withHosts(
                        inventory.limit(r.playbook().get().hosts(), in.limit))), r.errors());
            } catch (IllegalArgumentException e) {
                for (String m : e.getMessage().split("\n")) errors.add(new PlaybookError(in.file, 0, 0, m));
                return new Loaded(Optional.empty(), Map.of(), inventory, errors);
            }
        }
        Map<String, String> values = Map.of();
        if (needValues || !in.vars.isEmpty()) {
            var v = Vars.resolve(r.playbook().get(), in.vars);
            errors.addAll(v.errors());
            values = v.values();
        }
        return new Loaded(errors.isEmpty() ? r.playbook() : Optional.empty(), values, inventory, errors);
    }

    static int printErrors(List<PlaybookError> errors, PrintWriter err) {
        errors.forEach(e -> err.println(e));
        err.println(errors.size() + " error(s)");
        return INVALID;
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validate a playbook (and its vars file and inventory when given); print every error as "
                    + "file:line:column.", "Without --vars, variables without a default are not reported."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:valid", "2:bad usage", "3:errors, each printed"})
    static final class Check implements Callable<Integer> {
        @Mixin
        Inputs in;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var loaded = load(in, false);
            if (!loaded.errors().isEmpty()) return printErrors(loaded.errors(), spec.commandLine().getErr());
            var pb = loaded.playbook().orElseThrow();
            spec.commandLine().getOut().println(in.file + ": OK (" + pb.steps().size() + " step(s), "
                    + pb.handlers().size() + " handler(s), hosts " + String.join(", ", pb.hosts()) + ")");
            return 0;
        }
    }

    /** plan and apply: the same run, with or without changing anything. */
    abstract static class Run implements Callable<Integer> {
        @Mixin
        Inputs in;

        @Option(names = "--json", description = "Print one JSON document instead of lines and a recap.")
        boolean json;

        @Option(names = "--forks", paramLabel = "N", defaultValue = "" + Engine.Options.DEFAULT_FORKS,
                description = "How many hosts run at the same time (default: ${DEFAULT-VALUE}).")
        int forks;

        @Option(names = "--accept-new", description = "Add the host key of a host known_hosts does not know yet "
                + "(OpenSSH's StrictHostKeyChecking=accept-new); a changed key is still refused.")
        boolean acceptNew;

        @Spec
        CommandSpec spec;

        abstract boolean apply();

        /** The journal of an apply; none for a plan. */
        dev.vigil.playbook.steps.Step.FileWatcher journal(String runId, Playbook pb) {
            return Engine.noJournal();
        }

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var loaded = load(in, true);
            if (!loaded.errors().isEmpty()) return printErrors(loaded.errors(), err);
            var pb = loaded.playbook().orElseThrow();
            if (forks < 1) {
                err.println("--forks must be 1 or more, got " + forks);
                return 2;
            }
            // A live host x step table on a terminal, plain lines elsewhere (PlaybookProgress).
            var progress = json ? null : PlaybookProgress.forTerminal(out, apply());
            Engine.Listener listener = json ? Engine.Listener.NONE : progress;
            if (!json) out.println((apply() ? "APPLY " : "PLAN ") + pb.name() + " (" + in.file + ")");
            String runId = Engine.newRunId();
            Report report;
            // Every host of the play connected at once; an unreachable one fails its first step with the reason.
            try (var hosts = Connections.open(loaded.inventory(), pb.hosts(), acceptNew)) {
                report = Engine.run(pb, loaded.values(), hosts.hosts(), apply(), runId, journal(runId, pb), listener,
                        new Engine.Options(forks));
            }
            if (json) {
                out.println(report.toJson());
            } else {
                progress.finish(report);
            }
            return report.anyFailed() ? 1 : 0;
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"A dry run: per host and step, ok / change / fail with why, and a unified diff for every "
                    + "file it would change. Changes nothing.",
                    "A command step's `unless` query runs (it must only look); the command itself does not."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every step would succeed", "1:a step would fail on a host", "2:bad usage",
                    "3:invalid playbook, vars file or inventory"})
    static final class Plan extends Run {
        @Override
        boolean apply() {
            return false;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Run the playbook: each step changes what it must; a second apply reports 0 changed.",
                    "The first failed step stops its host; notified handlers run once at the end of a host that did not fail."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every host ok", "1:a host failed", "2:bad usage", "3:invalid playbook, vars file or inventory"})
    static final class Apply extends Run {
        @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = Journal.DEFAULT_DIR,
                description = "where each host keeps the run journal (default: ${DEFAULT-VALUE})")
        String stateDir;

        @Override
        boolean apply() {
            return true;
        }

        @Override
        dev.vigil.playbook.steps.Step.FileWatcher journal(String runId, Playbook pb) {
            return new Journal(stateDir, runId, pb.file().toAbsolutePath().toString());
        }
    }

    /**
     * The hosts whose journals {@code runs} and {@code undo} read: with {@code --inventory}/{@code --config}
     * (or, without both, the default cluster file when it exists) every host they name (those of {@code --limit}), over
     * SSH. Each apply keeps its journal on the host it changed, so the run is undone where it ran.
     */
    static final class JournalHosts {
        @Option(names = "--inventory", paramLabel = "F", description = "the hosts of this inventory (with --config: merged)")
        Path inventory;

        @Option(names = "--config", paramLabel = "F", description = "the nodes of this cluster file, over SSH "
                + "(default, without --inventory: $VIGIL_CONFIG, else /etc/vigil/cluster.yaml, when it exists)")
        Path config;

        @Option(names = "--limit", paramLabel = "HOSTS", description = "these hosts or groups only, separated by commas")
        String limit;

        @Option(names = "--accept-new", description = "Add the host key of a host known_hosts does not know yet.")
        boolean acceptNew;

        @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = Journal.DEFAULT_DIR,
                description = "the journal's directory on each host (default: ${DEFAULT-VALUE})")
        String stateDir;

        /** Opens the hosts, or prints why not and gives the exit code. */
        Connections open(PrintWriter err) {
            var cluster = defaultCluster(inventory, config);
            if (inventory == null && cluster.isEmpty()) {
                return Connections.open(Inventory.localOnly(), List.of(Inventory.LOCAL), false);
            }
            var inv = Inventory.read(Optional.ofNullable(inventory), cluster);
            if (inv.inventory().isEmpty()) {
                inv.errors().forEach(err::println);
                return null;
            }
            var names = inv.inventory().get().hosts().stream().map(Inventory.HostEntry::name)
                    .filter(n -> !n.equals(Inventory.LOCAL)).toList();
            if (limit != null) {
                try {
                    names = inv.inventory().get().limit(names, limit);
                } catch (IllegalArgumentException e) {
                    err.println(e.getMessage());
                    return null;
                }
            }
            return Connections.open(inv.inventory().get(), names, acceptNew);
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true,
            description = {"List the applies journaled on each host (those that created or replaced a file), oldest first.",
                    "Every host's of --inventory/--config (default: the cluster file, when it exists), over SSH; else this machine's."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed", "1:a host could not be read", "2:bad usage", "3:invalid inventory or cluster file"})
    static final class Runs implements Callable<Integer> {
        @Mixin
        JournalHosts where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            int exit = 0;
            try (var hosts = where.open(err)) {
                if (hosts == null) return INVALID;
                boolean several = hosts.hosts().size() > 1 || !hosts.hosts().containsKey(Inventory.LOCAL);
                for (var h : hosts.hosts().values()) {
                    List<Journal.Run> runs;
                    try {
                        runs = Journal.runs(h, where.stateDir);
                    } catch (IOException e) {
                        err.println(h.name() + ": " + e.getMessage());
                        exit = 1;
                        continue;
                    }
                    if (several) out.println("== " + h.name());
                    if (runs.isEmpty()) {
                        out.println("no runs journaled in " + where.stateDir);
                        continue;
                    }
                    out.printf("%-22s %-6s %-7s %s%n", "RUN", "FILES", "UNDONE", "PLAYBOOK");
                    for (var r : runs) {
                        out.printf("%-22s %-6d %-7s %s%n", r.id(), r.files(), r.undone() ? "yes" : "no", r.playbook());
                    }
                }
            }
            return exit;
        }
    }

    @Command(name = "undo", mixinStandardHelpOptions = true,
            description = {"Put back every file run RUN created or replaced, newest first, on each host where it ran: "
                    + "previous content and mode restored, created files removed.",
                    "Every host of --inventory/--config (default: the cluster file, when it exists) that journaled RUN, over SSH; else this machine.",
                    "A file that changed again since the run is left alone and reported, unless --force.",
                    "Commands the run ran and directories it created are not undone."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every file restored", "1:some files were left alone (changed since), or a host failed",
                    "2:bad usage, unknown run or run undone already", "3:invalid inventory or cluster file"})
    static final class Undo implements Callable<Integer> {
        @Parameters(paramLabel = "RUN", description = "a run id from `vigil playbook runs`")
        String run;

        @Option(names = "--force", description = "restore files that changed after the run too")
        boolean force;

        @Mixin
        JournalHosts where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            try (var hosts = where.open(err)) {
                if (hosts == null) return INVALID;
                boolean several = hosts.hosts().size() > 1 || !hosts.hosts().containsKey(Inventory.LOCAL);
                int found = 0;
                long undone = 0;
                long kept = 0;
                boolean hostFailed = false;
                for (var h : hosts.hosts().values()) {
                    // Only the hosts that journaled the run: an apply that changed no file there left none.
                    Optional<Journal.Run> journaled;
                    try {
                        journaled = Journal.runs(h, where.stateDir).stream().filter(r -> r.id().equals(run)).findFirst();
                    } catch (IOException e) {
                        err.println(h.name() + ": " + e.getMessage());
                        hostFailed = true;
                        continue;
                    }
                    if (journaled.isEmpty()) continue;
                    if (journaled.get().undone()) {
                        err.println("vigil: " + (several ? h.name() + ": " : "") + "run " + run + " was undone already");
                        return 2;
                    }
                    found++;
                    List<Journal.Undone> result;
                    try {
                        result = Journal.undo(h, where.stateDir, run, force);
                    } catch (IOException e) {
                        err.println(h.name() + ": " + e.getMessage());
                        hostFailed = true;
                        continue;
                    }
                    for (var u : result) {
                        out.println((several ? h.name() + " " : "") + (u.done() ? "undone  " : "KEPT    ") + u.path() + ": " + u.what());
                    }
                    long k = result.stream().filter(u -> !u.done()).count();
                    kept += k;
                    undone += result.size() - k;
                }
                if (found == 0 && !hostFailed) {
                    err.println("vigil: no run " + run + " journaled in " + where.stateDir + " on " + String.join(", ", hosts.hosts().keySet()));
                    return 2;
                }
                out.println(undone + " file(s) undone, " + kept + " left alone" + (several ? " on " + found + " host(s)" : ""));
                return kept > 0 || hostFailed ? 1 : 0;
            }
        }
    }
}
