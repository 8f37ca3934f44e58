package dev.vigil.playbook;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import dev.vigil.coordination.Suggest;
import dev.vigil.playbook.steps.ClusterFileMerge;
import dev.vigil.playbook.steps.Facts;
import dev.vigil.playbook.steps.FileStep;
import dev.vigil.playbook.steps.StepLiterals;
import dev.vigil.playbook.steps.StepTypes;
import dev.vigil.playbook.steps.Template;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a playbook and reports every problem at once, each at its line:column: the shape of the
 * file, variable declarations and their defaults, steps (unknown types and parameters with a
 * "did you mean"), templates naming undefined variables, handlers and what notifies them, hosts.
 *
 * <pre>
 * name: web page
 * hosts: [local]
 * vars:
 *   docroot: {type: path, default: /var/www/html, description: where apache serves from}
 * steps:
 *   - name: the page
 *     file: {path: "{{docroot}}/index.html", content: "hello from {{host}}\n", mode: "0644"}
 *     notify: reload apache
 * handlers:
 *   - name: reload apache
 *     command: {cmd: systemctl reload apache2}
 * </pre>
 */
public final class PlaybookReader {
    static final List<String> TOP_KEYS = List.of("name", "hosts", "vars", "steps", "handlers", "serial", "any_errors_fatal");
    static final List<String> VAR_KEYS = List.of("type", "default", "description", "choices", "pattern", "min", "max", "within");
    /** Variables every step sees without declaring them. */
    public static final Set<String> BUILTIN_VARS = Set.of("host");
    private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** Permission bits only: setuid, setgid and sticky (a fourth digit) are not supported yet. */
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

    private PlaybookReader() {}

    /** The playbook when it has no errors; every error otherwise (never both). */
    public record Result(Optional<Playbook> playbook, List<PlaybookError> errors) {}

