package dev.vigil.wizard;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.vigil.access.Permissions;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.Durations;
import dev.vigil.control.SerialTestReport;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Tone;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The serial link wizard (recipe {@code serial-link}): its form is the recipe's, then instead of
 * going straight to the plan it tests the cable through the two nodes' agents (op {@code
 * serial-test}: node_a sends, node_b echoes), shows both ends' counts live, the verdict and what to
 * check, and only then offers the recipe's plan and apply, which merges the link into the cluster
 * file. The test changes nothing but needs the operator role (it drives the agents' ports), and
 * is audited with its verdict.
 */
public final class SerialTestPage implements Page {
    static final String RECIPE = "serial-link";
    static final String AUDIT_VERB = "serial-test";

    enum Stage { FORM, TEST }

    private final Recipe recipe;
    private final WizardPage recipeWizard;
    private final Function<ClusterConfig, SerialAgents> agents;
    private final Keys.Scroll scroll = new Keys.Scroll();
    private Stage stage = Stage.FORM;
    private SerialTestRun run;

    public SerialTestPage(Recipe recipe, WizardSettings settings) {
        this(recipe, settings, SerialAgents::of);
    }

    SerialTestPage(Recipe recipe, WizardSettings settings, Function<ClusterConfig, SerialAgents> agents) {
        this.recipe = recipe;
        this.recipeWizard = new WizardPage(recipe, settings);
        this.agents = agents;
    }

    Stage stage() {
        return stage;
    }

    SerialTestRun run() {
        return run;
    }

    Form form() {
        return recipeWizard.form();
    }

    @Override
    public String title() {
        // the recipe's own steps (answers, then summary, plan, apply, result), with the cable test after the answers
        return stage == Stage.FORM ? recipeWizard.title() : recipe.id() + ": " + (run.finished() ? "cable test verdict" : "testing the cable");
    }

    @Override
    public long revision() {
        return run == null ? 0 : run.revision();
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        if (stage == Stage.FORM) return recipeWizard.body(ctx, width, height);
        return scroll.window(testLines(width), height);
    }

    private List<Line> testLines(int width) {
        var out = new ArrayList<Line>();
        out.add(Line.of("Serial link test: " + run.sender.node() + ":" + run.sender.device() + " → " + run.echoer.node() + ":"
                + run.echoer.device() + " at " + run.baud + " baud for " + Durations.format(run.duration), Tone.TITLE));
        out.add(Line.of("  " + run.sender.node() + " sends a probe every 50ms, " + run.echoer.node()
                + " echoes each back, through their agents", Tone.DIM));
        out.add(Line.empty());
        out.add(end(run.sender.node() + " (sends)", run.sent(), true));
        out.add(end(run.echoer.node() + " (echoes)", run.echoed(), false));
        out.add(Line.empty());
        if (!run.finished()) {
            out.add(Line.of("testing… (ends by itself within " + Durations.format(run.duration.plus(SerialTestRun.AFTER)) + ")", Tone.WARN));
            return out;
        }
        var v = verdict();
        out.addAll(Views.wrapped("Verdict: " + v.word() + ": " + v.summary(), width, "  ", v.ok() ? Tone.GOOD : Tone.BAD));
        out.addAll(Views.wrapped("Hint: " + v.hint(), width, "  ", v.ok() ? Tone.NORMAL : Tone.WARN));
        out.add(Line.empty());
        out.add(Line.of(v.ok() ? "a: add this link to the cluster (the recipe's plan, then apply); r: test again; b: change the answers"
                : "r: test again; b: change the answers; a: add the link anyway (the plan first)", Tone.DIM));
        return out;
    }

    private static Line end(String who, Optional<SerialTestReport> r, boolean sender) {
        var b = Line.builder().add("  " + dev.vigil.tui.Text.fit(who, 18), Tone.TITLE);
        if (r.isEmpty()) return b.add("starting", Tone.DIM).build();
        var x = r.get();
        b.add(dev.vigil.tui.Text.fit(x.state(), 8), x.done() ? Tone.NORMAL : Tone.WARN);
        if (sender) {
            b.add("sent " + x.sent() + "  back " + x.received() + "  corrupted " + x.corrupted() + "  lost " + x.lost());
            if (x.rttP50Ms() != null) {
                b.add(String.format(java.util.Locale.ROOT, "  RTT p50 %.1f p99 %.1f max %.1f ms", x.rttP50Ms(), x.rttP99Ms(), x.rttMaxMs()), Tone.DIM);
            }
        } else {
            b.add("heard " + x.received() + "  echoed " + x.sent() + "  corrupted " + x.corrupted());
        }
        if (x.done() && x.verdict() != null) b.add("  " + x.verdict(), "OK".equals(x.verdict()) ? Tone.GOOD : Tone.BAD);
        return b.build();
    }

    SerialVerdict verdict() {
        return SerialVerdict.of(run.sender.node(), run.echoer.node(), run.sent(), run.echoed(), run.error(), run.baud);
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        if (stage == Stage.FORM) {
            var h = new ArrayList<>(recipeWizard.hints(ctx));
            h.replaceAll(k -> k.key().equals("Enter") ? new KeyHint("Enter", "test the cable") : k);
            return h;
        }
        if (!run.finished()) return List.of(new KeyHint("", "testing…"));
        return List.of(new KeyHint("a", "add to the cluster"), new KeyHint("r", "test again"), new KeyHint("b", "back"),
                new KeyHint("Esc", "close"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (stage == Stage.FORM) {
            if (k.getKeyType() != KeyType.Enter) return recipeWizard.onKey(k, ctx);
            return startTest(ctx);
        }
        if (!run.finished()) {
            if (k.getKeyType() == KeyType.Escape) {
                return new Reaction.Say("the test ends by itself within " + Durations.format(run.duration.plus(SerialTestRun.AFTER)), Tone.WARN);
            }
            return Reaction.HANDLED;
        }
        if (scroll.onKey(k)) return Reaction.HANDLED;
        if (k.getKeyType() == KeyType.Escape) return new Reaction.Back();
        if (Keys.is(k, 'b')) {
            stage = Stage.FORM;
            return Reaction.HANDLED;
        }
        if (Keys.is(k, 'r')) return startTest(ctx);
        if (Keys.is(k, 'a')) {
            recipeWizard.showSummary();
            return new Reaction.Open(recipeWizard);
        }
        return Reaction.HANDLED;
    }

    private Reaction startTest(Context ctx) {
        var form = recipeWizard.form();
        if (!form.checkAll()) {
            return new Reaction.Say(form.wrongCount() + " answer(s) not right: fix the fields marked ! (Next refuses until then)", Tone.WARN);
        }
        var v = form.values();
        if (v.get("node_a").equals(v.get("node_b"))) {
            return new Reaction.Say("node_a and node_b are the same node: a cable joins two nodes", Tone.WARN);
        }
        var why = Permissions.refusal(ctx.operator(), WizardPage.VERB);
        if (why.isPresent()) {
            audit(ctx, target(v.get("node_a"), v.get("node_b")), "refused: " + why.get());
            return new Reaction.Say("refused: the test drives the agents' serial ports: " + why.get(), Tone.BAD);
        }
        if (ctx.config() == null) {
            return new Reaction.Say("the console has no cluster file (vigil console --config FILE): it reaches the agents with its key", Tone.BAD);
        }
        Duration d = Durations.parse(v.get("duration")).orElseThrow();
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofSeconds(60)) > 0) {
            return new Reaction.Say("duration must be from 1s to 60s for the test, got " + v.get("duration"), Tone.WARN);
        }
        String target = target(v.get("node_a") + ":" + v.get("device_a"), v.get("node_b") + ":" + v.get("device_b"));
        var who = ctx.operator();
        var auditLog = ctx.audit();
        audit(ctx, target, "started at " + v.get("baud") + " baud for " + v.get("duration"));
        run = SerialTestRun.start(agents.apply(ctx.config()), new SerialTestRun.End(v.get("node_a"), v.get("device_a")),
                new SerialTestRun.End(v.get("node_b"), v.get("device_b")), Integer.parseInt(v.get("baud")), d, r -> {
                    var verdict = SerialVerdict.of(r.sender.node(), r.echoer.node(), r.sent(), r.echoed(), r.error(), r.baud);
                    record(auditLog, who, target, verdict.word() + ": " + verdict.summary());
                });
        stage = Stage.TEST;
        scroll.toTop();
        return new Reaction.Say("testing the cable between " + v.get("node_a") + " and " + v.get("node_b"), Tone.WARN);
    }

    private static String target(String a, String b) {
        return "serial link " + a + " ↔ " + b;
    }

    private static void audit(Context ctx, String target, String outcome) {
        record(ctx.audit(), ctx.operator(), target, outcome);
    }

    private static void record(dev.vigil.access.AuditLog audit, dev.vigil.access.Operator who, String target, String outcome) {
        if (audit == null) return;
        try {
            audit.record(who, AUDIT_VERB, target, outcome);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(SerialTestPage.class).error("console: cannot write the audit log: {}", e.getMessage());
        }
    }
}
