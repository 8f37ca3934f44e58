package dev.vigil.wizard;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.vigil.access.Operator;
import dev.vigil.access.Permissions;
import dev.vigil.control.StatusReport;
import dev.vigil.drillroom.DrillOffer;
import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Journal;
import dev.vigil.playbook.Playbook;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Tone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wizard of one recipe, generated from its declared variables: the form, a summary, the plan
 * (the engine with apply false: per host and step, with file diffs), the apply with live progress,
 * and the result with where the answers were saved and the command line that repeats the run.
 *
 * <p>Nothing changes on any host before the operator confirms the apply: the form, the summary and
 * the plan only read, so Esc (cancel) at any of them leaves everything as it was. The apply needs
 * the role {@link Permissions} gives {@code recipe-apply} (operator), or {@code recipe-apply-key}
 * (admin) for a recipe with an {@code authkey} step, which distributes the cluster key; a viewer
 * may fill the form and see the plan. Every apply is written to the audit log (who, the recipe, the run id) when it
 * starts and when it ends, and a refused one too. Secret answers are shown as stars, masked in
 * the plan's diffs and messages, kept out of the saved vars file and out of every log.
 *
 * <p>While the form is on screen the page takes every key (a letter is typed, not a screen's
 * key), so only Ctrl-D leaves the console from here.
 */
public final class WizardPage implements Page {
    private static final Logger log = LoggerFactory.getLogger(WizardPage.class);
    static final String VERB = "recipe-apply";
    /** The verb of a recipe that distributes the cluster key: the issue gives the key to admins only. */
    static final String KEY_VERB = "recipe-apply-key";

    enum Stage { FORM, SUMMARY, PLAN, APPLY }

    private final Recipe recipe;
    private final Playbook playbook;
    private final WizardSettings settings;
    private final Form form;
    private final String verb;
    private Stage stage = Stage.FORM;
    private WizardRun plan;
    private WizardRun applied;
    private SavedRun saved;
    private boolean confirming;
    private volatile java.util.Optional<DrillOffer.Offer> drillOffer = java.util.Optional.empty(); // after a good apply
    private final Keys.Scroll scroll = new Keys.Scroll(); // summary, plan and apply
    private int formTop;

    public WizardPage(Recipe recipe, WizardSettings settings) {
        this.recipe = recipe;
        this.playbook = recipe.playbook().orElseThrow(() -> new IllegalArgumentException(recipe.firstError()));
        this.settings = settings;
        this.form = new Form(playbook);
        boolean key = java.util.stream.Stream.concat(playbook.steps().stream(), playbook.handlers().values().stream())
                .anyMatch(st -> st.type().equals("authkey"));
        this.verb = key ? KEY_VERB : VERB;
    }

    /** What an apply of this recipe is, for {@link Permissions} and the audit log. */
    String verb() {
        return verb;
    }

    Form form() {
        return form;
    }

    Stage stage() {
        return stage;
    }

    @Override
    public String title() {
        String what = switch (stage) {
            case FORM -> "answers (1/5)";
            case SUMMARY -> "summary (2/5)";
            case PLAN -> "plan (3/5)";
            case APPLY -> applied != null && applied.finished() ? "result (5/5)" : "apply (4/5)";
        };
        return recipe.id() + ": " + what;
    }

    @Override
    public long revision() {
        // stage and confirmation are changed by keys, which redraw anyway; runs change on their own
        return (plan == null ? 0 : plan.revision()) + (applied == null ? 0 : applied.revision() * 1_000_003L);
    }

