package dev.vigil.playbook;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A variable a playbook declares: complete enough for a wizard to build its form from it.
 *
 * @param defaultValue empty when the variable has no default and must be given
 * @param choices      the allowed values of a {@code choice}; empty for other types
 * @param pattern      a regular expression the whole value must match (validation)
 * @param min          the smallest allowed value of an {@code int}
 * @param within       for a {@code path}: another path variable whose value this one must be, or be below
 *                     (an export below the mount point); checked where both values are known
 */
public record VarDecl(String name, VarType type, Optional<String> defaultValue, String description,
                      List<String> choices, Optional<Pattern> pattern, Optional<Long> min, Optional<Long> max,
                      Optional<String> within) {
    public VarDecl(String name, VarType type, Optional<String> defaultValue, String description,
                   List<String> choices, Optional<Pattern> pattern, Optional<Long> min, Optional<Long> max) {
        this(name, type, defaultValue, description, choices, pattern, min, max, Optional.empty());
    }

    public boolean required() {
        return defaultValue.isEmpty();
    }

    /**
     * Empty when {@code value} satisfies {@link #within} given the other variable's value
     * {@code base} (or when there is no such rule), else why not. Compared as normalised paths, so
     * {@code /srv/nfs/} and {@code /srv/nfs/./x} are below {@code /srv/nfs}, and {@code /srv/nfs2} is not.
     */
    public Optional<String> withinProblem(String value, String base) {
        if (within.isEmpty() || !value.strip().startsWith("/") || !base.strip().startsWith("/")) return Optional.empty();
        try {
            var v = java.nio.file.Path.of(value.strip()).normalize();
            var b = java.nio.file.Path.of(base.strip()).normalize();
            return v.startsWith(b) ? Optional.empty()
                    : Optional.of("must be `" + within.get() + "` (" + base.strip() + ") or below it, got '" + value + "'");
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.empty(); // the path's own check says what is wrong with it
        }
    }
}
