package dev.vigil.playbook.steps;

import dev.vigil.config.Durations;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code check} can tell of the literal parameters of {@code package}, {@code service},
 * {@code exports} and {@code wait}, and of {@code owner}/{@code group}, before anything runs (the
 * same rules the steps apply to rendered values; templated values are checked when they run).
 */
public final class StepLiterals {
    private StepLiterals() {}

    private static final Set<String> TYPES = Set.of("package", "service", "exports", "wait");

    /** Whether these rules, rather than the reader's common ones, check {@code key} of {@code type}. */
    public static boolean handles(String type, String key) {
        return key.equals("owner") || key.equals("group") || (TYPES.contains(type) && !key.equals("path"));
    }

    /** The problem with a literal value, or null when it is fine. */
    public static String problem(String type, String key, String v) {
        return switch (type + "." + key) {
            case "package.name" -> {
                try {
                    PackageStep.names(v);
                    yield null;
                } catch (Step.Failure f) {
                    yield f.getMessage();
                }
            }
            case "package.state", "exports.state" -> oneOf(key, v, List.of("present", "absent"));
            case "service.name" -> ServiceStep.NAME.matcher(v).matches() ? null : "`name` must be a service name, got '" + v + "'";
            case "service.state" -> oneOf(key, v, List.of("started", "stopped", "restarted", "reloaded"));
            case "service.enabled" -> oneOf(key, v, List.of("true", "false"));
            case "exports.format" -> oneOf(key, v, List.of("kernel", "ganesha"));
            case "exports.file" -> v.startsWith("/") ? null : "`file` must be an absolute path, got '" + v + "'";
            case "exports.export_id" -> {
                try {
                    ExportsStep.exportId(v);
                    yield null;
                } catch (Step.Failure f) {
                    yield f.getMessage();
                }
            }
            case "exports.clients" -> {
                try {
                    ExportsStep.clients(v);
                    yield null;
                } catch (Step.Failure f) {
                    yield f.getMessage();
                }
            }
            case "wait.tcp" -> {
                var m = WaitStep.TCP.matcher(v);
                yield m.matches() && Integer.parseInt(m.group(2)) >= 1 && Integer.parseInt(m.group(2)) <= 65535 ? null
                        : "`tcp` must be host:port, e.g. 127.0.0.1:80, got '" + v + "'";
            }
            case "wait.http" -> v.matches("https?://[^\\s'\"]+") ? null : "`http` must be an http:// or https:// URL, got '" + v + "'";
            case "wait.timeout", "wait.interval" -> {
                var d = Durations.parse(v);
                if (d.isEmpty() || d.get().isZero() || d.get().isNegative()) yield "`" + key + "` must be a duration such as 30s, got '" + v + "'";
                yield key.equals("interval") && d.get().compareTo(WaitStep.MIN_INTERVAL) < 0 ? "`interval` must be at least 100ms, got '" + v + "'" : null;
            }
            default -> {
                if (key.equals("owner") || key.equals("group")) {
                    yield Ownership.NAME.matcher(v).matches() ? null
                            : "`" + key + "` must be a " + (key.equals("owner") ? "user" : "group") + " name or a numeric id, got '" + v + "'";
                }
                yield null;
            }
        };
    }

    /** A problem with the parameters together, or null. */
    public static String combination(String type, Map<String, String> params) {
        switch (type) {
            case "wait" -> {
                long n = List.of("tcp", "http", "command").stream().filter(params::containsKey).count();
                if (n != 1) return "`wait` needs exactly one of `tcp`, `http` and `command`";
            }
            case "service" -> {
                if (!params.containsKey("state") && !params.containsKey("enabled")) {
                    return "`service` needs `state` (started, stopped, restarted, reloaded) or `enabled`, or both";
                }
            }
            case "exports" -> {
                boolean absent = "absent".equals(params.get("state"));
                if (!absent && !params.containsKey("clients")) return "`exports` needs `clients` (e.g. 10.0.0.0/24, or * for everyone)";
                if (!absent && "ganesha".equals(params.get("format")) && !params.containsKey("export_id")) {
                    return "`exports` with format ganesha needs `export_id` (1..65535, unique on the server)";
                }
            }
            default -> { }
        }
        return null;
    }

    private static String oneOf(String key, String v, List<String> allowed) {
        if (allowed.contains(v)) return null;
        return "`" + key + "` must be " + String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or "
                + allowed.get(allowed.size() - 1) + ", got '" + v + "'" + dev.vigil.coordination.Suggest.didYouMean(v, allowed);
    }
}
