package dev.vigil.drill;

import dev.vigil.config.BoundedFile;
import dev.vigil.config.Durations;
import dev.vigil.config.LocatedYaml;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.YamlChecks;
import dev.vigil.coordination.Suggest;
import dev.vigil.drill.Drill.Expectations;
import dev.vigil.drill.Drill.Inject;
import dev.vigil.drill.Drill.Limits;
import dev.vigil.drill.Drill.ProbeKind;
import dev.vigil.drill.Drill.ProbeSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a {@code drills:} file with the cluster file's located YAML reader and reports every
 * mistake at once, each at its {@code file:line:column}, with a "did you mean" for unknown keys
 * and kinds. Checks what the file alone can tell; whether the target exists in the cluster is
 * checked when the drill runs (the preconditions), against the cluster as it is then.
 *
 * <pre>
 * drills:
 *   - name: web-switchover
 *     kind: switchover
 *     target: www
 *     to: ha2
 *     probes:
 *       - {http: "http://10.0.0.50/", interval: 100ms, timeout: 1s}
 *     expect: {service_back_within: 10s, resources: {www: ha2}, single_holder: [vip]}
 *     limits: {budget: 2m}
 * </pre>
 */
public final class DrillReader {
    static final List<String> TOP_KEYS = List.of("drills");
    static final List<String> DRILL_KEYS = List.of("name", "description", "kind", "target", "to", "probes", "expect",
            "limits", "inject");
    static final List<String> PROBE_KEYS = List.of("name", "http", "tcp", "command", "interval", "timeout", "vantage", "reuse");
    static final List<String> EXPECT_KEYS = List.of("service_back_within", "resources", "single_holder",
            "no_other_node_lost", "fenced");
    static final List<String> LIMIT_KEYS = List.of("budget", "settle");
    static final List<String> INJECT_KEYS = List.of("method", "command", "restore", "duration", "timeout", "env");
    static final List<String> NODE_CRASH_METHODS = List.of("fence", "command");
    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);
    static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Faster than this a probe measures the prober, not the service: its wakeups (the timer's
     * slack, the scheduler) are a fair share of the interval, and it costs ~4 % of a core with
     * reused connections. 2 ms is what a drill needs to see a gap to within a few ms.
     */
    static final Duration MIN_INTERVAL = Duration.ofMillis(2);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:]+]|[^:\\s]+):(\\d{1,5})");

    private DrillReader() {}

    /** The drills when the file has no errors; every error otherwise (never both). */
    public record Result(List<Drill> drills, List<DrillError> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public static Result read(Path file) {
        return read(file, Optional.empty());
    }

    /**
     * @param nodes the cluster's nodes, where its file is known: a probe's {@code vantage} must then
     *              be one of them (or {@code local}); without them any node name is accepted here
     *              and the run finds out
     */
    public static Result read(Path file, Optional<java.util.Set<String>> nodes) {
        String text;
        try {
            text = BoundedFile.readText(file, BoundedFile.CLUSTER_FILE_LIMIT, "drill file");
        } catch (IOException e) {
            String m = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            return new Result(List.of(), List.of(new DrillError(file, 1, 1, "cannot read the drill file: " + m)));
        }
        return read(file, text, nodes);
    }

    public static Result read(Path file, String text) {
        return read(file, text, Optional.empty());
    }

    public static Result read(Path file, String text, Optional<java.util.Set<String>> nodes) {
        var r = new Reading(file, nodes);
        try {
            var doc = LocatedYaml.read(text);
            doc.problems().forEach(p -> r.error(p.pos(), reword(p.message())));
            if (doc.root().isEmpty()) {
                r.error(Pos.START, "the drill file is empty; it needs `drills:`, a list of drills");
            } else {
                r.file(doc.root().get());
            }
        } catch (LocatedYaml.SyntaxError e) {
            r.error(e.pos, reword(e.getMessage()));
        }
        r.errors.sort(Comparator.comparingInt(DrillError::line).thenComparingInt(DrillError::column));
        return r.errors.isEmpty() ? new Result(List.copyOf(r.drills), List.of()) : new Result(List.of(), List.copyOf(r.errors));
    }

    private static String reword(String message) {
        return message.replace("a cluster file", "a drill file");
    }

    /** One file's reading: the errors found so far and the drills read. */
    private static final class Reading implements YamlChecks {
        final Path file;
        final List<DrillError> errors = new ArrayList<>();
        final List<Drill> drills = new ArrayList<>();
        final Optional<java.util.Set<String>> nodes;

        Reading(Path file, Optional<java.util.Set<String>> nodes) {
            this.file = file;
            this.nodes = nodes;
        }

        @Override
        public void error(Pos pos, String message) {
            errors.add(new DrillError(file, pos.line(), pos.column(), message));
        }

        void file(Node root) {
            var top = map(root, "a drill file");
            if (top.isEmpty()) return;
            for (Entry e : top.get().entries()) {
                if (!TOP_KEYS.contains(e.key())) unknownKey(e, "top-level key", "", TOP_KEYS);
            }
            var list = top.get().entry("drills");
            if (list.isEmpty()) {
                error(top.get().pos(), "a drill file needs `drills:`, a list of drills");
                return;
            }
            if (!(list.get().value() instanceof ListNode l)) {
                error(list.get().value().pos(), "`drills` must be a list (lines starting with `- `)");
                return;
            }
            var names = new LinkedHashMap<String, Pos>();
            for (Node item : l.items()) {
                map(item, "each drill").flatMap(this::drill).ifPresent(d -> {
                    var earlier = names.putIfAbsent(d.name(), item.pos());
                    if (earlier != null) {
                        error(item.pos(), "drill `" + d.name() + "` is defined twice (first at line " + earlier.line() + ")");
                    } else {
                        drills.add(d);
                    }
                });
            }
        }

        Optional<Drill> drill(MapNode m) {
            int before = errors.size();
            for (Entry e : m.entries()) {
                if (!DRILL_KEYS.contains(e.key())) unknownKey(e, "key", " in a drill", DRILL_KEYS);
            }
            String name = required(m, "name", "a drill").flatMap(n -> text(n, "`name`")).orElse(null);
            if (name != null && !NAME.matcher(name).matches()) {
                error(m.entry("name").orElseThrow().value().pos(), "drill name `" + name
                        + "` must be letters, digits, '.', '_' and '-' (it names the drill on the command line)");
            }
            String where = name == null ? "" : " of drill `" + name + "`";
            String description = m.entry("description").flatMap(e -> text(e.value(), "`description`")).orElse("");
            Kind kind = required(m, "kind", "a drill").flatMap(n -> text(n, "`kind`").flatMap(k -> {
                var known = Kind.of(k);
                if (known.isEmpty()) {
                    error(n.pos(), "unknown kind `" + k + "`" + Suggest.didYouMean(k, Kind.keys())
                            + " (kinds: " + String.join(", ", Kind.keys()) + ")");
                }
                return known;
            })).orElse(null);
            String target = required(m, "target", "a drill").flatMap(n -> text(n, "`target`")).orElse(null);
            Optional<String> to = m.entry("to").flatMap(e -> text(e.value(), "`to`"));
            if (to.isPresent() && kind != null && kind != Kind.SWITCHOVER) {
                error(m.entry("to").orElseThrow().keyPos(), "`to` applies to switchover drills only");
            }

            var probes = new ArrayList<ProbeSpec>();
            m.entry("probes").ifPresent(e -> {
                if (e.value() instanceof ListNode l) {
                    for (Node item : l.items()) map(item, "each probe").flatMap(p -> probe(p, probes.size() + 1)).ifPresent(probes::add);
                } else {
                    error(e.value().pos(), "`probes` must be a list of probes, e.g. `- {http: \"http://10.0.0.50/\"}`");
                }
            });

            var expect = m.entry("expect").flatMap(e -> map(e.value(), "`expect`")).map(this::expectations)
                    .orElse(new Expectations(Optional.empty(), Map.of(), List.of(), true, Optional.empty()));
            if (expect.serviceBackWithin().isPresent() && m.entry("probes").isEmpty()) {
                error(m.entry("expect").orElseThrow().keyPos(), "`service_back_within` needs at least one probe" + where
                        + " (add `probes:`), or nothing measures the service");
            }
            var limits = m.entry("limits").flatMap(e -> map(e.value(), "`limits`")).map(this::limits)
                    .orElse(new Limits(Limits.DEFAULT_BUDGET, Limits.DEFAULT_SETTLE));
            var injectEntry = m.entry("inject");
            var inject = injectEntry.flatMap(e -> map(e.value(), "`inject`")).map(this::inject).orElse(Inject.none());
            if (kind != null) {
                checkInject(kind, inject, injectEntry.map(Entry::keyPos).orElse(m.pos()), where);
            }
            if (errors.size() > before || name == null || kind == null || target == null) return Optional.empty();
            return Optional.of(new Drill(file, m.pos().line(), name, description, kind, target, to, List.copyOf(probes),
                    expect, limits, inject));
        }

        /** What each kind needs beyond the control channel, said where the drill's `inject` is (or starts). */
        void checkInject(Kind kind, Inject inject, Pos pos, String where) {
            switch (kind) {
                case RESOURCE_FAILURE -> {
                    if (inject.command().isEmpty()) error(pos, "a resource-failure drill needs `inject: {command: ...}`"
                            + where + ": the command that kills the resource behind the cluster's back");
                }
                case LINK_CUT -> {
                    if (inject.command().isEmpty() || inject.restore().isEmpty()) error(pos, "a link-cut drill needs "
                            + "`inject: {command: ..., restore: ...}`" + where + ": the hook that cuts the node's links and the one that restores them");
                }
                case NODE_CRASH -> {
                    var method = inject.method().orElse("fence");
                    if (!NODE_CRASH_METHODS.contains(method)) {
                        error(pos, "unknown node-crash method `" + method + "`" + Suggest.didYouMean(method, NODE_CRASH_METHODS)
                                + " (methods: fence, command)");
                    } else if (method.equals("command") && inject.command().isEmpty()) {
                        error(pos, "node-crash with `method: command` needs `command:`" + where
                                + ", the command that kills the node's agent and everything it runs");
                    }
                }
                case AGENT_FREEZE -> {
                    if (inject.command().isEmpty() || inject.duration().isEmpty()) error(pos, "an agent-freeze drill needs "
                            + "`inject: {command: ..., duration: ...}`" + where
                            + ": a command that prints the agent's PID, and how long it stays stopped (e.g. 3 × deadtime)");
                }
                case SWITCHOVER, FENCE -> {
                    if (inject.command().isPresent() || inject.method().isPresent()) error(pos, "a " + kind.key()
                            + " drill is done through the control channel; `inject: {command|method}` does not apply");
                }
            }
        }

        Optional<ProbeSpec> probe(MapNode m, int index) {
            int before = errors.size();
            for (Entry e : m.entries()) {
                if (!PROBE_KEYS.contains(e.key())) unknownKey(e, "key", " in a probe", PROBE_KEYS);
            }
            var kinds = m.entries().stream().filter(e -> List.of("http", "tcp", "command").contains(e.key())).toList();
            if (kinds.size() != 1) {
                error(m.pos(), "a probe needs exactly one of `http: URL`, `tcp: HOST:PORT` or `command: CMD`"
                        + (kinds.isEmpty() ? "" : " (this one has " + kinds.size() + ")"));
                return Optional.empty();
            }
            Entry k = kinds.get(0);
            var kind = ProbeKind.valueOf(k.key().toUpperCase(java.util.Locale.ROOT));
            String address = text(k.value(), "`" + k.key() + "`").orElse("");
            switch (kind) {
                case HTTP -> {
                    try {
                        var uri = new URI(address);
                        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                            error(k.value().pos(), "`http` must be an http:// or https:// URL with a host, not `" + address + "`");
                        }
                    } catch (URISyntaxException e) {
                        error(k.value().pos(), "`http` is not a URL: " + e.getReason());
                    }
                }
                case TCP -> {
                    var hp = HOST_PORT.matcher(address);
                    if (!hp.matches() || Integer.parseInt(hp.group(2)) < 1 || Integer.parseInt(hp.group(2)) > 65535) {
                        error(k.value().pos(), "`tcp` must be HOST:PORT (IPv6 as [::1]:80), not `" + address + "`");
                    }
                }
                case COMMAND -> {
                    if (address.isBlank()) error(k.value().pos(), "`command` is empty");
                }
            }
            Duration interval = m.entry("interval").flatMap(e -> duration(e.value(), "`interval`")).orElse(DEFAULT_INTERVAL);
            if (interval.compareTo(MIN_INTERVAL) < 0) {
                error(m.entry("interval").orElseThrow().value().pos(), "`interval` must be at least " + Durations.format(MIN_INTERVAL));
            }
            Duration timeout = m.entry("timeout").flatMap(e -> duration(e.value(), "`timeout`")).orElse(DEFAULT_PROBE_TIMEOUT);
            String vantage = m.entry("vantage").flatMap(e -> text(e.value(), "`vantage`")).orElse(ProbeSpec.LOCAL);
            if (!vantage.equals(ProbeSpec.LOCAL) && nodes.isPresent() && !nodes.get().contains(vantage)) {
                var known = nodes.get().stream().sorted().toList();
                error(m.entry("vantage").orElseThrow().value().pos(), "vantage `" + vantage + "` is not a node of the cluster ("
                        + String.join(", ", known) + ") nor `local`" + Suggest.didYouMean(vantage, known));
            }
            boolean reuse = m.entry("reuse").flatMap(e -> bool(e.value(), "`reuse`")).orElse(true);
            m.entry("reuse").filter(e -> kind != ProbeKind.HTTP).ifPresent(e -> error(e.keyPos(),
                    "`reuse` applies to http probes only (a tcp probe's point is the connect, a command's is the command)"));
            String name = m.entry("name").flatMap(e -> text(e.value(), "`name`")).orElse(kind.key() + "-" + index);
            if (errors.size() > before) return Optional.empty();
            return Optional.of(new ProbeSpec(name, kind, address, interval, timeout, vantage, reuse));
        }

        Expectations expectations(MapNode m) {
            for (Entry e : m.entries()) {
                if (!EXPECT_KEYS.contains(e.key())) unknownKey(e, "expectation", "", EXPECT_KEYS);
            }
            var back = m.entry("service_back_within").flatMap(e -> duration(e.value(), "`service_back_within`"));
            var resources = new LinkedHashMap<String, String>();
            m.entry("resources").flatMap(e -> map(e.value(), "`resources` (resource or group: node)")).ifPresent(r -> {
                for (Entry e : r.entries()) text(e.value(), "the node of `" + e.key() + "`").ifPresent(n -> resources.put(e.key(), n));
            });
            var single = m.entry("single_holder").map(e -> scalars(e.value(), "`single_holder`")).orElse(List.of());
            boolean noOtherLost = m.entry("no_other_node_lost").flatMap(e -> bool(e.value(), "`no_other_node_lost`")).orElse(true);
            var fenced = m.entry("fenced").flatMap(e -> bool(e.value(), "`fenced`"));
            return new Expectations(back, Map.copyOf(resources), single, noOtherLost, fenced);
        }

        Limits limits(MapNode m) {
            for (Entry e : m.entries()) {
                if (!LIMIT_KEYS.contains(e.key())) unknownKey(e, "limit", "", LIMIT_KEYS);
            }
            return new Limits(m.entry("budget").flatMap(e -> duration(e.value(), "`budget`")).orElse(Limits.DEFAULT_BUDGET),
                    m.entry("settle").flatMap(e -> duration(e.value(), "`settle`")).orElse(Limits.DEFAULT_SETTLE));
        }

        Inject inject(MapNode m) {
            for (Entry e : m.entries()) {
                if (!INJECT_KEYS.contains(e.key())) unknownKey(e, "key", " in `inject`", INJECT_KEYS);
            }
            var env = new LinkedHashMap<String, String>();
            m.entry("env").flatMap(e -> map(e.value(), "`env`")).ifPresent(r -> {
                for (Entry e : r.entries()) text(e.value(), "`" + e.key() + "`").ifPresent(v -> env.put(e.key(), v));
            });
            return new Inject(m.entry("method").flatMap(e -> text(e.value(), "`method`")),
                    m.entry("command").flatMap(e -> text(e.value(), "`command`")),
                    m.entry("restore").flatMap(e -> text(e.value(), "`restore`")),
                    m.entry("duration").flatMap(e -> duration(e.value(), "`duration`")),
                    m.entry("timeout").flatMap(e -> duration(e.value(), "`timeout`")).orElse(Inject.DEFAULT_TIMEOUT),
                    Map.copyOf(env));
        }

        // ---- value helpers: each records its own error and returns empty

        List<String> scalars(Node n, String what) {
            if (n instanceof ListNode l) {
                var out = new ArrayList<String>();
                for (Node item : l.items()) text(item, "each of " + what).ifPresent(out::add);
                return List.copyOf(out);
            }
            return text(n, what).map(List::of).orElse(List.of());
        }

        Optional<Duration> duration(Node n, String what) {
            return text(n, what).flatMap(t -> {
                var d = Durations.parse(t).filter(x -> !x.isZero());
                if (d.isEmpty()) error(n.pos(), what + " must be a duration such as 500ms, 10s or 2m, not `" + t + "`");
                return d;
            });
        }

        Optional<Boolean> bool(Node n, String what) {
            return text(n, what).flatMap(t -> switch (t) {
                case "true" -> Optional.of(true);
                case "false" -> Optional.of(false);
                default -> {
                    error(n.pos(), what + " must be true or false, not `" + t + "`");
                    yield Optional.empty();
                }
            });
        }

        void unknownKey(Entry e, String kind, String where, Collection<String> known) {
            error(e.keyPos(), "unknown " + kind + " `" + e.key() + "`" + where + Suggest.didYouMean(e.key(), known)
                    + " (known: " + String.join(", ", known) + ")");
        }
    }
}
