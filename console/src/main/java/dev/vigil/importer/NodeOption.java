package dev.vigil.importer;

import java.util.Optional;

/** One {@code --node NAME=ADDRESS} of the import verbs. */
public record NodeOption(String name, String address) {
    /** Parses {@code NAME=ADDRESS}; empty when it is not of that form. */
    public static Optional<NodeOption> parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) return Optional.empty();
        return Optional.of(new NodeOption(text.substring(0, eq).trim(), text.substring(eq + 1).trim()));
    }
}
