package dev.vigil.playbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step (or handler) as the playbook writes it: its type, its parameters as template text
 * ({@code {{var}}} is substituted per host when it runs), and the handlers it notifies.
 *
 * @param name    the step's {@code name}, or a name made from its type and first parameter
 * @param line    where the step starts, for messages
 * @param when    its {@code when:} condition; empty: always
 * @param timeout its {@code timeout:}; empty: {@link Step.Context#DEFAULT_TIMEOUT}
 */
public record StepSpec(String name, String type, Map<String, String> params, List<String> notifies, int line, int column,
                       Optional<Condition> when, Optional<Duration> timeout) {
    /** A step without condition or timeout. */
    public StepSpec(String name, String type, Map<String, String> params, List<String> notifies, int line, int column) {
        this(name, type, params, notifies, line, column, Optional.empty(), Optional.empty());
    }
}
