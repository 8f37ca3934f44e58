package dev.vigil.drillroom;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillError;
import dev.vigil.drill.DrillReader;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Text;
import dev.vigil.tui.Tone;
import java.util.ArrayList;
import java.util.List;

/**
 * The drills of the drill file, read when the page opens (a file with errors shows them at
 * {@code file:line:column} and offers nothing to run): each with its fault and what it expects.
 * Enter opens the guided run; {@code r} the history of reports, {@code s} the schedule.
 */
final class CataloguePage implements Page {
    private final DrillRoomSettings settings;
    private final List<Drill> drills;
    private final List<String> errors;
    private int selected;
    private int top;

    CataloguePage(DrillRoomSettings settings) {
        this.settings = settings;
        var r = DrillReader.read(settings.drillFile());
        this.drills = r.ok() ? r.drills() : List.of();
        this.errors = r.errors().stream().map(DrillError::toString).toList();
    }

    List<Drill> drills() {
        return drills;
    }

    @Override
    public String title() {
        return "drills";
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        var out = new ArrayList<Line>();
        out.add(Line.of("Drills in " + settings.drillFile().toAbsolutePath().normalize(), Tone.DIM));
        if (!errors.isEmpty()) {
            out.add(Line.of("! the drill file has " + errors.size() + " error(s); nothing can run until they are fixed:", Tone.BAD));
            errors.forEach(e -> out.addAll(RoomLines.text(List.of("! " + e), width)));
            return out;
        }
        if (drills.isEmpty()) {
            out.add(Line.of("  none (docs/drills.md, \"The drill file\")", Tone.DIM));
            return out;
        }
        int nameWidth = Math.min(24, drills.stream().mapToInt(d -> d.name().length()).max().orElse(4) + 2);
        int faultWidth = Math.min(30, drills.stream().mapToInt(d -> RoomLines.fault(d).length()).max().orElse(4) + 2);
        var rows = new ArrayList<Line>();
        for (int i = 0; i < drills.size(); i++) {
            var d = drills.get(i);
            boolean sel = i == selected;
            rows.add(Line.builder().add(sel ? "> " : "  ", Tone.TITLE).add(Text.fit(d.name(), nameWidth), sel ? Tone.SELECTED : Tone.NORMAL)
                    .add(Text.fit(RoomLines.fault(d), faultWidth)).add("expects " + RoomLines.expects(d), Tone.DIM).build());
        }
        // under the list: the selected drill's description and probes, so a choice is an informed one
        var d = drills.get(selected);
        var about = new ArrayList<String>();
        if (!d.description().isEmpty()) about.add(d.description());
        about.add("expects: " + RoomLines.expects(d));
        d.probes().forEach(p -> about.add("probe " + p.name() + ": " + p.kind().key() + " " + p.address() + " every "
                + p.interval().toMillis() + " ms"));
        about.add("limits: budget " + d.limits().budget().toSeconds() + " s, settle " + d.limits().settle().toSeconds() + " s");
        var aboutLines = RoomLines.text(about, width);
        int rest = Math.max(1, height - out.size() - aboutLines.size() - 1);
        if (selected < top) top = selected;
        if (selected >= top + rest) top = selected - rest + 1;
        out.addAll(rows.subList(top, Math.min(rows.size(), top + rest)));
        out.add(Line.empty());
        aboutLines.forEach(l -> out.add(Line.of(l.text(), Tone.DIM)));
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        var h = new ArrayList<KeyHint>();
        if (!drills.isEmpty()) {
            h.add(new KeyHint("↑↓", "select"));
            h.add(new KeyHint("Enter", "preconditions, run"));
        }
        h.add(new KeyHint("r", "reports"));
        h.add(new KeyHint("s", "schedule"));
        return h;
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (Keys.is(k, 'r')) return new Reaction.Open(new ReportsPage(settings));
        if (Keys.is(k, 's')) return new Reaction.Open(new SchedulePage(settings));
        if (drills.isEmpty()) return Reaction.IGNORED;
        switch (k.getKeyType()) {
            case ArrowUp -> selected = Math.max(0, selected - 1);
            case ArrowDown -> selected = Math.min(drills.size() - 1, selected + 1);
            case Home -> selected = 0;
            case End -> selected = drills.size() - 1;
            case Enter -> {
                return new Reaction.Open(new GuidedRunPage(drills.get(selected), settings));
            }
            default -> {
                return Reaction.IGNORED;
            }
        }
        return Reaction.HANDLED;
    }
}