    /**
     * @param inventory the hosts an inventory file declares beyond {@code local}; empty without one
     */
    public static Result read(Path file, Inventory inventory) {
        var errors = new ArrayList<PlaybookError>();
        var y = new YamlFile(file, errors);
        var root = y.read("playbook").flatMap(n -> y.map(n, "a playbook"));
        if (root.isEmpty()) return new Result(Optional.empty(), errors);
        MapNode top = root.get();
        for (Entry e : top.entries()) {
            if (!TOP_KEYS.contains(e.key())) y.unknownKey(e.keyPos(), "top-level key", e.key(), "", TOP_KEYS);
        }
        String name = top.entry("name").flatMap(e -> y.text(e.value(), "`name`")).orElse(file.getFileName().toString());

        List<String> hosts = new ArrayList<>();
        var hostsEntry = top.entry("hosts");
        if (hostsEntry.isEmpty()) {
            y.error(top.pos(), "a playbook must say where it runs: add `hosts: [local]`");
        } else {
            var given = y.scalars(hostsEntry.get().value(), "`hosts`");
            if (given.isEmpty() && hostsEntry.get().value() instanceof ListNode) {
                y.error(hostsEntry.get().value().pos(), "`hosts` is empty: name where the playbook runs, e.g. [local]");
            }
            String firstLocal = null;
            for (Scalar s : given) {
                inventory.problem(s.text()).ifPresent(p -> y.error(s.pos(), p));
                // A group or `all` stands for its hosts; a host reached twice through groups runs once.
                if (given.stream().filter(o -> o.text().equals(s.text())).findFirst().get() != s) {
                    y.error(s.pos(), "host `" + s.text() + "` is listed twice");
                }
                for (String h : inventory.expand(s.text())) {
                    boolean local = inventory.host(h).map(Inventory.HostEntry::local).orElse(false);
                    if (local && firstLocal != null && !firstLocal.equals(h)) {
                        // The same steps would run twice on one machine, and their journals would share a directory.
                        y.error(s.pos(), "hosts `" + firstLocal + "` and `" + h + "` are both this machine; name it once");
                    } else if (local && firstLocal == null) {
                        firstLocal = h;
                    }
                    if (!hosts.contains(h)) hosts.add(h);
                }
            }
        }

        var vars = new LinkedHashMap<String, VarDecl>();
        top.entry("vars").flatMap(e -> y.map(e.value(), "`vars`")).ifPresent(m -> {
            for (Entry e : m.entries()) readVar(y, e).ifPresent(d -> vars.putIfAbsent(d.name(), d));
            withinRules(y, m, vars);
        });
        var defined = new HashSet<>(vars.keySet());
        defined.addAll(BUILTIN_VARS);

        var handlers = new LinkedHashMap<String, StepSpec>();
        var handlerNotifyPos = new ArrayList<Map.Entry<String, Pos>>();
        top.entry("handlers").ifPresent(e -> {
            for (var h : steps(y, e.value(), "`handlers`", defined, vars, file, handlerNotifyPos)) {
                if (handlers.containsKey(h.name())) {
                    y.error(new Pos(h.line(), h.column()), "handler `" + h.name() + "` is defined twice");
                } else {
                    handlers.put(h.name(), h);
                }
            }
        });
        for (var n : handlerNotifyPos) y.error(n.getValue(), "a handler cannot notify another (`" + n.getKey() + "`)");

        var notifyPos = new ArrayList<Map.Entry<String, Pos>>();
        List<StepSpec> steps = List.of();
        var stepsEntry = top.entry("steps");
        if (stepsEntry.isEmpty()) {
            y.error(top.pos(), "a playbook needs `steps:`, a list of what to do");
        } else {
            steps = steps(y, stepsEntry.get().value(), "`steps`", defined, vars, file, notifyPos);
        }
        for (var n : notifyPos) {
            if (!handlers.containsKey(n.getKey())) {
                y.error(n.getValue(), "no handler named `" + n.getKey() + "`" + Suggest.didYouMean(n.getKey(), handlers.keySet()));
            }
        }
        int serial = top.entry("serial").map(e -> serial(y, e)).orElse(0);
        boolean anyErrorsFatal = top.entry("any_errors_fatal").flatMap(e -> y.text(e.value(), "`any_errors_fatal`")
                .filter(v -> {
                    if (Condition.isBool(v)) return true;
                    y.error(e.value().pos(), "`any_errors_fatal` must be true or false, got '" + v + "'");
                    return false;
                })).map(Condition::bool).orElse(false);
        errors.sort(java.util.Comparator.comparing((PlaybookError e) -> e.file().toString())
                .thenComparingInt(PlaybookError::line).thenComparingInt(PlaybookError::column));
        if (!errors.isEmpty()) return new Result(Optional.empty(), errors);
        return new Result(Optional.of(new Playbook(file, name, List.copyOf(hosts), vars, steps, handlers, serial,
                anyErrorsFatal)), errors);
    }

    /** {@code serial: N}, a positive number of hosts per batch; 0 after an error. */
    private static int serial(YamlFile y, Entry e) {
        if (e.value() instanceof Scalar s && s.token() == JsonToken.VALUE_NUMBER_INT && s.integer().signum() > 0
                && s.integer().bitLength() < 31) {
            return s.integer().intValue();
        }
        y.error(e.value().pos(), "`serial` must be a number of hosts per batch, 1 or more");
        return 0;
    }

