package dev.vigil.drillroom;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.tui.Context;
import dev.vigil.tui.Keys;
import dev.vigil.tui.Line;
import dev.vigil.tui.Page;
import dev.vigil.tui.Reaction;
import dev.vigil.tui.Tone;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's drill schedule, read-only: each entry's next fires in its zone (those inside a
 * blackout marked), its last fire, the blackouts and the misfire grace, as {@code vigil drill
 * schedule list --running} prints them. It is changed with the cluster file ({@code vigil config apply}).
 */
final class SchedulePage implements Page {
    private final Background<String> text;
    private final Keys.Scroll scroll = new Keys.Scroll();

    SchedulePage(DrillRoomSettings settings) {
        this.text = Background.load("schedule", settings.schedule()::get);
    }

    @Override
    public String title() {
        return "schedule";
    }

    @Override
    public long revision() {
        return text.revision();
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        var out = new ArrayList<Line>();
        out.add(Line.of("The cluster's drill schedule (read-only: change it in the cluster file and vigil config apply)", Tone.DIM));
        if (!text.done()) {
            out.add(Line.of("  asking the agent for the cluster file...", Tone.DIM));
            return out;
        }
        var lines = text.value().map(t -> t.lines().toList()).orElse(List.of("! " + text.error().orElse("")));
        var all = RoomLines.text(lines.stream().map(l -> l.contains("will be skipped") ? "! " + l.strip() : l).toList(), width);
        out.addAll(scroll.window(all, Math.max(1, height - out.size())));
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return List.of(new KeyHint("↑↓ PgUp PgDn", "scroll"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        return scroll.onKey(k) ? Reaction.HANDLED : Reaction.IGNORED;
    }
}
