package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.access.Operator;
import dev.vigil.access.Permissions;
import java.util.ArrayList;
import java.util.List;

/** Every key, generated from the screen registry and the action table, for this operator's role. */
final class HelpPage implements Page {
    private final Keys.Scroll scroll = new Keys.Scroll();

    @Override
    public String title() {
        return "help";
    }

    static List<Line> lines(Screens screens, Operator op) {
        var out = new ArrayList<Line>();
        out.add(Line.of("Moving around", Tone.TITLE));
        out.add(Line.of("  ↑ ↓ PgUp PgDn Home End   select a row or scroll"));
        out.add(Line.of("  Tab                      jump between nodes and resources"));
        out.add(Line.of("  Enter                    details of the selected node, group or resource"));
        out.add(Line.of("  Esc                      back (closes a dialog, clears a filter)"));
        out.add(Line.of("  q  Ctrl-D                leave the console (Ctrl-C does nothing)"));
        out.add(Line.of("  Ctrl-L                   redraw the whole screen (also done on every resize)"));
        out.add(Line.of("  C                        colours on/off (markers such as [DEAD] and ! stay)"));
        out.add(Line.of("Screens", Tone.TITLE));
        for (var e : screens.visibleTo(op)) {
            out.add(Line.of("  " + Text.fit(String.valueOf(e.key()), 25) + e.name() + ": " + e.summary()));
        }
        var actions = Actions.ALL.stream().filter(o -> Permissions.refusal(op, o.verb()).isEmpty()).toList();
        out.add(Line.of("Actions (each asks for confirmation first and says what it will stop and start)", Tone.TITLE));
        if (actions.isEmpty()) {
            out.add(Line.of("  none: your role (" + op.role().configName() + ") may look but not change anything", Tone.DIM));
        }
        for (var o : actions) {
            out.add(Line.of("  " + Text.fit(String.valueOf(o.key()), 25) + o.label() + switch (o.key()) {
                case 'm' -> ": run a resource or group on another node (until cleared)";
                case 'b' -> ": keep it off a node (until cleared)";
                case 'x' -> ": remove its move and ban rules";
                case 'r' -> ": stop a resource and let the cluster start it again";
                case 'c' -> ": forget a resource's failures on a node and probe it again";
                case 's' -> ": move everything off a node and keep it empty";
                case 'o' -> ": let a node in standby run resources again";
                default -> ": the cluster leaves every resource alone while on";
            }));
        }
        out.add(Line.of("Markers", Tone.TITLE));
        out.add(Line.of("  * coordinator   [DEAD] dead   ! LATE past warntime   [##...] age of the last heartbeat"));
        out.add(Line.of("  ! FAILED   [STOP FAILED] node unclean   [NO QUORUM]   [MAINTENANCE]   > selected row"));
        out.add(Line.of("You are " + op.user() + " (" + op.role().configName() + ", key " + op.keyFingerprint() + ")", Tone.DIM));
        return out;
    }

    @Override
    public List<Line> body(Context ctx, int width, int height) {
        return scroll.window(lines(ctx.screens(), ctx.operator()), height);
    }

    @Override
    public List<KeyHint> hints(Context ctx) {
        return List.of(new KeyHint("↑↓", "scroll"));
    }

    @Override
    public Reaction onKey(KeyStroke k, Context ctx) {
        return scroll.onKey(k) ? Reaction.HANDLED : Reaction.IGNORED;
    }
}