    private static Optional<VarDecl> readVar(YamlFile y, Entry e) {
        String name = e.key();
        boolean ok = true;
        if (!VAR_NAME.matcher(name).matches()) {
            y.error(e.keyPos(), "variable name `" + name + "` must be letters, digits and '_', not starting with a digit");
            ok = false;
        }
        if (BUILTIN_VARS.contains(name)) {
            y.error(e.keyPos(), "`" + name + "` is a built-in variable (the host's name); choose another name");
            ok = false;
        }
        var m = y.map(e.value(), "variable `" + name + "`");
        if (m.isEmpty()) return Optional.empty();
        for (Entry k : m.get().entries()) {
            if (!VAR_KEYS.contains(k.key())) y.unknownKey(k.keyPos(), "key", k.key(), " in variable `" + name + "`", VAR_KEYS);
        }
        VarType type = null;
        var typeEntry = m.get().entry("type");
        if (typeEntry.isEmpty()) {
            y.error(e.keyPos(), "variable `" + name + "` needs a `type` (" + typeNames() + ")");
            ok = false;
        } else {
            var t = y.text(typeEntry.get().value(), "`type`");
            if (t.isPresent()) {
                type = VarType.of(t.get()).orElse(null);
                if (type == null) {
                    y.error(typeEntry.get().value().pos(), "unknown type `" + t.get() + "`"
                            + Suggest.didYouMean(t.get(), typeNameList()) + " (types: " + typeNames() + ")");
                }
            }
            ok &= type != null;
        }
        String description = m.get().entry("description").flatMap(d -> y.text(d.value(), "`description`")).orElse("");
        List<String> choices = new ArrayList<>();
        var choicesEntry = m.get().entry("choices");
        if (choicesEntry.isPresent()) {
            y.scalars(choicesEntry.get().value(), "`choices`").forEach(s -> choices.add(s.text()));
            if (type != VarType.CHOICE && type != VarType.FLAGS && type != null) {
                y.error(choicesEntry.get().keyPos(), "`choices` applies to types choice and flags only");
            }
            if (type == VarType.FLAGS) {
                var p = Flags.declarationProblem(choices);
                if (p.isPresent()) {
                    y.error(choicesEntry.get().value().pos(), "variable `" + name + "` of type flags: " + p.get());
                    ok = false;
                }
            }
        } else if (type == VarType.CHOICE) {
            y.error(e.keyPos(), "variable `" + name + "` of type choice needs `choices: [a, b, ...]`");
            ok = false;
        } else if (type == VarType.FLAGS) {
            y.error(e.keyPos(), "variable `" + name + "` of type flags " + Flags.declarationProblem(List.of()).orElseThrow());
            ok = false;
        }
        Optional<Pattern> pattern = Optional.empty();
        var patternEntry = m.get().entry("pattern");
        if (patternEntry.isPresent()) {
            var p = y.text(patternEntry.get().value(), "`pattern`");
            if (p.isPresent()) {
                try {
                    pattern = Optional.of(Pattern.compile(p.get()));
                } catch (PatternSyntaxException x) {
                    y.error(patternEntry.get().value().pos(), "`pattern` is not a regular expression: " + x.getDescription());
                    ok = false;
                }
            }
        }
        Optional<Long> min = bound(y, m.get(), "min", type);
        Optional<Long> max = bound(y, m.get(), "max", type);
        Optional<String> def = Optional.empty();
        var defEntry = m.get().entry("default");
        if (defEntry.isPresent()) {
            Node dv = defEntry.get().value();
            if ((type == VarType.NODES || type == VarType.CLIENTS) && dv instanceof ListNode l) {
                var names = new ArrayList<String>();
                y.scalars(l, "the default").forEach(s -> names.add(s.text()));
                def = Optional.of(String.join(" ", names));
            } else {
                def = y.text(dv, "`default`");
            }
            if (def.isEmpty()) ok = false;
        }
        Optional<String> within = Optional.empty();
        var withinEntry = m.get().entry("within");
        if (withinEntry.isPresent()) {
            within = y.text(withinEntry.get().value(), "`within`");
            if (type != null && type != VarType.PATH) {
                y.error(withinEntry.get().keyPos(), "`within` applies to type path only");
                ok = false;
            }
        }
        if (!ok) return Optional.empty();
        var decl = new VarDecl(name, type, def, description, List.copyOf(choices), pattern, min, max, within);
        if (def.isPresent()) {
            var problem = type.problem(def.get(), decl);
            if (problem.isPresent()) {
                y.error(defEntry.get().value().pos(), "default of `" + name + "` " + problem.get());
                return Optional.empty();
            }
        }
        return Optional.of(decl);
    }

    /** Each {@code within} names another path variable, and the defaults keep to the rule. */
    private static void withinRules(YamlFile y, MapNode m, Map<String, VarDecl> vars) {
        for (var d : List.copyOf(vars.values())) {
            if (d.within().isEmpty()) continue;
            var pos = m.entry(d.name()).flatMap(e -> e.value() instanceof MapNode vm ? vm.entry("within") : Optional.empty())
                    .map(Entry::keyPos).orElse(Pos.START);
            var base = vars.get(d.within().get());
            if (base == null || base.type() != VarType.PATH || base.name().equals(d.name())) {
                y.error(pos, "`within` of `" + d.name() + "` must name another path variable, got `" + d.within().get() + "`"
                        + Suggest.didYouMean(d.within().get(), vars.keySet()));
                vars.remove(d.name());
                continue;
            }
            if (d.defaultValue().isPresent() && base.defaultValue().isPresent()) {
                d.withinProblem(d.defaultValue().get(), base.defaultValue().get())
                        .ifPresent(p -> y.error(pos, "default of `" + d.name() + "` " + p));
            }
        }
    }

