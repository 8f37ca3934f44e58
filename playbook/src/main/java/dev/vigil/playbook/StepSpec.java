package dev.vigil.playbook;

import java.util.List;
import java.util.Map;

/**
 * One step (or handler) as the playbook writes it: its type, its parameters as template text
 * ({@code {{var}}} is substituted per host when it runs), and the handlers it notifies.
 *
 * @param name   the step's {@code name}, or a name made from its type and first parameter
 * @param line   where the step starts, for messages
 */
public record StepSpec(String name, String type, Map<String, String> params, List<String> notifies, int line, int column) {}
