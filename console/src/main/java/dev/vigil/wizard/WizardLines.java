package dev.vigil.wizard;

import dev.vigil.playbook.Flags;
import dev.vigil.playbook.Journal;
import dev.vigil.playbook.Report;
import dev.vigil.tui.Line;
import dev.vigil.tui.Text;
import dev.vigil.tui.Tone;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What each step of a wizard shows, as lines for its page: pure functions of the wizard's state. */
final class WizardLines {
    private WizardLines() {}

    /** The form's lines, and which of them belong to the current field (to keep it on screen). */
    record FormLines(List<Line> lines, int currentFirst, int currentLast) {}

    static FormLines form(Form form, Recipe recipe, List<String> nodes, int width) {
        var lines = new ArrayList<Line>();
        int labelWidth = Math.min(Math.max(12, width / 3), form.fields().stream().mapToInt(f -> f.name().length()).max().orElse(4) + 1);
        int currentFirst = 0;
        int currentLast = 0;
        for (int i = 0; i < form.fields().size(); i++) {
            var f = form.fields().get(i);
            boolean here = i == form.current();
            if (here) currentFirst = lines.size();
            var b = Line.builder().add(here ? "> " : "  ", Tone.TITLE).add(Text.fit(f.name(), labelWidth), here ? Tone.TITLE : Tone.NORMAL);
            value(b, form, f, here, nodes);
            lines.add(b.build());
            var problem = form.problem(f.name());
            if (problem.isPresent()) {
                lines.addAll(Views.wrapped("! " + problem.get(), width, "    ", Tone.BAD));
            }
            if (here) {
                String about = f.shape() + (f.decl().description().isEmpty() ? "" : ": " + f.decl().description())
                        + f.decl().defaultValue().filter(d -> !d.isEmpty() && !f.secret()).map(d -> " (default " + d + ")")
                                .or(() -> Optional.ofNullable(recipe.examples().get(f.name())).filter(x -> !x.isEmpty() && !f.secret())
                                        .map(x -> " (e.g. " + x + ")")).orElse("");
                lines.addAll(Views.wrapped(about, width, "    ", Tone.DIM));
                currentLast = lines.size() - 1;
            }
        }
        if (form.fields().isEmpty()) lines.add(Line.of("This recipe declares no variables: there is nothing to answer.", Tone.DIM));
        lines.add(Line.empty());
        lines.add(Line.of("Enter: next (a summary; nothing changes before you confirm the apply)", Tone.DIM));
        return new FormLines(lines, currentFirst, currentLast);
    }

    private static void value(Line.Builder b, Form form, Field f, boolean here, List<String> nodes) {
        String v = form.answer(f.name());
        b.add(" ");
        if (f.kind() == Field.Kind.NODES && !nodes.isEmpty()) {
            var chosen = form.chosenNodes(f.name());
            for (int i = 0; i < nodes.size(); i++) {
                String box = (chosen.contains(nodes.get(i)) ? "[x] " : "[ ] ") + nodes.get(i);
                b.add(box, here && i == form.highlight() ? Tone.SELECTED : Tone.NORMAL).add(" ");
            }
            return;
        }
        if (f.kind() == Field.Kind.FLAGS) {
            var sets = Flags.sets(f.decl().choices());
            for (int i = 0; i < sets.size(); i++) {
                String c = Flags.chosen(v, sets.get(i));
                b.add(here && i == form.highlight() ? "<" + c + ">" : " " + c + " ", here && i == form.highlight() ? Tone.SELECTED : Tone.NORMAL);
            }
            return;
        }
        if (!f.typed(nodes)) {
            String shown = v.isEmpty() ? "(choose)" : f.kind() == Field.Kind.BOOL ? (v.equals("true") ? "yes" : "no") : v;
            b.add(here ? "< " + shown + " >" : shown, v.isEmpty() ? Tone.DIM : Tone.NORMAL);
            return;
        }
        String shown = f.secret() ? "*".repeat(v.length()) : v;
        if (here) {
            b.add(shown).add("_", Tone.SELECTED);
        } else {
            b.add(v.isEmpty() ? "(no answer)" : shown, v.isEmpty() ? Tone.DIM : Tone.NORMAL);
        }
    }

    static List<Line> summary(Recipe recipe, Form form, int width) {
        var playbook = recipe.playbook().orElseThrow();
        var out = new ArrayList<Line>();
        out.add(Line.of(recipe.title(), Tone.TITLE));
        out.add(Line.of("  recipe " + recipe.file(), Tone.DIM));
        out.add(Line.of("  runs on " + String.join(", ", playbook.hosts()), Tone.DIM));
        out.add(Line.empty());
        int labelWidth = Math.min(Math.max(12, width / 3), form.fields().stream().mapToInt(f -> f.name().length()).max().orElse(4) + 1);
        for (var f : form.fields()) {
            String v = form.values().get(f.name());
            out.add(Line.builder().add("  " + Text.fit(f.name(), labelWidth))
                    .add(f.secret() ? Views.STARS + " (secret: kept apart from the saved answers)" : v.isEmpty() ? "(empty)" : v,
                            f.secret() || v.isEmpty() ? Tone.DIM : Tone.NORMAL).build());
        }
        out.add(Line.empty());
        out.addAll(Views.wrapped("Enter works out the plan: what would change on each host, with file diffs. "
                + "It changes nothing.", width, "", Tone.DIM));
        return out;
    }

