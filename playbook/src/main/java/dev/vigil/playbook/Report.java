package dev.vigil.playbook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * What a run did (apply) or would do (plan), per host and step.
 *
 * @param hosts   in the playbook's order, whatever order they finished in
 * @param stopped why the run stopped early, naming the host whose failure stopped it
 *                ({@code any_errors_fatal}, or a {@code serial} batch in which every host failed); empty otherwise
 */
public record Report(String runId, boolean applied, Map<String, HostReport> hosts, java.util.Optional<String> stopped) {
    /** A run that went to its end. */
    public Report(String runId, boolean applied, Map<String, HostReport> hosts) {
        this(runId, applied, hosts, java.util.Optional.empty());
    }

    /**
     * @param status {@code ok}, {@code changed}, {@code failed} after an apply; {@code ok},
     *               {@code change}, {@code fail} in a plan; {@code skipped} (its {@code when:} was
     *               false) and {@code unreachable} (the host could not be reached: no step ran) in both
     * @param diff   a unified diff for a file that changed or would change; empty otherwise
     */
    public record StepResult(String name, String type, String status, String message, String diff) {}

    public record HostReport(String host, List<StepResult> steps) {
        public int ok() {
            return count("ok");
        }

        public int changed() {
            return count("changed") + count("change");
        }

        public int failed() {
            return count("failed") + count("fail");
        }

        public int skipped() {
            return count("skipped");
        }

        /** 1 when the host could not be reached (then it has no other step), else 0. */
        public int unreachable() {
            return count("unreachable");
        }

        private int count(String status) {
            return (int) steps.stream().filter(s -> s.status().equals(status)).count();
        }
    }

    public int changed() {
        return hosts.values().stream().mapToInt(HostReport::changed).sum();
    }

    public boolean anyFailed() {
        return hosts.values().stream().anyMatch(h -> h.failed() > 0 || h.unreachable() > 0);
    }

    /**
     * {@code {"run": ID, "hosts": {"HOST": {"ok": n, "changed": n, "failed": n, "skipped": n, "unreachable": n, "steps": [...]}},
     * "changed": total}}, and {@code "stopped": "why"} when the run stopped early; each step
     * {@code {"name", "type", "status", "message", "diff"}} (diff only when there is one). A plan's
     * statuses ({@code change}, {@code fail}) tell it from an apply's.
     */
    public String toJson() {
        var w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("run", runId);
            g.writeObjectFieldStart("hosts");
            for (var h : hosts.values()) {
                g.writeObjectFieldStart(h.host());
                g.writeNumberField("ok", h.ok());
                g.writeNumberField("changed", h.changed());
                g.writeNumberField("failed", h.failed());
                g.writeNumberField("skipped", h.skipped());
                g.writeNumberField("unreachable", h.unreachable());
                g.writeArrayFieldStart("steps");
                for (var s : h.steps()) {
                    g.writeStartObject();
                    g.writeStringField("name", s.name());
                    g.writeStringField("type", s.type());
                    g.writeStringField("status", s.status());
                    g.writeStringField("message", s.message());
                    if (!s.diff().isEmpty()) g.writeStringField("diff", s.diff());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeNumberField("changed", changed());
            if (stopped.isPresent()) g.writeStringField("stopped", stopped.get());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string cannot fail", e);
        }
        return w.toString();
    }

    /** Ansible's PLAY RECAP: one line per host, and why the run stopped early when it did. */
    public String recap() {
        int width = hosts.keySet().stream().mapToInt(String::length).max().orElse(4);
        var sb = new StringBuilder(applied ? "RECAP" : "PLAN RECAP").append(" (run ").append(runId).append(")\n");
        for (var h : hosts.values()) {
            sb.append(String.format("%-" + width + "s : ok=%-4d %s=%-4d failed=%-4d skipped=%-4d unreachable=%d%n", h.host(),
                    h.ok(), applied ? "changed" : "change", h.changed(), h.failed(), h.skipped(), h.unreachable()));
        }
        stopped.ifPresent(why -> sb.append("STOPPED: ").append(why).append('\n'));
        return sb.toString();
    }
}
