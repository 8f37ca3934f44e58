package dev.vigil.playbook;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A playbook that passed {@code check}: hosts, declared variables, steps and handlers.
 *
 * @param vars           in declaration order
 * @param handlers       by name, in declaration order
 * @param serial         {@code serial: N}: the hosts run in batches of N, a batch after the other; 0: all at once
 * @param anyErrorsFatal {@code any_errors_fatal: true}: a failed host stops every host
 */
public record Playbook(Path file, String name, List<String> hosts, Map<String, VarDecl> vars, List<StepSpec> steps,
                       Map<String, StepSpec> handlers, int serial, boolean anyErrorsFatal) {
    /** All hosts at once, a failed host stopping only itself. */
    public Playbook(Path file, String name, List<String> hosts, Map<String, VarDecl> vars, List<StepSpec> steps,
                    Map<String, StepSpec> handlers) {
        this(file, name, hosts, vars, steps, handlers, 0, false);
    }

    /** The same playbook on fewer hosts ({@code --limit}). */
    public Playbook withHosts(List<String> only) {
        return new Playbook(file, name, List.copyOf(only), vars, steps, handlers, serial, anyErrorsFatal);
    }
}