    // ---- drawing --------------------------------------------------------------------------------

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        return switch (stage) {
            case FORM -> formBody(ctx, width, height);
            case SUMMARY -> scrolled(WizardLines.summary(recipe, form, width), height);
            case PLAN -> scrolled(plan == null ? List.of() : WizardLines.plan(plan, form, width), height);
            case APPLY -> scrolled(withOffer(applied == null ? List.of() : WizardLines.apply(recipe, applied, saved, settings.stateDir(), form, width)), height);
        };
    }

    private List<Line> scrolled(List<Line> lines, int height) {
        var head = new ArrayList<Line>();
        if (confirming) {
            head.add(Line.of("Apply " + recipe.title() + " to " + String.join(", ", playbook.hosts())
                    + " now? It changes the hosts as the plan says." + failedNote(), Tone.WARN));
            head.add(Line.of("[y/N]  y applies, any other key does not", Tone.TITLE));
            head.add(Line.empty());
        }
        int rest = Math.max(0, height - head.size());
        head.addAll(scroll.window(lines, rest));
        return head;
    }

    /** The result page's first line offers a drill of what was just set up, when the drill file has one. */
    private List<Line> withOffer(List<Line> lines) {
        if (drillOffer.isEmpty() || applied == null || !applied.finished()) return lines;
        var out = new ArrayList<Line>();
        out.add(Line.of("d: run a drill of what was just set up: " + drillOffer.get().label(), Tone.TITLE));
        out.addAll(lines);
        return out;
    }

    private String failedNote() {
        var r = plan == null ? null : plan.report().orElse(null);
        return r != null && r.anyFailed() ? " The plan reported failures." : "";
    }

    private static List<String> nodes(Context ctx) {
        StatusReport s = ctx.status();
        return s == null || s.nodes() == null ? List.of() : s.nodes().stream().map(StatusReport.NodeReport::name).toList();
    }

    private List<Line> formBody(Context ctx, int width, int height) {
        var f = WizardLines.form(form, recipe, nodes(ctx), width);
        // keep the current field on screen: scroll just enough
        if (f.currentFirst() < formTop) formTop = f.currentFirst();
        if (f.currentLast() >= formTop + height) formTop = f.currentLast() - height + 1;
        formTop = Math.max(0, Math.min(formTop, Math.max(0, f.lines().size() - height)));
        return Views.window(f.lines(), formTop, height);
    }

    // ---- keys -----------------------------------------------------------------------------------

    @Override
    public List<KeyHint> hints(Context ctx) {
        var h = new ArrayList<KeyHint>();
        if (confirming) return List.of(new KeyHint("y", "apply"), new KeyHint("n", "not now"));
        switch (stage) {
            case FORM -> {
                if (!form.fields().isEmpty()) {
                    h.add(new KeyHint("↑↓", "field"));
                    var f = form.currentField();
                    if (!f.typed(nodes(ctx))) h.add(switch (f.kind()) {
                        case NODES -> new KeyHint("←→ Space", "tick");
                        case FLAGS -> new KeyHint("←→ Space", "pick");
                        default -> new KeyHint("←→", "choose");
                    });
                    else h.add(new KeyHint("type", "answer"));
                }
                h.add(new KeyHint("Enter", "next"));
                h.add(new KeyHint("Esc", "cancel"));
            }
            case SUMMARY -> {
                h.add(new KeyHint("Enter", "plan"));
                h.add(new KeyHint("b", "back"));
                h.add(new KeyHint("Esc", "cancel"));
            }
            case PLAN -> {
                h.add(new KeyHint("↑↓ PgUp PgDn", "scroll"));
                if (Permissions.refusal(ctx.operator(), verb).isEmpty()) h.add(new KeyHint("a", "apply"));
                h.add(new KeyHint("b", "back"));
                h.add(new KeyHint("Esc", "cancel"));
            }
            case APPLY -> {
                h.add(new KeyHint("↑↓ PgUp PgDn", "scroll"));
                if (applied != null && applied.finished() && drillOffer.isPresent()) h.add(new KeyHint("d", "drill it"));
                if (applied != null && applied.finished()) h.add(new KeyHint("Enter/Esc", "close"));
            }
        }
        return h;
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (confirming) {
            confirming = false;
            if (k.getKeyType() == KeyType.Character && (k.getCharacter() == 'y' || k.getCharacter() == 'Y')) return apply(ctx);
            return new Reaction.Say("not applied: nothing changed", Tone.DIM);
        }
        return switch (stage) {
            case FORM -> formKey(k, ctx);
            case SUMMARY -> summaryKey(k);
            case PLAN -> planKey(k, ctx);
            case APPLY -> applyKey(k);
        };
    }

    private Reaction cancel() {
        return new Reaction.Back();
    }

    private Reaction formKey(KeyStroke k, Context ctx) {
        return FormKeys.onKey(form, k, nodes(ctx), () -> {
            if (!form.checkAll()) {
                int n = form.wrongCount();
                return new Reaction.Say(n + " answer" + (n == 1 ? " is" : "s are") + " not right: fix the field"
                        + (n == 1 ? "" : "s") + " marked ! (Next refuses until then)", Tone.WARN);
            }
            stage = Stage.SUMMARY;
            scroll.toTop();
            return Reaction.HANDLED;
        });
    }

    private Reaction summaryKey(KeyStroke k) {
        if (scroll.onKey(k)) return Reaction.HANDLED;
        if (k.getKeyType() == KeyType.Escape) return cancel();
        if (Keys.is(k, 'b') || k.getKeyType() == KeyType.Backspace || k.getKeyType() == KeyType.ArrowLeft) {
            stage = Stage.FORM;
            return Reaction.HANDLED;
        }
        if (k.getKeyType() == KeyType.Enter) {
            stage = Stage.PLAN;
            scroll.toTop();
            plan = WizardRun.start(playbook, form.values(), settings.hosts(), false, Engine.newRunId(), Engine.noJournal(), r -> { });
            return Reaction.HANDLED;
        }
        return Reaction.HANDLED;
    }

    private Reaction planKey(KeyStroke k, Context ctx) {
        if (scroll.onKey(k)) return Reaction.HANDLED;
        if (k.getKeyType() == KeyType.Escape) return cancel();
        if (Keys.is(k, 'b') || k.getKeyType() == KeyType.Backspace || k.getKeyType() == KeyType.ArrowLeft) {
            stage = Stage.SUMMARY;
            scroll.toTop();
            return Reaction.HANDLED;
        }
        if (Keys.is(k, 'a')) {
            var why = Permissions.refusal(ctx.operator(), verb);
            if (why.isPresent()) {
                audit(ctx, recipe.id(), "refused: " + why.get());
                return new Reaction.Say("refused: " + why.get() + " (the plan is yours to see)", Tone.BAD);
            }
            if (plan == null || !plan.finished()) return new Reaction.Say("wait for the plan first", Tone.WARN);
            if (plan.error().isPresent()) return new Reaction.Say("there is no plan to apply: " + plan.error().get(), Tone.BAD);
            confirming = true;
        }
        return Reaction.HANDLED;
    }

    private Reaction applyKey(KeyStroke k) {
        if (scroll.onKey(k)) return Reaction.HANDLED;
        if (Keys.is(k, 'd') && applied.finished() && drillOffer.isPresent()) return new Reaction.Open(drillOffer.get().open().get());
        boolean close = k.getKeyType() == KeyType.Escape || k.getKeyType() == KeyType.Enter;
        if (close && applied.finished()) return new Reaction.Back();
        if (close) return new Reaction.Say("the apply runs to its end (every step has its timeout); its result follows here", Tone.WARN);
        return Reaction.HANDLED;
    }

    /** Saves the answers, audits the start, and starts the apply; refused (nothing changed) when the answers cannot be saved. */
    private Reaction apply(Context ctx) {
        var why = Permissions.refusal(ctx.operator(), verb);
        if (why.isPresent()) { // the role is checked again at the moment it matters
            audit(ctx, recipe.id(), "refused: " + why.get());
            return new Reaction.Say("refused: " + why.get(), Tone.BAD);
        }
        String runId = Engine.newRunId();
        String target = recipe.id() + " run " + runId;
        try {
            saved = SavedRun.save(settings.saved(), recipe, form, runId, ctx.operator(), ctx.now(), settings.hosts().commandLineOptions());
        } catch (IOException | RuntimeException e) {
            audit(ctx, target, "not started: cannot save the answers: " + e.getMessage());
            return new Reaction.Say("not applied (nothing changed): cannot save the answers in " + settings.saved() + ": "
                    + e.getMessage(), Tone.BAD);
        }
        audit(ctx, target, "started on " + String.join(", ", playbook.hosts()) + "; answers in " + saved.vars());
        log.info("wizard: {} ({}) applies recipe {} (run {}) on {}", ctx.operator().user(), ctx.operator().role().configName(),
                recipe.id(), runId, String.join(", ", playbook.hosts()));
        var journal = new Journal(settings.stateDir(), runId, recipe.file().toAbsolutePath().toString());
        Operator who = ctx.operator();
        var auditLog = ctx.audit();
        applied = WizardRun.start(playbook, form.values(), settings.hosts(), true, runId, journal, run -> {
            String outcome = run.error().map(e -> "error: " + Views.mask(e, form.secrets())).orElseGet(() -> {
                var r = run.report().orElseThrow();
                String counts = "changed=" + r.changed() + " failed hosts="
                        + r.hosts().values().stream().filter(h -> h.failed() + h.unreachable() > 0).count();
                return (r.anyFailed() ? "failed: " : "ok: ") + counts + r.stopped().map(s -> "; stopped: " + Views.mask(s, form.secrets())).orElse("");
            });
            record(auditLog, who, target, outcome);
            if (run.report().filter(r -> !r.anyFailed()).isPresent()) {
                drillOffer = settings.drills().of(DrillOffer.definedBy(playbook, form.values()));
            }
            log.info("wizard: recipe {} run {} by {}: {}", recipe.id(), runId, who.user(), outcome);
        });
        stage = Stage.APPLY;
        scroll.toTop();
        return new Reaction.Say("applying " + recipe.id() + " (run " + runId + ")", Tone.WARN);
    }

    private void audit(Context ctx, String target, String outcome) {
        record(ctx.audit(), ctx.operator(), target, outcome);
    }

    private void record(dev.vigil.access.AuditLog audit, Operator who, String target, String outcome) {
        if (audit == null) return;
        try {
            audit.record(who, verb, target, outcome);
        } catch (IOException e) {
            log.error("console: cannot write the audit log: {} ({} {} by {}: {})", e.getMessage(), verb, target, who.user(), outcome);
        }
    }

    /** Straight to the summary when every answer is right (a wizard that asked and checked first: the serial link's). */
    void showSummary() {
        if (stage == Stage.FORM && form.checkAll()) {
            stage = Stage.SUMMARY;
            scroll.toTop();
        }
    }

    /** For the tests: when the answers were saved (after an apply started). */
    SavedRun saved() {
        return saved;
    }
}
