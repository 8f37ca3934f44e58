package dev.vigil.wizard;

import com.googlecode.lanterna.input.KeyStroke;
import dev.vigil.tui.Reaction;
import java.util.List;
import java.util.function.Supplier;

/**
 * The keys of a form, for every wizard page that shows one: ↑↓ Tab move between fields (checking
 * the one left), PgUp/PgDn five at a time, ←→ and Space choose, typing answers, Esc cancels,
 * Enter is the page's own Next. Every key is the form's: a letter typed is an answer, not a
 * screen's key.
 */
final class FormKeys {
    private FormKeys() {}

    /**
     * @param nodes what a node field offers (the cluster's nodes, or the nodes a form names itself)
     * @param next  what Enter does
     */
    static Reaction onKey(Form form, KeyStroke k, List<String> nodes, Supplier<Reaction> next) {
        switch (k.getKeyType()) {
            case Escape -> {
                return new Reaction.Back();
            }
            case ArrowUp, ReverseTab -> form.previous();
            case ArrowDown, Tab -> form.next();
            case PageUp -> form.moveTo(form.current() - 5);
            case PageDown -> form.moveTo(form.current() + 5);
            case ArrowLeft -> form.cycle(-1, nodes);
            case ArrowRight -> form.cycle(1, nodes);
            case Backspace -> form.backspace(nodes);
            case Enter -> {
                return next.get();
            }
            case Character -> {
                if (k.isCtrlDown() || k.isAltDown()) return Reaction.HANDLED;
                char c = k.getCharacter();
                if (form.fields().isEmpty()) return Reaction.HANDLED;
                if (c == ' ' && !form.currentField().typed(nodes)) form.toggle(nodes);
                else if (c >= ' ') form.type(c, nodes);
            }
            default -> { }
        }
        return Reaction.HANDLED;
    }
}