    static List<Line> plan(WizardRun plan, Form form, int width) {
        var out = new ArrayList<Line>();
        if (plan == null) return out;
        if (!plan.finished()) {
            out.add(Line.of("Working out the plan (nothing is changed)...", Tone.WARN));
            out.addAll(progress(plan, form, width));
            return out;
        }
        if (plan.error().isPresent()) {
            out.addAll(Views.wrapped("! cannot work out the plan: " + Views.mask(plan.error().get(), form.secrets()), width, "", Tone.BAD));
            return out;
        }
        Report r = plan.report().orElseThrow();
        out.add(Line.of("Plan: " + r.changed() + " change" + (r.changed() == 1 ? "" : "s") + " on " + r.hosts().size()
                + " host" + (r.hosts().size() == 1 ? "" : "s") + "; nothing has been changed yet", Tone.TITLE));
        long bad = r.hosts().values().stream().filter(h -> h.failed() + h.unreachable() > 0).count();
        if (bad > 0) {
            out.add(Line.of("! " + bad + " host" + (bad == 1 ? "" : "s") + " failed or could not be reached: an apply would fail there too",
                    Tone.BAD));
        }
        r.stopped().ifPresent(why -> out.addAll(Views.wrapped("STOPPED: " + Views.mask(why, form.secrets()), width, "", Tone.BAD)));
        for (var h : r.hosts().values()) {
            out.add(Line.builder().add(h.host(), Tone.TITLE).add("  ok=" + h.ok() + " change=" + h.changed() + " fail=" + h.failed()
                    + " skipped=" + h.skipped() + (h.unreachable() > 0 ? " UNREACHABLE" : ""), h.failed() + h.unreachable() > 0 ? Tone.BAD : Tone.DIM).build());
            for (var s : h.steps()) out.addAll(Views.step(s, width, form.secrets(), true));
        }
        return out;
    }

    static List<Line> progress(WizardRun run, Form form, int width) {
        var out = new ArrayList<Line>();
        for (var h : run.hosts()) {
            String state = h.finished() ? "done" : h.running() == null ? "between steps" : "running: " + h.running();
            out.add(Line.builder().add(h.host(), Tone.TITLE).add("  " + Views.mask(state, form.secrets()),
                    h.finished() ? Tone.DIM : Tone.WARN).build());
            for (var s : h.done()) out.addAll(Views.step(s, width, form.secrets(), false));
        }
        return out;
    }

    static List<Line> apply(Recipe recipe, WizardRun applied, SavedRun saved, String stateDir, Form form, int width) {
        var out = new ArrayList<Line>();
        if (applied == null) return out;
        if (!applied.finished()) {
            out.add(Line.of("Applying " + recipe.title() + " (run " + applied.runId() + ")...", Tone.WARN));
            out.addAll(progress(applied, form, width));
            return out;
        }
        var r = applied.report();
        if (applied.error().isPresent()) {
            out.addAll(Views.wrapped("! not applied: " + Views.mask(applied.error().get(), form.secrets()), width, "", Tone.BAD));
        } else {
            boolean failed = r.get().anyFailed();
            out.add(Line.of((failed ? "! FAILED: " : "Done: ") + recipe.title() + " (run " + applied.runId() + "), "
                    + r.get().changed() + " changed", failed ? Tone.BAD : Tone.GOOD));
            r.get().stopped().ifPresent(why -> out.addAll(Views.wrapped("STOPPED: " + Views.mask(why, form.secrets()), width, "", Tone.BAD)));
        }
        out.addAll(Views.wrapped("Answers saved in " + saved.vars(), width, "", Tone.TITLE));
        saved.secrets().ifPresent(s -> out.addAll(Views.wrapped("Secrets saved apart in " + s + " (mode 0600)", width, "", Tone.TITLE)));
        out.addAll(Views.wrapped("Playbook " + saved.playbook(), width, "", Tone.TITLE));
        out.add(Line.of("Repeat it from a shell:", Tone.DIM));
        out.addAll(Views.wrapped(saved.commandLine(), width, "  ", Tone.NORMAL));
        out.addAll(Views.wrapped("Undo its file changes: vigil playbook undo " + applied.runId()
                + (stateDir.equals(Journal.DEFAULT_DIR) ? "" : " --state-dir " + stateDir), width, "", Tone.DIM));
        out.add(Line.empty());
        r.ifPresent(rep -> {
            for (var h : rep.hosts().values()) {
                out.add(Line.builder().add(h.host(), Tone.TITLE).add("  ok=" + h.ok() + " changed=" + h.changed() + " failed=" + h.failed()
                        + " skipped=" + h.skipped() + (h.unreachable() > 0 ? " UNREACHABLE" : ""), h.failed() + h.unreachable() > 0 ? Tone.BAD : Tone.DIM).build());
                for (var s : h.steps()) out.addAll(Views.step(s, width, form.secrets(), false));
            }
        });
        return out;
    }
}