    private static Optional<Long> bound(YamlFile y, MapNode m, String key, VarType type) {
        var e = m.entry(key);
        if (e.isEmpty()) return Optional.empty();
        if (type != null && type != VarType.INT) {
            y.error(e.get().keyPos(), "`" + key + "` applies to type int only");
            return Optional.empty();
        }
        if (e.get().value() instanceof Scalar s && s.token() == JsonToken.VALUE_NUMBER_INT && s.integer().bitLength() < 63) {
            return Optional.of(s.integer().longValue());
        }
        y.error(e.get().value().pos(), "`" + key + "` must be an integer");
        return Optional.empty();
    }

    private static List<StepSpec> steps(YamlFile y, Node n, String what, Set<String> defined, Map<String, VarDecl> vars, Path file,
                                        List<Map.Entry<String, Pos>> notifies) {
        var out = new ArrayList<StepSpec>();
        if (!(n instanceof ListNode l)) {
            y.error(n.pos(), what + " must be a list of steps (lines starting with '- ')");
            return out;
        }
        for (Node item : l.items()) {
            var m = y.map(item, "a step");
            if (m.isEmpty()) continue;
            readStep(y, m.get(), defined, vars, file, notifies, what.equals("`handlers`")).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<StepSpec> readStep(YamlFile y, MapNode m, Set<String> defined, Map<String, VarDecl> vars, Path file,
                                               List<Map.Entry<String, Pos>> notifies, boolean handler) {
        Entry typeEntry = null;
        boolean ok = true;
        var known = new ArrayList<String>(StepTypes.SUPPORTED.keySet());
        known.addAll(StepTypes.STEP_KEYS);
        for (Entry e : m.entries()) {
            if (StepTypes.STEP_KEYS.contains(e.key())) continue;
            if (StepTypes.SUPPORTED.containsKey(e.key())) {
                if (typeEntry != null) {
                    y.error(e.keyPos(), "a step does one thing: it has `" + typeEntry.key() + "` already; make `"
                            + e.key() + "` a step of its own");
                    ok = false;
                } else {
                    typeEntry = e;
                }
            } else {
                y.error(e.keyPos(), "unknown step type `" + e.key() + "`" + Suggest.didYouMean(e.key(), known)
                        + " (step types: " + String.join(", ", StepTypes.SUPPORTED.keySet()) + ")");
                ok = false;
            }
        }
        Optional<String> name = m.entry("name").flatMap(e -> y.text(e.value(), "`name`"));
        if (name.isPresent() && !handler) ok &= refsDefined(y, m.entry("name").get().value().pos(), name.get(), defined);
        if (name.isPresent() && handler && !Template.refs(name.get()).isEmpty()) {
            y.error(m.entry("name").get().value().pos(), "a handler's name is what steps `notify`: it cannot be a template");
            ok = false;
        }
        if (handler && m.entry("name").isEmpty()) {
            y.error(m.pos(), "a handler needs a `name`, which steps `notify`");
            ok = false;
        }
        var notify = new ArrayList<String>();
        m.entry("notify").ifPresent(e -> {
            for (Scalar s : y.scalars(e.value(), "`notify`")) {
                notify.add(s.text());
                notifies.add(Map.entry(s.text(), s.pos()));
            }
        });
        if (typeEntry == null) {
            if (ok) y.error(m.pos(), "this step has no type: add one of " + String.join(", ", StepTypes.SUPPORTED.keySet()));
            return Optional.empty();
        }
        String type = typeEntry.key();
        var specs = StepTypes.SUPPORTED.get(type);
        var paramNames = specs.stream().map(StepTypes.Param::name).toList();
        var params = new LinkedHashMap<String, String>();
        var given = y.map(typeEntry.value(), "`" + type + "`");
        if (given.isEmpty()) return Optional.empty();
        for (Entry p : given.get().entries()) {
            if (!paramNames.contains(p.key())) {
                y.unknownKey(p.keyPos(), "parameter", p.key(), " of `" + type + "`", paramNames);
                ok = false;
                continue;
            }
            var v = y.text(p.value(), "`" + p.key() + "`");
            if (v.isEmpty()) {
                ok = false;
                continue;
            }
            params.put(p.key(), v.get());
            ok &= refsDefined(y, p.value().pos(), v.get(), defined);
            ok &= literal(y, type, p, v.get());
        }
        for (var spec : specs) {
            if (spec.required() && !params.containsKey(spec.name()) && given.get().entry(spec.name()).isEmpty()) {
                y.error(typeEntry.keyPos(), "`" + type + "` needs `" + spec.name() + "` (" + spec.what() + ")");
                ok = false;
            }
        }
        ok &= combination(y, type, typeEntry, params, file, defined);
        Optional<Condition> when = Optional.empty();
        var whenEntry = m.entry("when");
        if (whenEntry.isPresent()) {
            when = condition(y, whenEntry.get(), vars);
            ok &= when.isPresent();
        }
        Optional<java.time.Duration> timeout = Optional.empty();
        var timeoutEntry = m.entry("timeout");
        if (timeoutEntry.isPresent()) {
            var t = y.text(timeoutEntry.get().value(), "`timeout`");
            timeout = t.flatMap(dev.vigil.config.Durations::parse).filter(d -> !d.isZero());
            if (t.isPresent() && timeout.isEmpty()) {
                y.error(timeoutEntry.get().value().pos(), "`timeout` of a step must be a duration such as 30s or 5m, got '" + t.get() + "'");
            }
            ok &= timeout.isPresent();
        }
        if (!ok) return Optional.empty();
        String stepName = name.orElse(type + " " + params.getOrDefault(specs.get(0).name(), ""));
        return Optional.of(new StepSpec(stepName, type, Map.copyOf(params), List.copyOf(notify),
                m.pos().line(), m.pos().column(), when, timeout));
    }

    /** A step's {@code when:}, parsed and checked; every problem at its own line:column. */
    private static Optional<Condition> condition(YamlFile y, Entry e, Map<String, VarDecl> vars) {
        var text = y.text(e.value(), "`when`");
        if (text.isEmpty()) return Optional.empty();
        Scalar s = (Scalar) e.value();
        try {
            var c = Condition.parse(text.get());
            var problems = c.check(vars, BUILTIN_VARS);
            problems.forEach(p -> y.error(y.inside(s, p.offset()), p.message()));
            return problems.isEmpty() ? Optional.of(c) : Optional.empty();
        } catch (Condition.SyntaxError x) {
            y.error(y.inside(s, x.offset), "`when`: " + x.getMessage());
            return Optional.empty();
        }
    }

    /** Every {@code {{var}}} in {@code text} is well formed and names a defined variable; errors at {@code pos}. */
    private static boolean refsDefined(YamlFile y, Pos pos, String text, Set<String> defined) {
        boolean ok = true;
        for (var ref : Template.refs(text)) {
            if (ref.name() == null) {
                y.error(pos, ref.problem());
                ok = false;
            } else if (!defined.contains(ref.name()) && !Facts.isFact(ref.name())) {
                y.error(pos, unknownName(ref.name(), defined, "; declare it under `vars:`"));
                ok = false;
            }
        }
        return ok;
    }

    /** "undefined variable `x`; did you mean ...", or for a {@code facts.} name the facts there are. */
    private static String unknownName(String name, Set<String> defined, String declareHint) {
        if (name.startsWith(Facts.PREFIX)) {
            return "unknown fact `" + name + "`" + Suggest.didYouMean(name, Facts.NAMES) + " (facts: "
                    + String.join(", ", new java.util.TreeSet<>(Facts.NAMES)) + ", facts.ipv4.IFACE, facts.ipv6.IFACE)";
        }
        return "undefined variable `" + name + "`" + Suggest.didYouMean(name, defined) + declareHint;
    }

    /** Parameters whose literal values can be checked now (templated ones are checked when they run). */
    private static boolean literal(YamlFile y, String type, Entry p, String v) {
        if (!Template.refs(v).isEmpty()) return true;
        String problem = StepLiterals.handles(type, p.key()) ? StepLiterals.problem(type, p.key(), v) : switch (p.key()) {
            case "mode" -> MODE.matcher(v).matches() ? null : "`mode` must be octal permissions such as 0644 (setuid, setgid and sticky bits are not supported yet), got '" + v + "'";
            case "path", "creates" -> v.startsWith("/") ? null : "`" + p.key() + "` must be an absolute path, got '" + v + "'";
            case "state" -> v.equals("present") || v.equals("absent") ? null
                    : "`state` must be present or absent, got '" + v + "'" + Suggest.didYouMean(v, List.of("present", "absent"));
            case "create" -> v.equals("true") || v.equals("false") ? null : "`create` must be true or false, got '" + v + "'";
            case "timeout" -> VarType.DURATION.problem(v, anyDecl()).map(s -> "`timeout` " + s).orElse(null);
            case "regexp" -> regexpProblem(v);
            // authkey, cluster and serial_test
            case "file", "device", "peer_device" -> v.startsWith("/") ? null : "`" + p.key() + "` must be an absolute path, got '" + v + "'";
            case "apply" -> List.of("auto", "always", "never").contains(v) ? null
                    : "`apply` must be auto, always or never, got '" + v + "'" + Suggest.didYouMean(v, List.of("auto", "always", "never"));
            case "min" -> v.equals("ok") || v.equals("degraded") ? null : "`min` must be ok or degraded, got '" + v + "'";
            case "baud" -> v.matches("[1-9][0-9]{0,8}") ? null : "`baud` must be a positive integer such as 19200, got '" + v + "'";
            case "duration" -> VarType.DURATION.problem(v, anyDecl()).map(s -> "`duration` " + s).orElse(null);
            case "content" -> type.equals("cluster") ? ClusterFileMerge.fragmentProblem(v).orElse(null) : null;
            default -> null;
        };
        if (problem != null) y.error(p.value().pos(), problem);
        return problem == null;
    }

    private static String regexpProblem(String v) {
        try {
            Pattern.compile(v);
            return null;
        } catch (PatternSyntaxException x) {
            return "`regexp` is not a regular expression: " + x.getDescription();
        }
    }

    private static boolean combination(YamlFile y, String type, Entry at, Map<String, String> params, Path file,
                                       Set<String> defined) {
        String together = StepLiterals.combination(type, params);
        if (together != null) {
            y.error(at.keyPos(), together);
            return false;
        }
        if (type.equals("file") || type.equals("cluster")) {
            boolean content = params.containsKey("content");
            boolean template = params.containsKey("template");
            if (content == template) {
                y.error(at.keyPos(), "`" + type + "` needs exactly one of `content` and `template`");
                return false;
            }
            if (template) {
                Path t = file.toAbsolutePath().getParent().resolve(params.get("template"));
                if (!Template.refs(params.get("template")).isEmpty()) return true; // resolved when it runs
                String text;
                try {
                    text = dev.vigil.config.BoundedFile.readText(t, FileStep.LIMIT, "template");
                } catch (java.io.IOException e) {
                    y.error(at.keyPos(), "cannot read template " + t + ": "
                            + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()));
                    return false;
                }
                boolean ok = true;
                var tf = new YamlFile(t, y.errors);
                for (var ref : Template.refs(text)) {
                    int line = 1 + (int) text.substring(0, ref.offset()).chars().filter(c -> c == '\n').count();
                    int col = ref.offset() - text.lastIndexOf('\n', ref.offset() - 1);
                    var pos = new Pos(line, col);
                    if (ref.name() == null) {
                        tf.error(pos, ref.problem());
                        ok = false;
                    } else if (!defined.contains(ref.name()) && !Facts.isFact(ref.name())) {
                        tf.error(pos, unknownName(ref.name(), defined, "; declare it under `vars:` in " + file.getFileName()));
                        ok = false;
                    }
                }
                return ok;
            }
        }
        if (type.equals("line") && !params.containsKey("line") && !params.containsKey("regexp")) {
            y.error(at.keyPos(), "`line` needs `line` (and optionally `regexp`), or `regexp` with state: absent");
            return false;
        }
        if (type.equals("line") && !params.containsKey("line") && !"absent".equals(params.get("state"))) {
            y.error(at.keyPos(), "`line` with state present needs the `line` to write");
            return false;
        }
        return true;
    }

    static VarDecl anyDecl() {
        return new VarDecl("_", VarType.STRING, Optional.empty(), "", List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static List<String> typeNameList() {
        return java.util.Arrays.stream(VarType.values()).map(VarType::yamlName).toList();
    }

    private static String typeNames() {
        return String.join(", ", typeNameList());
    }
}
