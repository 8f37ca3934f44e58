package dev.vigil.tui;

import java.util.List;

/**
 * An operator verb ready to send, with the sentence the confirmation dialog shows: exactly what
 * will stop and start where, worked out from the status the operator is looking at.
 */
public record Action(String verb, List<String> args, String confirmation) {
    public Action {
        args = List.copyOf(args);
    }

    /** verb and arguments as on the command line, for the audit log and the progress line. */
    public String command() {
        return args.isEmpty() ? verb : verb + " " + String.join(" ", args);
    }

    public String target() {
        return String.join(" ", args);
    }
}
