package dev.vigil.cli;

import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Host;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.LocalHost;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.PlaybookError;
import dev.vigil.playbook.PlaybookReader;
import dev.vigil.playbook.Report;
import dev.vigil.playbook.Vars;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
                "This release runs them on `local` (this machine) only; SSH hosts come later. See docs/playbooks.md."},
        subcommands = {PlaybookCommand.Check.class, PlaybookCommand.Plan.class, PlaybookCommand.Apply.class})
final class PlaybookCommand {
    static final int INVALID = 3;

    /** The options every verb takes. */
    static final class Inputs {
        @Parameters(paramLabel = "FILE", description = "the playbook")
        Path file;

        @Option(names = "--vars", paramLabel = "F", description = "a YAML file of variable values (name: value)")
        Path vars;

        @Option(names = "--inventory", paramLabel = "F",
                description = "a YAML file of hosts beyond `local` (SSH hosts are refused in this release)")
        Path inventory;
    }

    /** A playbook with its values, or every error found on the way. */
    record Loaded(Optional<Playbook> playbook, Map<String, String> values, Inventory inventory, List<PlaybookError> errors) {}

    static Loaded load(Inputs in, boolean needValues) {
        var errors = new ArrayList<PlaybookError>();
        Inventory inventory = Inventory.localOnly();
        if (in.inventory != null) {
            var inv = Inventory.read(in.inventory);
            errors.addAll(inv.errors());
            if (inv.inventory().isEmpty()) return new Loaded(Optional.empty(), Map.of(), inventory, errors);
            inventory = inv.inventory().get();
        }
        var r = PlaybookReader.read(in.file, inventory);
        errors.addAll(r.errors());
        if (r.playbook().isEmpty()) return new Loaded(Optional.empty(), Map.of(), inventory, errors);
        Map<String, String> values = Map.of();
        if (needValues || in.vars != null) {
            var v = Vars.resolve(r.playbook().get(), Optional.ofNullable(in.vars));
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

        @Spec
        CommandSpec spec;

        abstract boolean apply();

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var loaded = load(in, true);
            if (!loaded.errors().isEmpty()) return printErrors(loaded.errors(), err);
            var pb = loaded.playbook().orElseThrow();
            var hosts = new LinkedHashMap<String, Host>();
            for (String h : pb.hosts()) {
                var entry = loaded.inventory().host(h).orElseThrow();
                if (!entry.local()) throw new IllegalStateException("check lets no SSH host through: " + h);
                hosts.put(h, new LocalHost(h));
            }
            Engine.Listener listener = json ? Engine.Listener.NONE : (host, r) -> {
                out.printf("%-10s %-7s %s: %s%n", host, r.status(), r.name(), r.message().replace("\n", "\n    "));
                if (!r.diff().isEmpty()) {
                    for (String line : r.diff().split("\n", -1)) {
                        if (!line.isEmpty()) out.println("    " + line);
                    }
                }
                out.flush();
            };
            if (!json) out.println((apply() ? "APPLY " : "PLAN ") + pb.name() + " (" + in.file + ")");
            Report report = Engine.run(pb, loaded.values(), hosts, apply(), Engine.newRunId(),
                    dev.vigil.playbook.Engine.noJournal(), listener);
            if (json) {
                out.println(report.toJson());
            } else {
                out.println();
                out.print(report.recap());
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
        @Override
        boolean apply() {
            return true;
        }
    }
}
