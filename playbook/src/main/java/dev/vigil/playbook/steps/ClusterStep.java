package dev.vigil.playbook.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.BoundedFile;
import dev.vigil.config.ConfigError;
import dev.vigil.config.ConfigLoader;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code cluster}: merges a fragment (resources, groups, constraints, fencing, policy, ping) into
 * the cluster file on the host ({@link ClusterFileMerge}), bumps its {@code version}, checks the
 * result with the agent's own loader, writes it atomically, then, when an agent answers there
 * ({@code apply: auto}), runs {@code vigil config apply} so the cluster adopts it.
 *
 * <p>The loader runs here, on the machine that runs the playbook, which is usually not a node:
 * everything is checked but the key file itself (see {@link ConfigLoader#checkAwayFromNodes});
 * {@code vigil config apply} on the node checks that too before the cluster adopts the file.
 *
 * <p>While the cluster is degraded (a node not alive, a resource failed) the step is refused
 * before it writes anything: changing the configuration then would hide the failure.
 */
final class ClusterStep implements Step {
    static final String DEFAULT_FILE = "/etc/vigil/cluster.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum ApplyMode { AUTO, ALWAYS, NEVER }

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        var params = new java.util.HashMap<>(p);
        params.putIfAbsent("file", DEFAULT_FILE);
        String file = Step.path(params, "file");
        ApplyMode mode = applyMode(p.getOrDefault("apply", "auto"));
        String vigil = p.getOrDefault("vigil", "vigil");
        if (vigil.isBlank()) throw new Failure("`vigil` is empty");

        String fragmentText;
        if (p.containsKey("content")) {
            fragmentText = p.get("content");
        } else if (p.containsKey("template")) {
            var t = ctx.dir().resolve(p.get("template"));
            try {
                fragmentText = Template.render(BoundedFile.readText(t, FileStep.LIMIT, "template"), ctx.values());
            } catch (IllegalArgumentException e) {
                throw new Failure("template " + t + ": " + e.getMessage());
            }
        } else {
            throw new Failure("`cluster` needs `content` or `template`: the fragment to merge");
        }
        var fragment = ClusterFileMerge.fragment(fragmentText);

        Host.Kind kind = host.kind(file);
        if (kind == Host.Kind.MISSING && !apply) {
            // A recipe writes the file with a step before this one, which a plan does not run.
            return new Outcome(true, "would merge " + String.join(", ", fragment.keySet()) + " into " + file
                    + ", which does not exist yet: a step before must write it (the merge is checked when it does)", "");
        }
        if (kind != Host.Kind.FILE) {
            throw new Failure(kind == Host.Kind.MISSING
                    ? "no cluster file " + file + " on " + host.name() + ": write it first (a file step with cluster, auth, nodes and links); a cluster step merges into it"
                    : file + " is not a regular file");
        }
        byte[] currentBytes = host.read(file, BoundedFile.CLUSTER_FILE_LIMIT);
        String current = new String(currentBytes, StandardCharsets.UTF_8);
        List<String> nodeNames = nodeNames(current);
        String nodeOption = nodeNames.contains(host.name()) ? " --node " + Quoting.sh(host.name()) : "";

        // Asked first: a degraded cluster refuses the step, and the running version is the floor of the new one.
        // Where the agent's socket is not there, no agent can answer: the host is spared a JVM start.
        Optional<JsonNode> status = agentSocket(current, file, host.name(), nodeNames)
                .filter(socket -> kindOrMissing(host, socket) != Host.Kind.OTHER)
                .isPresent() ? Optional.empty() : status(host, vigil, file, nodeOption, ctx);
        if (status.isEmpty() && mode == ApplyMode.ALWAYS) {
            throw new Failure("no agent answers on " + host.name() + " (`" + vigil + " status --json --config " + file
                    + "` failed) and `apply: always` needs one; nothing written");
        }
        if (status.isPresent()) {
            var why = degraded(status.get());
            if (why.isPresent()) throw new Failure("refused: the cluster is degraded (" + why.get() + "); nothing written");
        }
        Optional<Long> running = status.map(s -> s.path("configVersion")).filter(JsonNode::canConvertToLong).map(JsonNode::asLong);

        var merged = ClusterFileMerge.merge(current, fragment, running);
        boolean applies = mode != ApplyMode.NEVER && status.isPresent();
        if (merged.changed().isEmpty()) {
            // The file holds the fragment already; an agent behind it (an earlier apply that failed) is brought up to it.
            if (applies && running.isPresent() && running.get() < merged.version()) {
                if (!apply) {
                    return new Outcome(true, "the file is up to date (version " + merged.version() + ") but the cluster runs version "
                            + running.get() + ": would run " + vigil + " config apply", "");
                }
                configApply(host, vigil, file, nodeOption, ctx);
                return new Outcome(true, "the file was up to date; the cluster ran version " + running.get()
                        + ": applied version " + merged.version(), "");
            }
            return Outcome.ok("up to date (version " + merged.version() + ")");
        }
        var errors = ConfigLoader.checkAwayFromNodes(merged.text(), Path.of(file));
        String diff = UnifiedDiff.diff(file, current, merged.text());
        if (!errors.isEmpty()) {
            throw new Failure("the merged cluster file would be invalid, nothing written:\n"
                    + errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")) + "\n" + diff);
        }
        String what = String.join(", ", merged.changed()) + ", version " + merged.version()
                + (merged.regenerated() ? " (the file is rewritten whole: its top-level keys do not each start a line; its comments are gone)" : "");
        String why = mode == ApplyMode.NEVER ? " (apply: never)" : ": no agent answers on " + host.name();
        if (!apply) {
            return new Outcome(true, "would merge " + what + (applies ? "; would run " + vigil + " config apply" : "; would not apply it" + why), diff);
        }
        byte[] next = merged.text().getBytes(StandardCharsets.UTF_8);
        ctx.before().replacing(host, file, Optional.of(currentBytes), Optional.of(host.mode(file)), next);
        host.write(file, next, Optional.empty());
        if (applies) configApply(host, vigil, file, nodeOption, ctx);
        return new Outcome(true, "merged " + what + (applies ? "; applied (" + vigil + " config apply)" : "; not applied" + why), diff);
    }

    static ApplyMode applyMode(String v) throws Failure {
        return switch (v) {
            case "auto" -> ApplyMode.AUTO;
            case "always" -> ApplyMode.ALWAYS;
            case "never" -> ApplyMode.NEVER;
            default -> throw new Failure("`apply` must be auto, always or never, got '" + v + "'");
        };
    }

    /** The node names of the file, when it reads (the merge reports a file that does not). */
    private static List<String> nodeNames(String text) {
        var out = new ArrayList<String>();
        try {
            if (ClusterFileMerge.treeOf(text).get("nodes") instanceof List<?> nodes) {
                for (Object n : nodes) {
                    if (n instanceof Map<?, ?> m && m.get("name") instanceof ClusterFileMerge.Text t) out.add(t.text());
                }
            }
        } catch (Failure e) {
            // no names: the agent is then looked for by uname -n
        }
        return out;
    }

    /**
     * Where the agent of this host listens, derived as {@code vigil status} and the agent derive it
     * (the file's {@code control: {socket_dir}}, relative to the file, else /run/vigil;
     * {@code <cluster>-<node>.sock}); empty when it cannot be told here (the host's name is not
     * one of the file's nodes, or the file does not say its cluster), and then status is asked.
     */
    static Optional<String> agentSocket(String text, String file, String hostName, List<String> nodeNames) {
        if (!nodeNames.contains(hostName)) return Optional.empty();
        try {
            var tree = ClusterFileMerge.treeOf(text);
            if (!(tree.get("cluster") instanceof ClusterFileMerge.Text cluster)) return Optional.empty();
            String dir = "/run/vigil";
            if (tree.get("control") instanceof Map<?, ?> control && control.get("socket_dir") != null) {
                if (!(control.get("socket_dir") instanceof ClusterFileMerge.Text d)) return Optional.empty();
                dir = d.text().startsWith("/") ? d.text()
                        : java.nio.file.Path.of(file).resolveSibling(d.text()).normalize().toString();
            }
            return Optional.of(dir + "/" + cluster.text() + "-" + hostName + ".sock");
        } catch (Failure e) {
            return Optional.empty();
        }
    }

    private static Host.Kind kindOrMissing(Host host, String path) {
        try {
            return host.kind(path);
        } catch (IOException e) {
            return Host.Kind.OTHER; // cannot tell: ask the agent
        }
    }

    /** The agent's status on the host, or empty when none answers (any exit but 0, or not JSON). */
    private static Optional<JsonNode> status(Host host, String vigil, String file, String nodeOption, Context ctx) throws IOException {
        var r = host.shell(vigil + " status --json --config " + Quoting.sh(file) + nodeOption, ctx.timeout());
        if (!r.ok()) return Optional.empty();
        return parseStatus(r.output());
    }

    /** The JSON document of {@code vigil status --json}, skipping anything printed before it. */
    static Optional<JsonNode> parseStatus(String output) {
        int start = output.indexOf('{');
        if (start < 0) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(output.substring(start));
            return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Why the cluster is degraded: each node that is not alive, each resource failed on a node; empty when healthy. */
    static Optional<String> degraded(JsonNode status) {
        var problems = new ArrayList<String>();
        for (JsonNode n : status.path("nodes")) {
            String state = n.path("state").asText("unknown");
            if (!state.equals("alive")) problems.add("node " + n.path("name").asText("?") + " is " + state);
        }
        for (JsonNode r : status.path("resources").path("resources")) {
            var states = r.path("states").fields();
            while (states.hasNext()) {
                var s = states.next();
                String st = s.getValue().asText();
                if (st.equals("failed")) problems.add("resource " + r.path("id").asText("?") + " failed on " + s.getKey());
                if (st.equals("stop_failed")) problems.add("resource " + r.path("id").asText("?") + " failed to stop on " + s.getKey());
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    private static void configApply(Host host, String vigil, String file, String nodeOption, Context ctx) throws IOException, Failure {
        var r = host.shell(vigil + " config apply --config " + Quoting.sh(file) + nodeOption + " " + Quoting.sh(file), ctx.timeout());
        if (r.timedOut()) throw new Failure("`" + vigil + " config apply` did not finish within " + dev.vigil.config.Durations.format(ctx.timeout()) + "; the file is written");
        if (r.exitCode() != 0) {
            throw new Failure("the file is written, but `" + vigil + " config apply` failed (exit " + r.exitCode() + ")"
                    + CommandStep.tail(r.output()));
        }
    }
}
