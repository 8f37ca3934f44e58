package dev.vigil.access;

import java.util.Locale;
import java.util.Optional;

/**
 * What an operator may do, from the {@code role=} option of their key in the console's
 * authorized_keys file. Each role includes the ones before it.
 */
public enum Role {
    /** Sees everything, changes nothing. The default when a key has no role. */
    VIEWER,
    /** Runs operations (move, ban, clear, restart, cleanup, standby, online, maintenance) and drills. */
    OPERATOR,
    /** Also changes the configuration (config apply, setup wizards, playbooks). */
    ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> byConfigName(String name) {
        for (var r : values()) {
            if (r.configName().equals(name)) return Optional.of(r);
        }
        return Optional.empty();
    }
}
