package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;

/**
 * Every event this session saw, the agent's recorded ones included, newest first, with a filter: {@code /} then text (a node,
 * a resource, "died", "failed"), Enter keeps it, Esc clears it.
 */
final class EventsPage implements Page {
    private final Keys.Scroll scroll = new Keys.Scroll();
    private final StringBuilder filter = new StringBuilder();
    private boolean typing;

    @Override
    public String title() {
        return "events";
    }

    /** Pure: the events that pass the filter, newest first, under a line saying what is shown. */
    static List<Line> lines(List<ClusterEvent> events, String filter, boolean typing) {
        var out = new ArrayList<Line>();
        var shown = events.stream().filter(e -> StatusViews.matches(e, filter)).toList();
        out.add(Line.builder().add("filter: ", Tone.TITLE)
                .add(filter.isEmpty() && !typing ? "(none; / to filter)" : filter + (typing ? "_" : ""), typing ? Tone.SELECTED : Tone.NORMAL)
                .add("   " + shown.size() + " of " + events.size() + " events", Tone.DIM).build());
        for (int i = shown.size() - 1; i >= 0; i--) out.add(StatusViews.event(shown.get(i)));
        if (events.isEmpty()) out.add(Line.of("no events yet (the agent has kept none, or keeps no history)", Tone.DIM));
        return out;
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        var all = lines(ctx.events(), filter.toString(), typing);
        var out = new ArrayList<Line>();
        out.add(all.get(0));
        out.addAll(scroll.window(all.subList(1, all.size()), Math.max(0, height - 1)));
        return out;
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return typing ? List.of(new KeyHint("Enter", "keep filter"), new KeyHint("Esc", "clear filter"))
                : List.of(new KeyHint("↑↓", "scroll"), new KeyHint("/", "filter"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        if (typing) {
            switch (k.getKeyType()) {
                case Enter -> typing = false;
                case Escape -> { typing = false; filter.setLength(0); }
                case Backspace -> { if (filter.length() > 0) filter.setLength(filter.length() - 1); }
                case Character -> { if (!k.isCtrlDown() && !k.isAltDown() && filter.length() < 40) filter.append(k.getCharacter()); }
                default -> { }
            }
            return Reaction.HANDLED; // while typing, letters are text, not commands
        }
        if (Keys.is(k, '/')) {
            typing = true;
            return Reaction.HANDLED;
        }
        if (k.getKeyType() == KeyType.Escape && filter.length() > 0) {
            filter.setLength(0);
            return Reaction.HANDLED;
        }
        return scroll.onKey(k) ? Reaction.HANDLED : Reaction.IGNORED;
    }
}
