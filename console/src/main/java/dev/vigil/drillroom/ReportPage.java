package dev.vigil.drillroom;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import java.util.List;

/** One report as text: the verdict and its numbers, the phases as a timeline, the probes, every event (scrolls). */
final class ReportPage implements Page {
    private final DrillReport report;
    private final Keys.Scroll scroll = new Keys.Scroll();

    ReportPage(DrillReport report) {
        this.report = report;
    }

    @Override
    public String title() {
        return "report"; // the id is the body's first line: the crumbs have no room for it
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        return scroll.window(RoomLines.report(report, width), height);
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return List.of(new KeyHint("↑↓ PgUp PgDn Home End", "scroll"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        return scroll.onKey(k) ? Reaction.HANDLED : Reaction.IGNORED;
    }
}
