package dev.vigil.drillroom;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.access.Permissions;
import dev.vigil.drill.Drill;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.ReportText;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Tone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guided drill: the preconditions with ✓/✗ (refused when any fails), a typed confirmation (the
 * drill's name), then the run: the timeline drawn as the run produces it (the events {@code vigil
 * drill run} streams), a strip per probe, and the verdict with its numbers and what was restored.
 *
 * <p>Nothing is done before the confirmation: Esc until then changes nothing. Starting needs the
 * operator role ({@link Permissions}, verb {@code drill}); a viewer sees the preconditions and is
 * refused, and the refusal is audited. During the run {@code a} aborts (as {@code vigil drill
 * abort}: the run restores, then reports {@code aborted}). The start (with the run's id), the end
 * (the verdict) and an abort are written to the audit log.
 */
final class GuidedRunPage implements Page {
    private static final Logger log = LoggerFactory.getLogger(GuidedRunPage.class);

    private final Drill drill;
    private final DrillRoomSettings settings;
    private GuidedRun run;
    private StringBuilder typed; // non-null while the confirmation is asked
    private boolean abortAsked;
    private final Keys.Scroll scroll = new Keys.Scroll(); // the verdict

    GuidedRunPage(Drill drill, DrillRoomSettings settings) {
        this.drill = drill;
        this.settings = settings;
        this.run = GuidedRun.check(drill, settings.starter());
    }

    GuidedRun run() {
        return run;
    }

    @Override
    public String title() {
        String what = typed != null ? "confirm" : switch (run.stage()) {
            case CHECKING, READY -> "preconditions";
            case REFUSED -> "refused";
            case RUNNING -> "running";
            case DONE -> "verdict";
        };
        return "drill " + drill.name() + ": " + what;
    }

    @Override
    public long revision() {
        // while running the probes sample on their own: redraw the strip four times a second
        return run.revision() + (run.stage() == GuidedRun.Stage.RUNNING ? System.nanoTime() / 250_000_000L : 0);
    }

    // ---- drawing --------------------------------------------------------------------------------

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        var head = new ArrayList<Line>();
        head.add(Line.builder().add(RoomLines.fault(drill), Tone.TITLE).add("  expects " + RoomLines.expects(drill), Tone.DIM).build());
        return switch (run.stage()) {
            case CHECKING -> {
                head.add(Line.of("checking the preconditions (nothing is done yet)...", Tone.DIM));
                yield head;
            }
            case READY, REFUSED -> preconditions(head, ctx, width, height);
            case RUNNING -> running(head, width, height);
            case DONE -> done(head, width, height);
        };
    }

    private List<Line> preconditions(List<Line> out, Context ctx, int width, int height) {
        out.add(Line.of("Preconditions:", Tone.TITLE));
        out.addAll(RoomLines.checks(run.checks(), width));
        out.add(Line.empty());
        if (run.stage() == GuidedRun.Stage.REFUSED) {
            var first = run.checks().stream().filter(c -> !c.ok()).findFirst();
            out.addAll(RoomLines.text(List.of("✗ Refused: " + first.map(c -> c.name() + ": " + c.detail()).orElse("")
                    + ". Nothing was done; c checks again."), width));
        } else if (typed != null) {
            out.add(Line.of("This injects a real fault into the running cluster.", Tone.WARN));
            out.addAll(RoomLines.text(List.of("Type its name (" + drill.name() + ") and Enter to run it; Esc: not now."), width));
            out.add(Line.builder().add("> ", Tone.TITLE).add(typed.toString()).add("_", Tone.DIM).build());
        } else if (Permissions.refusal(ctx.operator(), DrillRoom.VERB).isPresent()) {
            out.add(Line.of("Starting a drill needs the operator role; you are " + ctx.operator().role().configName() + ".", Tone.DIM));
        } else {
            out.add(Line.of("All preconditions hold. Enter asks you to type the drill's name to run it.", Tone.GOOD));
        }
        return out.subList(0, Math.min(out.size(), height));
    }

    private List<Line> running(List<Line> out, int width, int height) {
        out.add(Line.of("Running " + run.id().orElse("") + "  phase " + run.phase().map(p -> p.key()).orElse("-")
                + (abortAsked ? "  ABORTING: restoring first" : ""), abortAsked ? Tone.WARN : Tone.TITLE));
        var samples = run.samples();
        for (var p : drill.probes()) out.add(RoomLines.strip(p.name(), samples, width));
        out.add(Line.of("Timeline (ms from the injection):", Tone.TITLE));
        var entries = run.timeline();
        int room = Math.max(0, height - out.size());
        entries.subList(Math.max(0, entries.size() - room), entries.size()).forEach(e -> out.add(RoomLines.entry(e)));
        return out;
    }

    private List<Line> done(List<Line> out, int width, int height) {
        var all = new ArrayList<Line>();
        if (run.report().isPresent()) {
            var r = run.report().get();
            all.addAll(RoomLines.text(ReportText.summary(r), width));
            if (r.verdict().equals("refused")) {
                all.add(Line.of("Preconditions as the run checked them:", Tone.TITLE));
                all.addAll(RoomLines.checks(run.runChecks(), width));
            }
            all.add(Line.of("Report " + r.id() + " (r shows it)", Tone.DIM));
            all.add(Line.of("Timeline (ms from the injection):", Tone.TITLE));
            r.timeline().stream().filter(e -> !ReportText.chatter(e)).forEach(e -> all.addAll(RoomLines.entry(e, width)));
        } else {
            all.add(Line.of("✗ the run ended without a report: " + run.error().orElse("unknown"), Tone.BAD));
        }
        out.addAll(scroll.window(all, Math.max(0, height - out.size())));
        return out;
    }

    // ---- keys -----------------------------------------------------------------------------------

    @Override
    public List<KeyHint> hints(Context ctx) {
        if (typed != null) return List.of(new KeyHint("type", "the drill's name"), new KeyHint("Enter", "run"), new KeyHint("Esc", "not now"));
        return switch (run.stage()) {
            case CHECKING -> List.of(new KeyHint("Esc", "back"));
            case READY -> Permissions.refusal(ctx.operator(), DrillRoom.VERB).isPresent()
                    ? List.of(new KeyHint("c", "check again"), new KeyHint("Esc", "back"))
                    : List.of(new KeyHint("Enter", "run (asks for its name)"), new KeyHint("c", "check again"), new KeyHint("Esc", "back"));
            case REFUSED -> List.of(new KeyHint("c", "check again"), new KeyHint("Esc", "back"));
            case RUNNING -> List.of(new KeyHint("a", "abort and restore"));
            case DONE -> List.of(new KeyHint("↑↓ PgUp PgDn", "scroll"), new KeyHint("r", "report"), new KeyHint("Esc", "back"));
        };
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (typed != null) return confirmKey(k, ctx);
        return switch (run.stage()) {
            case CHECKING -> k.getKeyType() == KeyType.Escape ? new Reaction.Back() : Reaction.HANDLED;
            case READY, REFUSED -> {
                if (Keys.is(k, 'c')) {
                    run = GuidedRun.check(drill, settings.starter());
                    yield Reaction.HANDLED;
                }
                if (run.stage() == GuidedRun.Stage.READY && (k.getKeyType() == KeyType.Enter)) yield askConfirmation(ctx);
                yield k.getKeyType() == KeyType.Escape ? new Reaction.Back() : Reaction.HANDLED;
            }
            case RUNNING -> {
                if (Keys.is(k, 'a')) yield abort(ctx);
                yield k.getKeyType() == KeyType.Escape
                        ? new Reaction.Say("the drill runs to its verdict; a aborts it (it restores first)", Tone.WARN) : Reaction.HANDLED;
            }
            case DONE -> {
                if (scroll.onKey(k)) yield Reaction.HANDLED;
                if (Keys.is(k, 'r') && run.report().isPresent()) yield new Reaction.Open(new ReportPage(run.report().get()));
                yield k.getKeyType() == KeyType.Escape || k.getKeyType() == KeyType.Enter ? new Reaction.Back() : Reaction.HANDLED;
            }
        };
    }

    private Reaction askConfirmation(Context ctx) {
        var why = Permissions.refusal(ctx.operator(), DrillRoom.VERB);
        if (why.isPresent()) {
            record(ctx.audit(), ctx.operator(), DrillRoom.VERB, drill.name(), "refused: " + why.get());
            return new Reaction.Say("refused: " + why.get(), Tone.BAD);
        }
        typed = new StringBuilder();
        return Reaction.HANDLED;
    }

    /** While the name is typed every key is a letter of it (a {@code q} does not quit). */
    private Reaction confirmKey(KeyStroke k, Context ctx) {
        switch (k.getKeyType()) {
            case Escape -> {
                typed = null;
                return new Reaction.Say("not started: nothing was done", Tone.DIM);
            }
            case Backspace -> {
                if (typed.length() > 0) typed.setLength(typed.length() - 1);
            }
            case Enter -> {
                if (!typed.toString().strip().equals(drill.name())) {
                    typed.setLength(0);
                    return new Reaction.Say("not confirmed: type " + drill.name() + " exactly (Esc: not now)", Tone.WARN);
                }
                typed = null;
                return start(ctx);
            }
            case Character -> {
                if (!k.isCtrlDown() && !k.isAltDown() && typed.length() < 200) typed.append(k.getCharacter());
            }
            default -> { }
        }
        return Reaction.HANDLED;
    }

    private Reaction start(Context ctx) {
        var why = Permissions.refusal(ctx.operator(), DrillRoom.VERB); // checked again at the moment it matters
        if (why.isPresent()) {
            record(ctx.audit(), ctx.operator(), DrillRoom.VERB, drill.name(), "refused: " + why.get());
            return new Reaction.Say("refused: " + why.get(), Tone.BAD);
        }
        if (run.stage() != GuidedRun.Stage.READY) return new Reaction.Say("the preconditions changed: c checks again", Tone.WARN);
        Operator who = ctx.operator();
        AuditLog audit = ctx.audit();
        var running = settings.running();
        running.add(run);
        run.start(id -> {
            record(audit, who, DrillRoom.VERB, drill.name() + " run " + id, "started: " + RoomLines.fault(drill));
            log.info("drill: {} ({}) runs {} (run {})", who.user(), who.role().configName(), drill.name(), id);
        }, r -> {
            String target = drill.name() + " run " + r.id().orElse("?");
            String outcome = r.report().map(rep -> rep.verdict() + ": " + rep.reason()
                    + (rep.gapMs() == null ? "" : " (gap " + rep.gapMs() + " ms)")).orElse("error: " + r.error().orElse("?"));
            record(audit, who, DrillRoom.VERB, target, outcome);
            log.info("drill: {} by {}: {}", target, who.user(), outcome);
            running.remove(r);
        });
        return new Reaction.Say("started " + drill.name() + " (a aborts it while it runs)", Tone.WARN);
    }

    private Reaction abort(Context ctx) {
        var why = Permissions.refusal(ctx.operator(), DrillRoom.ABORT_VERB);
        String target = drill.name() + " run " + run.id().orElse("?");
        if (why.isPresent()) {
            record(ctx.audit(), ctx.operator(), DrillRoom.ABORT_VERB, target, "refused: " + why.get());
            return new Reaction.Say("refused: " + why.get(), Tone.BAD);
        }
        try {
            settings.store().requestAbort();
        } catch (IOException e) {
            record(ctx.audit(), ctx.operator(), DrillRoom.ABORT_VERB, target, "error: " + e.getMessage());
            return new Reaction.Say("cannot ask the drill to abort: " + e.getMessage(), Tone.BAD);
        }
        abortAsked = true;
        record(ctx.audit(), ctx.operator(), DrillRoom.ABORT_VERB, target, "asked: the drill restores, then reports aborted");
        return new Reaction.Say("aborting " + drill.name() + ": restoring first", Tone.WARN);
    }

    private static void record(AuditLog audit, Operator who, String verb, String target, String outcome) {
        if (audit == null) return;
        try {
            audit.record(who, verb, target, outcome);
        } catch (IOException e) {
            log.error("console: cannot write the audit log: {} ({} {} by {}: {})", e.getMessage(), verb, target, who.user(), outcome);
        }
    }

    /** For the tests: the verdict's word, once the run is over. */
    String verdict() {
        return run.report().map(DrillReport::verdict).map(v -> v.toUpperCase(Locale.ROOT)).orElse("");
    }
}
