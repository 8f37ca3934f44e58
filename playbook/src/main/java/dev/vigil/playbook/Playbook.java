package dev.vigil.playbook;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A playbook that passed {@code check}: hosts, declared variables, steps and handlers.
 *
 * @param vars     in declaration order
 * @param handlers by name, in declaration order
 */
public record Playbook(Path file, String name, List<String> hosts, Map<String, VarDecl> vars, List<StepSpec> steps,
                       Map<String, StepSpec> handlers) {
    /** The same playbook on fewer hosts ({@code --limit}). */
    public Playbook withHosts(List<String> only) {
        return new Playbook(file, name, List.copyOf(only), vars, steps, handlers);
    }
}
