package dev.vigil.access;

import java.util.Map;
import java.util.Optional;

/**
 * The role each operator verb needs. One table, used by the command line over SSH and by the
 * text UI, so a viewer is refused the same way wherever the request comes from.
 */
public final class Permissions {
    private Permissions() {}

    private static final Map<String, Role> NEEDED = Map.ofEntries(
            Map.entry("move", Role.OPERATOR), Map.entry("ban", Role.OPERATOR), Map.entry("clear", Role.OPERATOR),
            Map.entry("restart", Role.OPERATOR), Map.entry("cleanup", Role.OPERATOR),
            Map.entry("standby", Role.OPERATOR), Map.entry("online", Role.OPERATOR), Map.entry("fence", Role.OPERATOR),
            Map.entry("maintenance-on", Role.OPERATOR), Map.entry("maintenance-off", Role.OPERATOR),
            Map.entry("drill", Role.OPERATOR), Map.entry("drill-abort", Role.OPERATOR),
            // a recipe wizard's apply (dev.vigil.wizard): a plan needs no role, it changes nothing
            Map.entry("recipe-apply", Role.OPERATOR),
            // ... of a recipe that distributes the cluster key (an authkey step): the key is the admin's
            Map.entry("recipe-apply-key", Role.ADMIN),
            Map.entry("config-apply", Role.ADMIN), Map.entry("wizard", Role.ADMIN), Map.entry("playbook", Role.ADMIN));

    /** The role a verb needs; verbs that change nothing (status, events, help) need none. */
    public static Optional<Role> needed(String verb) {
        return Optional.ofNullable(NEEDED.get(verb));
    }

    /** Empty when allowed, else why not (for the refusal message and the audit log). */
    public static Optional<String> refusal(Operator operator, String verb) {
        return needed(verb).filter(r -> !operator.may(r))
                .map(r -> verb + " needs the " + r.configName() + " role; " + operator.user() + " ("
                        + operator.keyFingerprint() + ") is " + operator.role().configName());
    }
}
