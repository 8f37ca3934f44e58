package dev.vigil.tui;

import java.util.List;
import java.util.function.Function;

/** What a page asks the session to do after a key. */
public sealed interface Reaction {
    /** The page did not use the key; the session tries its global keys. */
    record Ignored() implements Reaction {}

    /** The page used the key (moved the selection, typed into a filter). */
    record Handled() implements Reaction {}

    /** Push a page on the stack (Esc comes back). */
    record Open(Page page) implements Reaction {}

    /** Leave this page. */
    record Back() implements Reaction {}

    /** Run an operator verb: the session checks the role, asks for confirmation, sends it and shows the outcome. */
    record Act(Action action) implements Reaction {}

    /** Ask which one first (which node to move to), then act. */
    record Pick(String question, List<String> options, Function<String, Action> then) implements Reaction {
        public Pick {
            options = List.copyOf(options);
        }
    }

    /** Say something on the message line (nothing to do, and why). */
    record Say(String message, Tone tone) implements Reaction {}

    Reaction IGNORED = new Ignored();
    Reaction HANDLED = new Handled();
}
