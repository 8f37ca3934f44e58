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
 */
public record VarDecl(String name, VarType type, Optional<String> defaultValue, String description,
                      List<String> choices, Optional<Pattern> pattern, Optional<Long> min, Optional<Long> max) {
    public boolean required() {
        return defaultValue.isEmpty();
    }
}
