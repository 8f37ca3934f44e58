package dev.vigil.playbook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step types a playbook may use and the parameters each takes. The planned types of issue 11
 * that this release does not run yet are named so that {@code check} says "not supported yet"
 * instead of "unknown".
 */
public final class StepTypes {
    private StepTypes() {}

    /** @param required whether the step must give it */
    public record Param(String name, boolean required, String what) {}

    public static final Map<String, List<Param>> SUPPORTED = new LinkedHashMap<>();

    static {
        SUPPORTED.put("file", List.of(new Param("path", true, "absolute path of the file"),
                new Param("content", false, "the content, a {{var}} template"),
                new Param("template", false, "a template file, relative to the playbook"),
                new Param("mode", false, "octal permissions such as 0644")));
        SUPPORTED.put("line", List.of(new Param("path", true, "absolute path of the file"),
                new Param("line", false, "the line that must be there (a {{var}} template)"),
                new Param("regexp", false, "a regular expression: the line it matches is replaced or removed"),
                new Param("state", false, "present (default) or absent"),
                new Param("create", false, "create the file when missing (default false)"),
                new Param("mode", false, "octal permissions of a created file")));
        SUPPORTED.put("directory", List.of(new Param("path", true, "absolute path of the directory"),
                new Param("mode", false, "octal permissions such as 0755")));
        SUPPORTED.put("command", List.of(new Param("cmd", true, "a command line for /bin/sh -c"),
                new Param("creates", false, "skip when this path exists"),
                new Param("unless", false, "skip when this command (a query, run by plan too) exits 0"),
                new Param("timeout", false, "how long it may run, e.g. 30s (default 60s)")));
        SUPPORTED.put("authkey", List.of(new Param("path", false, "where the key goes on the host (default /etc/vigil/authkey)"),
                new Param("source", false, "the key on this machine, relative to the playbook (default authkey; created once when missing)")));
        SUPPORTED.put("cluster", List.of(new Param("file", false, "the cluster file on the host (default /etc/vigil/cluster.yaml)"),
                new Param("content", false, "a YAML fragment of resources, groups, constraints, fencing, policy, ping"),
                new Param("template", false, "the fragment as a template file, relative to the playbook"),
                new Param("apply", false, "auto (default: when an agent answers), always or never: run `vigil config apply`"),
                new Param("vigil", false, "the vigil command on the host (default vigil)")));
        SUPPORTED.put("serial_test", List.of(new Param("device", false, "this host's end of the cable (default /dev/ttyS0)"),
                new Param("peer", true, "the host at the cable's other end, a host of the same run"),
                new Param("peer_device", false, "the peer's end of the cable (default /dev/ttyS0)"),
                new Param("baud", false, "line speed (default 19200)"),
                new Param("min", false, "the verdict the step needs: ok (default) or degraded"),
                new Param("duration", false, "how long probes are sent, e.g. 5s (default 5s)")));
    }

    /** Step types of issue 11 that later releases will run. */
    public static final Set<String> PLANNED = Set.of("package", "service", "exports", "wait");

    /** Keys of a step that are not its type ({@code when}: a {@link Condition}; {@code timeout}: a duration). */
    public static final List<String> STEP_KEYS = List.of("name", "notify", "when", "timeout");
}
