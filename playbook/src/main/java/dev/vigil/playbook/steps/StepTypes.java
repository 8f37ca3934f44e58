package dev.vigil.playbook.steps;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The step types a playbook may use and the parameters each takes ({@code check} and the docs read them). */
public final class StepTypes {
    private StepTypes() {}

    /** @param required whether the step must give it */
    public record Param(String name, boolean required, String what) {}

    public static final Map<String, List<Param>> SUPPORTED = new LinkedHashMap<>();

    static {
        SUPPORTED.put("file", List.of(new Param("path", true, "absolute path of the file"),
                new Param("content", false, "the content, a {{var}} template"),
                new Param("template", false, "a template file, relative to the playbook"),
                new Param("mode", false, "octal permissions such as 0644"),
                new Param("owner", false, "a user name or numeric id"),
                new Param("group", false, "a group name or numeric id")));
        SUPPORTED.put("line", List.of(new Param("path", true, "absolute path of the file"),
                new Param("line", false, "the line that must be there (a {{var}} template)"),
                new Param("regexp", false, "a regular expression: the line it matches is replaced or removed"),
                new Param("state", false, "present (default) or absent"),
                new Param("create", false, "create the file when missing (default false)"),
                new Param("mode", false, "octal permissions of a created file")));
        SUPPORTED.put("directory", List.of(new Param("path", true, "absolute path of the directory"),
                new Param("mode", false, "octal permissions such as 0755"),
                new Param("owner", false, "a user name or numeric id"),
                new Param("group", false, "a group name or numeric id")));
        SUPPORTED.put("command", List.of(new Param("cmd", true, "a command line for /bin/sh -c"),
                new Param("creates", false, "skip when this path exists"),
                new Param("unless", false, "skip when this command (a query, run by plan too) exits 0"),
                new Param("timeout", false, "how long it may run, e.g. 30s (default 60s)")));
        SUPPORTED.put("package", List.of(new Param("name", true, "package names, separated by blanks or commas"),
                new Param("state", false, "present (default) or absent")));
        SUPPORTED.put("service", List.of(new Param("name", true, "the service (systemd unit or /etc/init.d script)"),
                new Param("state", false, "started, stopped, restarted or reloaded"),
                new Param("enabled", false, "true or false: started at boot")));
        SUPPORTED.put("exports", List.of(new Param("path", true, "the exported directory"),
                new Param("clients", false, "hosts, addresses, networks or * (required unless state: absent)"),
                new Param("options", false, "exportfs options (default ro,sync,no_subtree_check)"),
                new Param("format", false, "kernel (/etc/exports, default) or ganesha (an EXPORT block)"),
                new Param("file", false, "the file to edit (default /etc/exports or /etc/ganesha/ganesha.conf)"),
                new Param("export_id", false, "ganesha Export_Id, 1..65535 (required for ganesha unless state: absent)"),
                new Param("state", false, "present (default) or absent")));
        SUPPORTED.put("wait", List.of(new Param("tcp", false, "host:port that must accept a connection"),
                new Param("http", false, "a URL that must answer below 400"),
                new Param("command", false, "a command that must exit 0"),
                new Param("timeout", false, "how long to wait, e.g. 2m (default 60s)"),
                new Param("interval", false, "time between tries (default 1s, at least 100ms)")));
        SUPPORTED.put("authkey", List.of(new Param("path", false, "where the key goes on the host (default /etc/vigil/authkey)"),
                new Param("source", false, "the key on this machine, relative to the playbook (default authkey; created once when missing)")));
        SUPPORTED.put("cluster", List.of(new Param("file", false, "the cluster file on the host (default /etc/vigil/cluster.yaml)"),
                new Param("content", false, "a YAML fragment of resources, groups, constraints, fencing, policy, ping, links"),
                new Param("template", false, "the fragment as a template file, relative to the playbook"),
                new Param("apply", false, "auto (default: when an agent answers), always or never: run `vigil config apply`"),
                new Param("vigil", false, "the vigil command on the host (default vigil)")));
        SUPPORTED.put("serial_test", List.of(new Param("device", false, "this host's end of the cable (default /dev/ttyS0)"),
                new Param("peer", true, "the host at the cable's other end, a host of the same run"),
                new Param("peer_device", false, "the peer's end of the cable (default /dev/ttyS0)"),
                new Param("baud", false, "line speed (default 19200)"),
                new Param("min", false, "the verdict the step needs: ok (default) or degraded"),
                new Param("duration", false, "how long probes are sent, e.g. 5s (default 5s)")));
        SUPPORTED.put("require", List.of(new Param("command", true, "a query for /bin/sh -c that exits 0 when the host meets the requirement (run by plan too)"),
                new Param("message", false, "what the failure says, e.g. Vigil is not installed: install it first"),
                new Param("timeout", false, "how long the query may run, e.g. 10s (default 30s)")));
    }

    /** Keys of a step that are not its type ({@code when}: a condition, read by the core's {@code Condition}; {@code timeout}: a duration). */
    public static final List<String> STEP_KEYS = List.of("name", "notify", "when", "timeout");
}
