package dev.vigil.tui;

import com.googlecode.lanterna.input.KeyStroke;
import java.util.List;

/**
 * One screen of the console. The session owns the frame (header, message line, footer, dialogs)
 * and a stack of pages: Enter on a row opens a detail page, Esc goes back. A page draws its
 * body for the size it is given, so a resize only means drawing again.
 *
 * <p>New screens (setup wizards, failover drills, playbook runs with progress) are pages too:
 * register one in {@link Screens} under a key and a role, and it appears in the footer and the
 * help of the operators allowed to open it. A long-running page reads progress from the
 * {@link Context} it is handed on every frame; the frame is redrawn whenever it changes.
 */
public interface Page {
    String title();

    /** At most {@code height} lines, each at most {@code width} columns (longer ones are cut). */
    List<Line> body(Context ctx, int width, int height);

    /** The page's own keys, for the footer; the session adds the global ones. */
    List<KeyHint> hints(Context ctx);

    Reaction onKey(KeyStroke key, Context ctx);

    /**
     * For a page whose content changes without a key or a status (a plan being worked out, an
     * apply's progress, told from another thread): a number that changes whenever it does. The
     * session reads it every tick and redraws when it moved. Must be cheap and thread-safe.
     */
    default long revision() {
        return 0;
    }

    record KeyHint(String key, String label) {}
}
