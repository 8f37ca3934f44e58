package dev.vigil.drillroom;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.tui.Context;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Tone;
import java.util.ArrayList;
import java.util.List;

/** The history: the reports in the state directory, newest first (as {@code vigil drill history}); Enter opens one. */
final class ReportsPage implements Page {
    /** The newest this many: a history of years need not be read to show its top. */
    static final int SHOWN = 200;

    private final DrillRoomSettings settings;
    private final Background<List<DrillReport>> reports;
    private int selected;
    private int top;

    ReportsPage(DrillRoomSettings settings) {
        this.settings = settings;
        this.reports = Background.load("history", () -> {
            var ids = new ArrayList<>(settings.store().ids());
            java.util.Collections.reverse(ids);
            var out = new ArrayList<DrillReport>();
            for (var id : ids.subList(0, Math.min(SHOWN, ids.size()))) settings.store().load(id).ifPresent(out::add);
            return out;
        });
    }

    @Override
    public String title() {
        return "reports";
    }

    @Override
    public long revision() {
        return reports.revision();
    }

    private List<DrillReport> list() {
        return reports.value().orElse(List.of());
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        var out = new ArrayList<Line>();
        out.add(Line.of("Drill reports in " + settings.store().dir().toAbsolutePath().normalize() + ", newest first", Tone.DIM));
        if (!reports.done()) {
            out.add(Line.of("  reading...", Tone.DIM));
            return out;
        }
        if (reports.error().isPresent()) {
            out.add(Line.of("! cannot read the reports: " + reports.error().get(), Tone.BAD));
            return out;
        }
        var l = list();
        if (l.isEmpty()) out.add(Line.of("  no drills run from here yet", Tone.DIM));
        int rest = Math.max(1, height - out.size());
        if (selected < top) top = selected;
        if (selected >= top + rest) top = selected - rest + 1;
        for (int i = top; i < Math.min(l.size(), top + rest); i++) out.add(RoomLines.historyRow(l.get(i), i == selected, width));
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return list().isEmpty() ? List.of() : List.of(new KeyHint("↑↓", "select"), new KeyHint("Enter", "open the report"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        var l = list();
        if (l.isEmpty()) return Reaction.IGNORED;
        switch (k.getKeyType()) {
            case ArrowUp -> selected = Math.max(0, selected - 1);
            case ArrowDown -> selected = Math.min(l.size() - 1, selected + 1);
            case Home -> selected = 0;
            case End -> selected = l.size() - 1;
            case Enter -> {
                return new Reaction.Open(new ReportPage(l.get(selected)));
            }
            default -> {
                return Reaction.IGNORED;
            }
        }
        return Reaction.HANDLED;
    }
}
