package dev.vigil.model;

import java.util.Locale;
import java.util.Optional;

/**
 * The role of a promotable clone's instance, as Pacemaker names it. {@code STARTED} is "any role"
 * in a constraint (Pacemaker's default) and the only role of everything that is not promotable.
 */
public enum Role {
    STARTED("Started"),
    PROMOTED("Promoted"),
    UNPROMOTED("Unpromoted");

    private final String configName;

    Role(String configName) {
        this.configName = configName;
    }

    /** As written in the cluster file and shown by {@code vigil status}: Started, Promoted, Unpromoted. */
    public String configName() {
        return configName;
    }

    /**
     * A role as a Pacemaker user writes it: the current names, case-insensitive, and the names of
     * Pacemaker before 2.1 ({@code Master}, {@code Slave}) that configurations still carry.
     */
    public static Optional<Role> parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "started" -> Optional.of(STARTED);
            case "promoted", "master" -> Optional.of(PROMOTED);
            case "unpromoted", "slave" -> Optional.of(UNPROMOTED);
            default -> Optional.empty();
        };
    }
}
