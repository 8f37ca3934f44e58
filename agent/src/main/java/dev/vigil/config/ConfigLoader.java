package dev.vigil.config;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import dev.vigil.fencing.FenceDevice;
import dev.vigil.resources.ResourceAgentRef;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads and validates the cluster file. Every problem is reported at once, each at the
 * line:column of the key or value at fault, because an operator fixing a file over a slow
 * console should not have to run {@code vigil config check} once per typo.
 */
public final class ConfigLoader {

    /** Resolves node host names; tests pass a fake so that no DNS query leaves the machine. */
    @FunctionalInterface
    interface HostResolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    static final HostResolver SYSTEM_RESOLVER = InetAddress::getByName;

    static final int DEFAULT_PORT = 694;
    static final int DEFAULT_BAUD = 19200;
    static final int DEFAULT_TTL = 1;
    static final int MIN_KEY_BYTES = 16;
    static final List<Integer> STANDARD_BAUDS =
            List.of(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    // No '#': it is reserved for the suffix that disambiguates default link names.
    private static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9_.:/@-]{1,64}");
    private static final Pattern INTERFACE = Pattern.compile("[^\\s/]{1,15}");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    /** The policy half of the file; {@link #loadResources} reads a document of only these. */
    private static final List<String> RESOURCES_TOP_KEYS =
            List.of("resources", "groups", "constraints", "policy", "fencing", "ping");
    private static final List<String> TOP_KEYS = Stream.concat(
            Stream.of("cluster", "version", "auth", "timing", "nodes", "links", "control"), RESOURCES_TOP_KEYS.stream()).toList();
    private static final List<String> AUTH_KEYS = List.of("keyfile");
    private static final List<String> CONTROL_KEYS = List.of("enabled", "port");
    private static final List<String> TIMERS = List.of("keepalive", "warntime", "deadtime", "initdead");
    private static final List<String> TIMING_KEYS = List.of("preset", "keepalive", "warntime", "deadtime", "initdead");
    private static final List<String> NODE_KEYS = List.of("name", "address", "votes");
    private static final List<String> UNICAST_KEYS = List.of("type", "name", "mode", "port");
    private static final List<String> MULTICAST_KEYS =
            List.of("type", "name", "mode", "group", "port", "interface", "ttl");
    private static final List<String> BROADCAST_KEYS = List.of("type", "name", "mode", "port", "interface");
    private static final List<String> UDP_KEYS = MULTICAST_KEYS;
    private static final List<String> SERIAL_KEYS = List.of("type", "name", "between", "device", "baud");
    private static final List<String> ANY_LINK_KEYS =
            List.of("type", "name", "mode", "group", "port", "interface", "ttl", "between", "device", "baud");

    private static final List<String> RESOURCE_KEYS =
            List.of("id", "agent", "params", "monitor", "start_timeout", "stop_timeout", "on_fail", "clone");
    private static final List<String> MONITOR_KEYS = List.of("interval", "timeout");
    private static final List<String> GROUP_KEYS = List.of("id", "members", "prefer");
    private static final List<String> CONSTRAINT_TYPES = List.of("location", "colocation", "order");
    private static final List<String> LOCATION_KEYS = List.of("type", "id", "target", "node", "score");
    private static final List<String> COLOCATION_KEYS = List.of("type", "id", "target", "with", "score");
    private static final List<String> ORDER_KEYS = List.of("type", "id", "first", "then");
    private static final List<String> ANY_CONSTRAINT_KEYS =
            List.of("type", "id", "target", "node", "with", "score", "first", "then");
    private static final List<String> POLICY_KEYS = List.of("auto_failback", "no_quorum", "migration_threshold",
            "failure_timeout", "stickiness", "prefer_score", "two_node_unsafe");
    private static final List<String> FENCE_KEYS = List.of("id", "agent", "params", "host_map", "timeout");
    // Resource parameters reach OCF agents as the shell variables OCF_RESKEY_<name>.
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    // Fence parameters are key=value lines on the agent's stdin (fence-agents use '_' and '-').
    private static final Pattern FENCE_PARAM_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
    private static final Pattern FENCE_AGENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");

    private static final String MAKE_KEY = "head -c 32 /dev/urandom | base64 > %1$s; chmod 600 %1$s";

    private ConfigLoader() {}

    public static ClusterConfig load(Path file) throws ConfigException {
        return orThrow(readAndBind(file, SYSTEM_RESOLVER));
    }

    /**
     * @param file where the text came from: shown in errors, and the directory a relative
     *             {@code keyfile} is resolved against
     */
    public static ClusterConfig load(String yaml, Path file) throws ConfigException {
        return load(yaml, file, SYSTEM_RESOLVER);
    }

    static ClusterConfig load(String yaml, Path file, HostResolver resolver) throws ConfigException {
        return orThrow(bind(yaml, file, resolver));
    }

    /**
     * Reads a document holding only the policy half of a cluster file (the keys resources, groups,
     * constraints, policy, fencing and ping), as the scheduler's scenario files embed it. The
     * two-node rule is not checked: it depends on votes, which only a whole cluster file has.
     *
     * @param file      shown in errors
     * @param nodeNames the cluster's nodes, which prefer, location constraints and host_map must name
     */
    public static ResourcesConfig loadResources(String yaml, Path file, List<String> nodeNames)
            throws ConfigException {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(yaml);
        } catch (LocatedYaml.SyntaxError e) {
            throw new ConfigException(List.of(new ConfigError(file, e.pos.line(), e.pos.column(), e.getMessage())));
        }
        var binder = new Binder(file, SYSTEM_RESOLVER, yaml);
        doc.problems().forEach(p -> binder.error(p.pos(), p.message()));
        ResourcesConfig config = binder.resourcesRoot(doc.root(), new LinkedHashSet<>(nodeNames));
        List<ConfigError> errors = located(file, binder.errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    /** For {@code vigil config check}: every error, in file order; empty when the file is valid. */
    public static List<ConfigError> check(Path file) {
        return readAndBind(file, SYSTEM_RESOLVER).errors();
    }

    static List<ConfigError> check(String yaml, Path file, HostResolver resolver) {
        return bind(yaml, file, resolver).errors();
    }

    private record Result(Optional<ClusterConfig> config, List<ConfigError> errors) {}

    private static ClusterConfig orThrow(Result r) throws ConfigException {
        if (!r.errors().isEmpty()) {
            throw new ConfigException(r.errors());
        }
        return r.config().orElseThrow(() -> new IllegalStateException("no errors but no configuration"));
    }

    private static Result readAndBind(Path file, HostResolver resolver) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Result(Optional.empty(),
                    List.of(new ConfigError(file, 1, 1, "cannot read the cluster file: " + describe(e))));
        }
        return bind(text, file, resolver);
    }

    private static Result bind(String yaml, Path file, HostResolver resolver) {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(yaml);
        } catch (LocatedYaml.SyntaxError e) {
            return new Result(Optional.empty(),
                    List.of(new ConfigError(file, e.pos.line(), e.pos.column(), e.getMessage())));
        }
        var binder = new Binder(file, resolver, yaml);
        doc.problems().forEach(p -> binder.error(p.pos(), p.message()));
        ClusterConfig config = binder.root(doc.root());
        List<ConfigError> errors = located(file, binder.errors);
        return new Result(errors.isEmpty() ? Optional.ofNullable(config) : Optional.empty(), errors);
    }

    private static List<ConfigError> located(Path file, List<LocatedYaml.Problem> problems) {
        return problems.stream()
                .sorted(Comparator.comparing(LocatedYaml.Problem::pos))
                .map(p -> new ConfigError(file, p.pos().line(), p.pos().column(), p.message()))
                .toList();
    }

    /** One pass over one document; collects errors instead of throwing so that all are reported. */
    private static final class Binder {
        final Path file;
        final HostResolver resolver;
        final String yamlText;
        final List<LocatedYaml.Problem> errors = new ArrayList<>();

        Binder(Path file, HostResolver resolver, String yamlText) {
            this.file = file;
            this.resolver = resolver;
            this.yamlText = yamlText;
        }

        void error(Pos pos, String message) {
            errors.add(new LocatedYaml.Problem(pos, message));
        }

        /** @return null when there are errors (the caller then discards it) */
        ClusterConfig root(Optional<Node> rootNode) {
            if (rootNode.isEmpty()) {
                error(Pos.START, "the cluster file is empty; it needs at least the keys cluster, auth, nodes and links");
                return null;
            }
            Optional<MapNode> rootMap = map(rootNode.get(), "the cluster file",
                    "a map with the keys " + String.join(", ", TOP_KEYS));
            if (rootMap.isEmpty()) {
                return null;
            }
            MapNode m = rootMap.get();
            checkKeys(m, "the cluster file", TOP_KEYS);

            String cluster = required(m, "cluster", "the cluster file", "the cluster's name, e.g. cluster: web")
                    .flatMap(e -> name(e.value(), "cluster", NAME)).orElse(null);
            long version = m.entry("version").map(e -> version(e.value())).orElse(Optional.of(1L)).orElse(0L);
            Optional<KeyFile> key = required(m, "auth", "the cluster file",
                    "auth: {keyfile: /etc/vigil/authkey}").flatMap(this::auth);
            TimingChoice timing = timing(m.entry("timing"));
            ControlConfig control = m.entry("control").map(this::control).orElse(ControlConfig.DEFAULT);
            Optional<List<NodeConfig>> nodes = required(m, "nodes", "the cluster file",
                    "the list of nodes, e.g. - {name: ha1, address: 10.0.0.48}").flatMap(this::nodes);
            Optional<List<LinkConfig>> links = required(m, "links", "the cluster file",
                    "the list of heartbeat media, e.g. - {type: udp, mode: unicast, port: 694}")
                    .flatMap(e -> links(e, nodes.map(ns -> ns.stream().map(NodeConfig::name)
                            .collect(Collectors.toCollection(LinkedHashSet::new)))));

            Half half = resourcesHalf(m, nodes.map(ns -> ns.stream().map(NodeConfig::name)
                    .collect(Collectors.toCollection(LinkedHashSet::new))));
            nodes.ifPresent(ns -> twoNodeRule(m.entry("nodes").orElseThrow(), ns, half));

            if (!errors.isEmpty()) {
                return null;
            }
            return new ClusterConfig(file, cluster, version, key.get().path(), key.get().key(),
                    timing.preset(), timing.timing(), nodes.get(), links.get(), half.config(), control, yamlText);
        }

        /** The document of {@link #loadResources}; null when there are errors. */
        ResourcesConfig resourcesRoot(Optional<Node> rootNode, Set<String> nodeNames) {
            if (rootNode.isEmpty()) {
                return ResourcesConfig.EMPTY;
            }
            Optional<MapNode> rootMap = map(rootNode.get(), "the resources section",
                    "a map with the keys " + String.join(", ", RESOURCES_TOP_KEYS));
            if (rootMap.isEmpty()) {
                return null;
            }
            checkKeys(rootMap.get(), "the resources section", RESOURCES_TOP_KEYS);
            Half half = resourcesHalf(rootMap.get(), Optional.of(nodeNames));
            return errors.isEmpty() ? half.config() : null;
        }

        // ---- auth

        private record KeyFile(Path path, ClusterKey key) {}

        private Optional<KeyFile> auth(Entry authEntry) {
            Optional<MapNode> am = map(authEntry.value(), "auth", "a map such as {keyfile: /etc/vigil/authkey}");
            if (am.isEmpty()) {
                return Optional.empty();
            }
            checkKeys(am.get(), "auth", AUTH_KEYS);
            return required(am.get(), "keyfile", "auth", "the path of the shared key file, e.g. /etc/vigil/authkey")
                    .flatMap(e -> keyFile(e.value()));
        }

        private Optional<KeyFile> keyFile(Node value) {
            Optional<String> text = string(value, "keyfile", "a file path such as /etc/vigil/authkey");
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Path path;
            try {
                Path dir = file.toAbsolutePath().getParent();
                path = (dir == null ? Path.of(text.get()) : dir.resolve(text.get())).normalize();
            } catch (InvalidPathException e) {
                error(value.pos(), "keyfile `" + text.get() + "` is not a valid path: " + e.getReason());
                return Optional.empty();
            }
            Pos at = value.pos();
            String make = String.format(MAKE_KEY, path);
            if (!Files.exists(path)) {
                error(at, "key file " + path + " does not exist; make one with: " + make);
                return Optional.empty();
            }
            if (!Files.isRegularFile(path)) {
                error(at, "key file " + path + " is not a regular file; make one with: " + make);
                return Optional.empty();
            }
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
                if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))
                        && !perms.equals(Set.of(PosixFilePermission.OWNER_READ))) {
                    error(at, "key file " + path + " has mode " + octal(perms)
                            + "; it must be 0600 or 0400 so that no one but its owner can read or change it: chmod 600 "
                            + path);
                }
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: nothing to check.
            } catch (IOException e) {
                error(at, "cannot read the mode of key file " + path + ": " + describe(e));
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
            } catch (IOException e) {
                error(at, "cannot read key file " + path + ": " + describe(e));
                return Optional.empty();
            }
            int end = bytes.length;
            while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
                end--;
            }
            if (end == 0) {
                error(at, "key file " + path + " is empty; make a key with: " + make);
                return Optional.empty();
            }
            if (end < MIN_KEY_BYTES) {
                error(at, "the key in " + path + " is only " + end + " bytes; it must be at least " + MIN_KEY_BYTES
                        + ". Make a new one with: " + make);
                return Optional.empty();
            }
            return Optional.of(new KeyFile(path, new ClusterKey(Arrays.copyOf(bytes, end))));
        }

        // ---- control port

        private ControlConfig control(Entry controlEntry) {
            Optional<MapNode> cm = map(controlEntry.value(), "control", "a map such as {port: 7695}");
            if (cm.isEmpty()) {
                return ControlConfig.DEFAULT;
            }
            checkKeys(cm.get(), "control", CONTROL_KEYS);
            boolean enabled = cm.get().entry("enabled").flatMap(e -> bool(e.value(), "enabled")).orElse(true);
            int port = cm.get().entry("port")
                    .flatMap(e -> intIn(e.value(), "control port", 1, 65535, "a TCP port (1..65535)"))
                    .orElse(ControlConfig.DEFAULT_PORT);
            return new ControlConfig(enabled, port);
        }

        // ---- timing

        private record TimingChoice(TimingPreset preset, Timing timing) {}

        private TimingChoice timing(Optional<Entry> timingEntry) {
            var fallback = new TimingChoice(TimingPreset.LAN, TimingPreset.LAN.timing());
            if (timingEntry.isEmpty()) {
                return fallback;
            }
            Optional<MapNode> tm = map(timingEntry.get().value(), "timing",
                    "a map such as {preset: lan, deadtime: 2s} with the keys " + String.join(", ", TIMING_KEYS));
            if (tm.isEmpty()) {
                return fallback;
            }
            checkKeys(tm.get(), "timing", TIMING_KEYS);

            TimingPreset preset = TimingPreset.LAN;
            boolean usable = true;
            Optional<Entry> presetEntry = tm.get().entry("preset");
            if (presetEntry.isPresent()) {
                Node v = presetEntry.get().value();
                Optional<String> name = string(v, "preset", "one of " + TimingPreset.configNames());
                Optional<TimingPreset> p = name.flatMap(TimingPreset::byConfigName);
                if (p.isPresent()) {
                    preset = p.get();
                } else {
                    usable = false;
                    name.ifPresent(n -> error(v.pos(), "unknown timing preset `" + n + "`; valid presets: "
                            + TimingPreset.configNames()));
                }
            }

            Timing timing = preset.timing();
            Map<String, Pos> overridden = new LinkedHashMap<>();
            for (String timer : TIMERS) {
                Optional<Entry> e = tm.get().entry(timer);
                if (e.isEmpty()) {
                    continue;
                }
                Optional<Duration> d = duration(e.get().value(), timer);
                if (d.isEmpty()) {
                    usable = false;
                    continue;
                }
                overridden.put(timer, e.get().keyPos());
                timing = switch (timer) {
                    case "keepalive" -> timing.withKeepalive(d.get());
                    case "warntime" -> timing.withWarntime(d.get());
                    case "deadtime" -> timing.withDeadtime(d.get());
                    default -> timing.withInitdead(d.get());
                };
            }
            if (usable) {
                for (String problem : timing.problems()) {
                    timingProblem(problem, preset, overridden, timingEntry.get().keyPos());
                }
            }
            return new TimingChoice(preset, timing);
        }

        /**
         * Points at the override that most likely caused the problem: the timer the rule is
         * about if it was overridden, else another timer the rule mentions, else {@code timing:}.
         */
        private void timingProblem(String problem, TimingPreset preset, Map<String, Pos> overridden, Pos timingKey) {
            List<String> involved = TIMERS.stream()
                    .filter(problem::contains)
                    .sorted(Comparator.comparingInt(problem::indexOf))
                    .toList();
            Pos at = involved.stream().filter(overridden::containsKey).findFirst()
                    .map(overridden::get).orElse(timingKey);
            String primary = involved.isEmpty() ? "" : involved.get(0);
            String hint = involved.isEmpty() || overridden.containsKey(primary) ? ""
                    : "; " + primary + " comes from preset " + preset.configName()
                    + ": override it as well or choose another preset";
            error(at, "impossible timing: " + problem + hint);
        }

        private Optional<Duration> duration(Node v, String what) {
            String expected = "a duration such as 200ms, 1s, 1.5s or 2m (a bare number means seconds)";
            Optional<String> text = string(v, what, expected);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Optional<Duration> d = Durations.parse(text.get());
            if (d.isEmpty()) {
                error(v.pos(), what + " must be " + expected + ", got `" + text.get() + "`");
            }
            return d;
        }

        // ---- nodes

        private Optional<List<NodeConfig>> nodes(Entry nodesEntry) {
            Optional<ListNode> list = list(nodesEntry.value(), "nodes",
                    "a list of nodes such as - {name: ha1, address: 10.0.0.48}");
            if (list.isEmpty()) {
                return Optional.empty();
            }
            if (list.get().items().isEmpty()) {
                error(nodesEntry.value().pos(), "nodes must list at least one node, e.g. - {name: ha1, address: 10.0.0.48}");
                return Optional.empty();
            }
            int before = errors.size();
            var nodes = new ArrayList<NodeConfig>();
            Map<String, Pos> names = new HashMap<>();
            Map<InetAddress, String> addresses = new HashMap<>();
            for (Node item : list.get().items()) {
                Optional<MapNode> nm = map(item, "a node", "a map such as {name: ha1, address: 10.0.0.48, votes: 1}");
                if (nm.isEmpty()) {
                    continue;
                }
                checkKeys(nm.get(), "a node", NODE_KEYS);
                Optional<Entry> nameEntry = required(nm.get(), "name", "a node", "the node's uname -n, e.g. name: ha1");
                Optional<String> name = nameEntry.flatMap(e -> name(e.value(), "node name", NAME));
                if (name.isPresent()) {
                    Pos at = nameEntry.get().value().pos();
                    Pos first = names.putIfAbsent(name.get(), at);
                    if (first != null) {
                        error(at, "duplicate node name `" + name.get() + "` (already used at line " + first.line()
                                + "); every node needs its own name");
                    }
                }
                Optional<Entry> addressEntry = required(nm.get(), "address", "a node",
                        "an IP address or host name, e.g. address: 10.0.0.48");
                Optional<InetAddress> address = addressEntry.flatMap(e -> address(e.value()));
                if (address.isPresent()) {
                    String owner = addresses.putIfAbsent(address.get(), name.orElse("another node"));
                    if (owner != null) {
                        error(addressEntry.get().value().pos(), "duplicate node address "
                                + address.get().getHostAddress() + " (already the address of " + owner
                                + "); every node needs its own address");
                    }
                }
                Optional<Integer> votes = nm.get().entry("votes")
                        .map(e -> intIn(e.value(), "votes", 0, Integer.MAX_VALUE, "an integer >= 0"))
                        .orElse(Optional.of(1));
                if (name.isPresent() && address.isPresent() && votes.isPresent()) {
                    nodes.add(new NodeConfig(name.get(), address.get(), votes.get()));
                }
            }
            // Only judge the sum when every node was readable; a broken one may carry the votes.
            boolean complete = errors.size() == before && nodes.size() == list.get().items().size();
            if (complete && nodes.stream().mapToInt(NodeConfig::votes).sum() == 0) {
                error(nodesEntry.keyPos(), "the nodes' votes add up to 0; at least one node needs a vote");
            }
            return complete ? Optional.of(nodes) : Optional.empty();
        }

        private Optional<InetAddress> address(Node v) {
            Optional<String> text = string(v, "address", "an IPv4 or IPv6 address or a host name");
            if (text.isEmpty()) {
                return Optional.empty();
            }
            String s = text.get().trim();
            Optional<InetAddress> a = ipLiteral(s);
            if (a.isEmpty()) {
                if (!isHostName(s)) {
                    error(v.pos(), "`" + s + "` is not an IP address or host name; write an IPv4 address such as "
                            + "10.0.0.48, an IPv6 address such as fd00::48, or a host name such as ha1.example.com");
                    return Optional.empty();
                }
                try {
                    a = Optional.of(resolver.resolve(s));
                } catch (UnknownHostException e) {
                    error(v.pos(), "cannot resolve host name `" + s + "`; write its IP address instead, "
                            + "or add it to /etc/hosts");
                    return Optional.empty();
                }
            }
            InetAddress addr = a.get();
            if (addr.isMulticastAddress() || addr.isAnyLocalAddress()) {
                error(v.pos(), "`" + s + "` is a " + (addr.isMulticastAddress() ? "multicast" : "wildcard")
                        + " address; a node's address must be the unicast address it can be reached at");
                return Optional.empty();
            }
            return a;
        }

        // ---- links

        /** A link that passed validation but whose name depends on the other links. */
        private record PendingLink(int index, Optional<String> explicitName, String defaultName,
                                   Function<String, LinkConfig> build) {}

        private Optional<List<LinkConfig>> links(Entry linksEntry, Optional<? extends Set<String>> knownNodes) {
            Optional<ListNode> list = list(linksEntry.value(), "links",
                    "a list of heartbeat media such as - {type: udp, mode: unicast, port: 694}");
            if (list.isEmpty()) {
                return Optional.empty();
            }
            List<Node> items = list.get().items();
            if (items.isEmpty()) {
                error(linksEntry.value().pos(),
                        "links must list at least one heartbeat medium, e.g. - {type: udp, mode: unicast, port: 694}");
                return Optional.empty();
            }
            int before = errors.size();
            var pending = new ArrayList<PendingLink>();
            Map<String, Pos> explicitNames = new HashMap<>();
            for (int i = 0; i < items.size(); i++) {
                Optional<MapNode> lm = map(items.get(i), "a link",
                        "a map such as {type: udp, mode: unicast, port: 694}");
                if (lm.isEmpty()) {
                    continue;
                }
                Optional<String> name = lm.get().entry("name").flatMap(e -> {
                    Optional<String> n = name(e.value(), "link name", LINK_NAME);
                    n.ifPresent(text -> {
                        Pos first = explicitNames.putIfAbsent(text, e.value().pos());
                        if (first != null) {
                            error(e.value().pos(), "duplicate link name `" + text + "` (already used at line "
                                    + first.line() + "); link names must be unique");
                        }
                    });
                    return n;
                });
                link(i, lm.get(), name, knownNodes).ifPresent(pending::add);
            }
            if (errors.size() != before) {
                return Optional.empty();
            }
            return Optional.of(named(pending, explicitNames.keySet()));
        }

        private static List<LinkConfig> named(List<PendingLink> pending, Set<String> explicitNames) {
            Map<String, Long> defaults = pending.stream().filter(p -> p.explicitName().isEmpty())
                    .collect(Collectors.groupingBy(PendingLink::defaultName, Collectors.counting()));
            return pending.stream().map(p -> {
                String name = p.explicitName().orElseGet(() -> {
                    boolean clash = defaults.get(p.defaultName()) > 1 || explicitNames.contains(p.defaultName());
                    return clash ? p.defaultName() + "#" + p.index() : p.defaultName();
                });
                return p.build().apply(name);
            }).toList();
        }

        private Optional<PendingLink> link(int index, MapNode lm, Optional<String> name,
                                           Optional<? extends Set<String>> knownNodes) {
            Optional<Entry> typeEntry = required(lm, "type", "a link", "type: udp or type: serial");
            Optional<String> type = typeEntry.flatMap(e -> string(e.value(), "type", "udp or serial"));
            if (type.isPresent() && !type.get().equals("udp") && !type.get().equals("serial")) {
                error(typeEntry.get().value().pos(), "unknown link type `" + type.get() + "`; valid types: udp | serial");
                type = Optional.empty();
            }
            if (type.isEmpty()) {
                checkKeys(lm, "a link", ANY_LINK_KEYS);
                return Optional.empty();
            }
            return type.get().equals("udp") ? udp(index, lm, name) : serial(index, lm, name, knownNodes);
        }

        private Optional<PendingLink> udp(int index, MapNode lm, Optional<String> name) {
            Optional<Entry> modeEntry = required(lm, "mode", "a udp link", "unicast | multicast | broadcast");
            Optional<UdpMode> mode = modeEntry.flatMap(e -> string(e.value(), "mode", "unicast | multicast | broadcast")
                    .flatMap(text -> {
                        Optional<UdpMode> m = Arrays.stream(UdpMode.values())
                                .filter(u -> u.configName().equals(text)).findFirst();
                        if (m.isEmpty()) {
                            error(e.value().pos(), "unknown udp mode `" + text
                                    + "`; valid modes: unicast | multicast | broadcast");
                        }
                        return m;
                    }));
            if (mode.isEmpty()) {
                checkKeys(lm, "a udp link", UDP_KEYS);
                return Optional.empty();
            }
            String where = "a " + mode.get().configName() + " link";
            checkKeys(lm, where, switch (mode.get()) {
                case UNICAST -> UNICAST_KEYS;
                case MULTICAST -> MULTICAST_KEYS;
                case BROADCAST -> BROADCAST_KEYS;
            });
            int before = errors.size();
            int port = lm.entry("port").map(e -> intIn(e.value(), "port", 1, 65535, "an integer from 1 to 65535"))
                    .orElse(Optional.of(DEFAULT_PORT)).orElse(0);
            Optional<String> iface = lm.entry("interface").flatMap(e -> name(e.value(), "interface", INTERFACE));
            int ttl = lm.entry("ttl").map(e -> intIn(e.value(), "ttl", 0, 255, "an integer from 0 to 255"))
                    .orElse(Optional.of(DEFAULT_TTL)).orElse(0);
            Optional<InetAddress> group = Optional.empty();
            String defaultName = (mode.get() == UdpMode.BROADCAST ? "bcast:" : "ucast:") + port;
            if (mode.get() == UdpMode.MULTICAST) {
                Optional<Entry> groupEntry = required(lm, "group", where,
                        "a multicast address such as 239.0.0.94");
                group = groupEntry.flatMap(e -> multicastGroup(e.value()));
                defaultName = "mcast:" + group.map(g -> groupEntry.get().value() instanceof Scalar s
                        ? s.text().trim() : g.getHostAddress()).orElse("") + ":" + port;
            }
            if (errors.size() != before) {
                return Optional.empty();
            }
            Optional<InetAddress> g = group;
            return Optional.of(new PendingLink(index, name, defaultName,
                    n -> new LinkConfig.Udp(index, n, mode.get(), port, g, iface, ttl)));
        }

        private Optional<InetAddress> multicastGroup(Node v) {
            String expected = "a multicast address such as 239.0.0.94 (224.0.0.0/4) or ff02::94 (ff00::/8)";
            Optional<String> text = string(v, "group", expected);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            Optional<InetAddress> a = ipLiteral(text.get().trim());
            if (a.isEmpty()) {
                error(v.pos(), "group must be " + expected + ", got `" + text.get() + "`");
            } else if (!a.get().isMulticastAddress()) {
                error(v.pos(), "group " + text.get() + " is not a multicast address; use " + expected);
                return Optional.empty();
            }
            return a;
        }

        private Optional<PendingLink> serial(int index, MapNode lm, Optional<String> name,
                                             Optional<? extends Set<String>> knownNodes) {
            checkKeys(lm, "a serial link", SERIAL_KEYS);
            int before = errors.size();
            Optional<List<String>> between = required(lm, "between", "a serial link",
                    "the two nodes at the ends of the cable, e.g. between: [ha1, ha2]")
                    .flatMap(e -> between(e.value(), knownNodes));
            Optional<Map<String, String>> devices = required(lm, "device", "a serial link",
                    "a device path such as /dev/ttyS0, or a map such as {ha1: /dev/ttyS0, ha2: /dev/ttyUSB0}")
                    .flatMap(e -> devices(e.value(), between));
            int baud = lm.entry("baud").map(e -> baud(e.value())).orElse(Optional.of(DEFAULT_BAUD)).orElse(0);
            if (errors.size() != before) {
                return Optional.empty();
            }
            List<String> ends = between.get();
            Map<String, String> byNode = devices.get();
            return Optional.of(new PendingLink(index, name, "serial:" + byNode.get(ends.get(0)),
                    n -> new LinkConfig.Serial(index, n, ends, byNode, baud)));
        }

        /** @return the two ends, when they are two distinct names (known or not, so that device can be checked) */
        private Optional<List<String>> between(Node v, Optional<? extends Set<String>> knownNodes) {
            Optional<ListNode> list = list(v, "between", "a list of the two nodes at the ends of the cable, e.g. [ha1, ha2]");
            if (list.isEmpty()) {
                return Optional.empty();
            }
            var names = new ArrayList<String>();
            boolean ok = true;
            for (Node item : list.get().items()) {
                Optional<String> n = string(item, "a between entry", "a node name");
                if (n.isEmpty()) {
                    ok = false;
                    continue;
                }
                if (knownNodes.isPresent() && !knownNodes.get().contains(n.get())) {
                    error(item.pos(), "unknown node `" + n.get() + "` in between; nodes in this file: "
                            + String.join(", ", knownNodes.get()));
                }
                if (names.contains(n.get())) {
                    error(item.pos(), "between names `" + n.get() + "` twice; a serial cable joins two different nodes");
                    ok = false;
                }
                names.add(n.get());
            }
            if (list.get().items().size() != 2) {
                error(v.pos(), "between must name exactly two nodes (the two ends of the cable), got "
                        + list.get().items().size());
                ok = false;
            }
            return ok ? Optional.of(List.copyOf(names)) : Optional.empty();
        }

        private Optional<Map<String, String>> devices(Node v, Optional<List<String>> between) {
            if (v instanceof MapNode dm) {
                var byNode = new LinkedHashMap<String, String>();
                boolean ok = true;
                for (Entry e : dm.entries()) {
                    if (between.isPresent() && !between.get().contains(e.key())) {
                        error(e.keyPos(), "device map names `" + e.key() + "`, which is not in between "
                                + between.get() + "; name exactly those two nodes");
                        ok = false;
                        continue;
                    }
                    Optional<String> d = devicePath(e.value());
                    if (d.isEmpty()) {
                        ok = false;
                    } else {
                        byNode.putIfAbsent(e.key(), d.get());
                    }
                }
                if (between.isEmpty()) {
                    return Optional.empty();
                }
                for (String node : between.get()) {
                    if (!dm.entries().stream().anyMatch(e -> e.key().equals(node))) {
                        error(dm.pos(), "device map lacks `" + node + "`; it must give the device of exactly the "
                                + "between nodes " + String.join(", ", between.get()));
                        ok = false;
                    }
                }
                return ok ? Optional.of(byNode) : Optional.empty();
            }
            Optional<String> d = devicePath(v);
            if (d.isEmpty() || between.isEmpty()) {
                return Optional.empty();
            }
            var byNode = new LinkedHashMap<String, String>();
            between.get().forEach(n -> byNode.put(n, d.get()));
            return Optional.of(byNode);
        }

        private Optional<String> devicePath(Node v) {
            String expected = "a device path such as /dev/ttyS0, or a map such as {ha1: /dev/ttyS0, ha2: /dev/ttyUSB0}";
            Optional<String> d = string(v, "device", expected);
            if (d.isPresent() && !d.get().startsWith("/")) {
                error(v.pos(), "device must be an absolute path such as /dev/ttyS0, got `" + d.get() + "`");
                return Optional.empty();
            }
            return d;
        }

        private Optional<Integer> baud(Node v) {
            String expected = "a standard rate: " + STANDARD_BAUDS.stream().map(String::valueOf)
                    .collect(Collectors.joining(", "));
            Optional<BigInteger> b = integer(v, "baud", expected);
            if (b.isEmpty()) {
                return Optional.empty();
            }
            if (b.get().bitLength() > 31 || !STANDARD_BAUDS.contains(b.get().intValue())) {
                error(v.pos(), "baud must be " + expected + "; got " + b.get());
                return Optional.empty();
            }
            return Optional.of(b.get().intValue());
        }

        // ---- the policy half: resources, groups, constraints, policy, fencing, ping

        /**
         * What {@link #resourcesHalf} read. {@code config} is null when there were errors; the flags
         * still say what the file wrote, for the two-node rule.
         */
        private record Half(ResourcesConfig config, boolean hasResources, boolean hasFencing, boolean hasPing,
                            boolean twoNodeUnsafe) {}

        /** A resource id seen in the file, whether or not the rest of the resource was valid. */
        private record Seen(Pos pos, boolean cloned) {}

        /**
         * @param knownNodes node names, when the nodes are known (they are not when {@code nodes:}
         *                   itself has errors; then nothing is checked against them)
         */
        private Half resourcesHalf(MapNode m, Optional<? extends Set<String>> knownNodes) {
            int before = errors.size();
            Map<String, Seen> resourceIds = new LinkedHashMap<>();
            Map<String, Pos> onFailFence = new LinkedHashMap<>();
            List<ResourceSpec> resources = m.entry("resources")
                    .map(e -> resources(e, resourceIds, onFailFence)).orElse(List.of());
            Map<String, List<String>> groupMembers = new LinkedHashMap<>();
            List<GroupSpec> groups = m.entry("groups")
                    .map(e -> groups(e, resourceIds, groupMembers, knownNodes)).orElse(List.of());
            List<Constraint> constraints = m.entry("constraints")
                    .map(e -> constraints(e, resourceIds.keySet(), groupMembers, knownNodes)).orElse(List.of());
            Policy policy = m.entry("policy").map(e -> policy(e.value())).orElse(Policy.DEFAULTS);
            List<FenceDevice> fencing = m.entry("fencing").map(e -> fencing(e, knownNodes)).orElse(List.of());
            List<String> ping = m.entry("ping").map(this::ping).orElse(List.of());

            boolean hasFencing = m.entry("fencing").map(e -> e.value() instanceof ListNode l && !l.items().isEmpty())
                    .orElse(false);
            if (!hasFencing) {
                onFailFence.forEach((id, at) -> error(at, "resource `" + id + "` has on_fail: fence, but no fencing "
                        + "is configured; add a device under fencing: or choose restart, move, block, stop or ignore"));
            }
            boolean hasResources = m.entry("resources").map(e -> e.value() instanceof ListNode l
                    && !l.items().isEmpty()).orElse(false);
            boolean hasPing = m.entry("ping").map(e -> e.value() instanceof ListNode l && !l.items().isEmpty())
                    .orElse(false);
            ResourcesConfig config = errors.size() != before ? null
                    : new ResourcesConfig(resources, groups, constraints, policy, fencing, ping);
            return new Half(config, hasResources, hasFencing, hasPing, policy.twoNodeUnsafe());
        }

        /** The two-node rule: see README, "Resources". */
        private void twoNodeRule(Entry nodesEntry, List<NodeConfig> nodes, Half half) {
            int votes = nodes.stream().mapToInt(NodeConfig::votes).sum();
            if (votes == 2 && half.hasResources() && !half.hasFencing() && !half.hasPing() && !half.twoNodeUnsafe()) {
                error(nodesEntry.keyPos(), "this cluster has 2 votes, so when one node is lost the other has no "
                        + "quorum and cannot tell a dead peer from a split; configure fencing (fencing: - {id: ..., "
                        + "agent: fence_...}), or a ping tie-breaker (ping: [10.0.0.1]), or write policy: "
                        + "{two_node_unsafe: true} to accept that both halves of a split run the resources");
            }
        }

        private List<ResourceSpec> resources(Entry entry, Map<String, Seen> ids, Map<String, Pos> onFailFence) {
            Optional<ListNode> list = list(entry.value(), "resources",
                    "a list of resources such as - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}");
            if (list.isEmpty()) {
                return List.of();
            }
            var specs = new ArrayList<ResourceSpec>();
            for (Node item : list.get().items()) {
                Optional<MapNode> rm = map(item, "a resource",
                        "a map such as {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}");
                if (rm.isEmpty()) {
                    continue;
                }
                resource(rm.get(), ids, onFailFence).ifPresent(specs::add);
            }
            return specs;
        }

        private Optional<ResourceSpec> resource(MapNode rm, Map<String, Seen> ids, Map<String, Pos> onFailFence) {
            checkKeys(rm, "a resource", RESOURCE_KEYS);
            int before = errors.size();
            boolean cloned = rm.entry("clone").map(e -> bool(e.value(), "clone")).orElse(Optional.of(false))
                    .orElse(false);
            Optional<String> id = required(rm, "id", "a resource", "a unique name, e.g. id: vip")
                    .flatMap(e -> uniqueId(e.value(), "resource id", ids, cloned));
            Optional<ResourceAgentRef> agent = required(rm, "agent", "a resource",
                    "the script that manages it, e.g. agent: ocf:vigil:IPaddr, lsb:apache2 or systemd:haproxy")
                    .flatMap(e -> agentRef(e.value()));
            Map<String, String> params = rm.entry("params").map(e -> params(e.value(), "params", PARAM_NAME))
                    .orElse(Optional.of(Map.of())).orElse(Map.of());
            Optional<ResourceSpec.MonitorSpec> monitor = rm.entry("monitor").flatMap(e -> monitor(e.value()));
            Duration start = rm.entry("start_timeout").map(e -> positiveDuration(e.value(), "start_timeout"))
                    .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT)).orElse(Duration.ZERO);
            Duration stop = rm.entry("stop_timeout").map(e -> positiveDuration(e.value(), "stop_timeout"))
                    .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT)).orElse(Duration.ZERO);
            OnFail onFail = OnFail.RESTART;
            Optional<Entry> onFailEntry = rm.entry("on_fail");
            if (onFailEntry.isPresent()) {
                Node v = onFailEntry.get().value();
                Optional<OnFail> f = enumValue(v, "on_fail", OnFail.values(), OnFail::configName);
                onFail = f.orElse(OnFail.RESTART);
                if (f.isPresent() && f.get() == OnFail.FENCE && id.isPresent()) {
                    onFailFence.put(id.get(), v.pos());
                }
            }
            if (errors.size() != before) {
                return Optional.empty();
            }
            return Optional.of(new ResourceSpec(id.get(), agent.get(), params, monitor, start, stop, onFail, cloned));
        }

        /** Resource and group ids share one namespace: a constraint's target must name exactly one thing. */
        private Optional<String> uniqueId(Node v, String what, Map<String, Seen> ids, boolean cloned) {
            Optional<String> id = name(v, what, NAME);
            if (id.isPresent()) {
                Seen first = ids.putIfAbsent(id.get(), new Seen(v.pos(), cloned));
                if (first != null) {
                    error(v.pos(), "duplicate id `" + id.get() + "` (already used at line " + first.pos().line()
                            + "); resources and groups need ids unique among them all");
                    return Optional.empty();
                }
            }
            return id;
        }

        private Optional<ResourceAgentRef> agentRef(Node v) {
            Optional<String> text = string(v, "agent",
                    "a resource agent such as ocf:vigil:IPaddr, lsb:apache2, systemd:haproxy or heartbeat:IPaddr::10.0.0.1");
            if (text.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(ResourceAgentRef.parse(text.get()));
            } catch (IllegalArgumentException e) {
                error(v.pos(), e.getMessage());
                return Optional.empty();
            }
        }

        /** Values as written: YAML would turn {@code port: 80} into a number and {@code on} into a boolean. */
        private Optional<Map<String, String>> params(Node v, String what, Pattern keyPattern) {
            Optional<MapNode> pm = map(v, what, "a map of names to values such as {ip: 10.0.0.46, cidr_netmask: 24}");
            if (pm.isEmpty()) {
                return Optional.empty();
            }
            int before = errors.size();
            var params = new LinkedHashMap<String, String>();
            for (Entry e : pm.get().entries()) {
                if (!keyPattern.matcher(e.key()).matches()) {
                    error(e.keyPos(), what + " name `" + e.key() + "` is not valid; use "
                            + (keyPattern == PARAM_NAME ? "letters, digits and '_', not starting with a digit "
                            + "(agents read it as the variable OCF_RESKEY_" + "name)"
                            : "letters, digits, '_' and '-'"));
                    continue;
                }
                Optional<String> value = string(e.value(), "the value of " + e.key(),
                        "a single value such as 10.0.0.46, 24 or true");
                if (value.isPresent() && (value.get().indexOf('\0') >= 0
                        || (keyPattern != PARAM_NAME && (value.get().indexOf('\n') >= 0
                        || value.get().indexOf('\r') >= 0)))) {
                    error(e.value().pos(), "the value of " + e.key() + " must not contain "
                            + (keyPattern == PARAM_NAME ? "a NUL character" : "a line break or NUL character"));
                    continue;
                }
                value.ifPresent(s -> params.putIfAbsent(e.key(), s));
            }
            return errors.size() == before ? Optional.of(params) : Optional.empty();
        }

        private Optional<ResourceSpec.MonitorSpec> monitor(Node v) {
            Optional<MapNode> mm = map(v, "monitor", "a map such as {interval: 5s, timeout: 20s}");
            if (mm.isEmpty()) {
                return Optional.empty();
            }
            checkKeys(mm.get(), "monitor", MONITOR_KEYS);
            Optional<Duration> interval = required(mm.get(), "interval", "monitor",
                    "how often to check, e.g. interval: 5s").flatMap(e -> positiveDuration(e.value(), "interval"));
            Optional<Duration> timeout = mm.get().entry("timeout").map(e -> positiveDuration(e.value(), "timeout"))
                    .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT));
            if (interval.isEmpty() || timeout.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ResourceSpec.MonitorSpec(interval.get(), timeout.get()));
        }

        private List<GroupSpec> groups(Entry entry, Map<String, Seen> ids, Map<String, List<String>> members,
                                       Optional<? extends Set<String>> knownNodes) {
            Optional<ListNode> list = list(entry.value(), "groups",
                    "a list of groups such as - {id: www, members: [vip, data, web], prefer: ha1}");
            if (list.isEmpty()) {
                return List.of();
            }
            // Only the resources: a group's id must not be usable as another group's member.
            Map<String, Seen> resourceIds = new LinkedHashMap<>(ids);
            Map<String, String> groupOf = new HashMap<>();
            var groups = new ArrayList<GroupSpec>();
            for (Node item : list.get().items()) {
                Optional<MapNode> gm = map(item, "a group", "a map such as {id: www, members: [vip, data, web]}");
                if (gm.isEmpty()) {
                    continue;
                }
                checkKeys(gm.get(), "a group", GROUP_KEYS);
                int before = errors.size();
                Optional<String> id = required(gm.get(), "id", "a group", "a unique name, e.g. id: www")
                        .flatMap(e -> uniqueId(e.value(), "group id", ids, false));
                Optional<List<String>> ms = required(gm.get(), "members", "a group",
                        "the resources it runs, in start order, e.g. members: [vip, data, web]")
                        .flatMap(e -> members(e.value(), id.orElse("this group"), resourceIds, groupOf));
                Optional<String> prefer = gm.get().entry("prefer").flatMap(e -> node(e.value(), "prefer", knownNodes));
                id.ifPresent(g -> members.put(g, ms.orElse(List.of())));
                if (errors.size() == before) {
                    groups.add(new GroupSpec(id.get(), ms.get(), prefer));
                }
            }
            return groups;
        }

        private Optional<List<String>> members(Node v, String group, Map<String, Seen> resourceIds,
                                               Map<String, String> groupOf) {
            Optional<ListNode> list = list(v, "members", "a list of resource ids such as [vip, data, web]");
            if (list.isEmpty()) {
                return Optional.empty();
            }
            if (list.get().items().isEmpty()) {
                error(v.pos(), "members must list at least one resource, e.g. members: [vip, data, web]");
                return Optional.empty();
            }
            int before = errors.size();
            var ms = new ArrayList<String>();
            for (Node item : list.get().items()) {
                Optional<String> r = string(item, "a member", "a resource id");
                if (r.isEmpty()) {
                    continue;
                }
                Seen seen = resourceIds.get(r.get());
                if (seen == null) {
                    error(item.pos(), "unknown resource `" + r.get() + "` in members; "
                            + known("resources", resourceIds.keySet()));
                } else if (seen.cloned()) {
                    error(item.pos(), "resource `" + r.get() + "` is a clone (it runs on every node), so it cannot "
                            + "be a member of a group; colocate the group with it instead");
                } else if (groupOf.containsKey(r.get())) {
                    String other = groupOf.get(r.get());
                    error(item.pos(), "resource `" + r.get() + "` is already a member of "
                            + (other.equals(group) ? "this group" : "group `" + other + "`")
                            + "; a resource belongs to at most one group, once");
                } else {
                    groupOf.put(r.get(), group);
                    ms.add(r.get());
                }
            }
            return errors.size() == before ? Optional.of(ms) : Optional.empty();
        }

        private Optional<String> node(Node v, String what, Optional<? extends Set<String>> knownNodes) {
            Optional<String> n = string(v, what, "a node name");
            if (n.isPresent() && knownNodes.isPresent() && !knownNodes.get().contains(n.get())) {
                error(v.pos(), "unknown node `" + n.get() + "` in " + what + "; " + known("nodes", knownNodes.get()));
                return Optional.empty();
            }
            return n;
        }

        private List<Constraint> constraints(Entry entry, Set<String> resourceIds, Map<String, List<String>> groups,
                                             Optional<? extends Set<String>> knownNodes) {
            Optional<ListNode> list = list(entry.value(), "constraints",
                    "a list of constraints such as - {type: location, id: web-not-ha3, target: www, node: ha3, "
                            + "score: -INFINITY}");
            if (list.isEmpty()) {
                return List.of();
            }
            Map<String, String> groupOf = new HashMap<>();
            groups.forEach((g, ms) -> ms.forEach(r -> groupOf.put(r, g)));
            Map<String, Pos> ids = new HashMap<>();
            var constraints = new ArrayList<Constraint>();
            // then → firsts it waits for, to find cycles as each order constraint is added.
            Map<String, List<String>> after = new HashMap<>();
            for (Node item : list.get().items()) {
                Optional<MapNode> cm = map(item, "a constraint",
                        "a map such as {type: order, id: proxy-then-vip, first: proxy, then: vip}");
                if (cm.isEmpty()) {
                    continue;
                }
                constraint(cm.get(), ids, resourceIds, groups.keySet(), groupOf, knownNodes, after)
                        .ifPresent(constraints::add);
            }
            return constraints;
        }

        private Optional<Constraint> constraint(MapNode cm, Map<String, Pos> ids, Set<String> resourceIds,
                                                Set<String> groupIds, Map<String, String> groupOf,
                                                Optional<? extends Set<String>> knownNodes,
                                                Map<String, List<String>> after) {
            Optional<Entry> typeEntry = required(cm, "type", "a constraint", "type: location, colocation or order");
            Optional<String> type = typeEntry.flatMap(e -> string(e.value(), "type", "location, colocation or order"));
            if (type.isPresent() && !CONSTRAINT_TYPES.contains(type.get())) {
                error(typeEntry.get().value().pos(), "unknown constraint type `" + type.get()
                        + "`; valid types: location | colocation | order");
                type = Optional.empty();
            }
            if (type.isEmpty()) {
                checkKeys(cm, "a constraint", ANY_CONSTRAINT_KEYS);
                return Optional.empty();
            }
            String where = (type.get().equals("order") ? "an " : "a ") + type.get() + " constraint";
            checkKeys(cm, where, switch (type.get()) {
                case "location" -> LOCATION_KEYS;
                case "colocation" -> COLOCATION_KEYS;
                default -> ORDER_KEYS;
            });
            int before = errors.size();
            Optional<String> id = required(cm, "id", where, "a unique name, e.g. id: web-not-ha3")
                    .flatMap(e -> name(e.value(), "constraint id", NAME).flatMap(text -> {
                        Pos first = ids.putIfAbsent(text, e.value().pos());
                        if (first != null) {
                            error(e.value().pos(), "duplicate constraint id `" + text + "` (already used at line "
                                    + first.line() + "); constraint ids must be unique");
                            return Optional.empty();
                        }
                        return Optional.of(text);
                    }));
            Function<String, Optional<Entry>> ref = key -> required(cm, key, where, switch (key) {
                case "target" -> "the resource or group it applies to, e.g. target: www";
                case "with" -> "the resource or group to run with, e.g. with: proxy";
                case "first" -> "the resource or group that starts first, e.g. first: proxy";
                default -> "the resource or group that starts after first, e.g. then: vip";
            });
            switch (type.get()) {
                case "location" -> {
                    Optional<String> target = ref.apply("target")
                            .flatMap(e -> placeable(e.value(), "target", resourceIds, groupIds, groupOf));
                    Optional<String> node = required(cm, "node", where, "a node name, e.g. node: ha3")
                            .flatMap(e -> node(e.value(), "node", knownNodes));
                    int score = cm.entry("score").map(e -> score(e.value(), "score"))
                            .orElse(Optional.of(Constraint.INFINITY)).orElse(0);
                    return errors.size() != before ? Optional.empty()
                            : Optional.of(new Constraint.Location(id.get(), target.get(), node.get(), score));
                }
                case "colocation" -> {
                    Optional<String> target = ref.apply("target")
                            .flatMap(e -> placeable(e.value(), "target", resourceIds, groupIds, groupOf));
                    Optional<Entry> withEntry = ref.apply("with");
                    Optional<String> with = withEntry
                            .flatMap(e -> placeable(e.value(), "with", resourceIds, groupIds, groupOf));
                    if (target.isPresent() && with.isPresent() && target.get().equals(with.get())) {
                        error(withEntry.get().value().pos(), "colocation `" + id.orElse("") + "` puts `"
                                + target.get() + "` with itself; with must name another resource or group");
                    }
                    int score = cm.entry("score").map(e -> score(e.value(), "score"))
                            .orElse(Optional.of(Constraint.INFINITY)).orElse(0);
                    return errors.size() != before ? Optional.empty()
                            : Optional.of(new Constraint.Colocation(id.get(), target.get(), with.get(), score));
                }
                default -> {
                    Optional<String> first = ref.apply("first")
                            .flatMap(e -> placeable(e.value(), "first", resourceIds, groupIds, groupOf));
                    Optional<Entry> thenEntry = ref.apply("then");
                    Optional<String> then = thenEntry
                            .flatMap(e -> placeable(e.value(), "then", resourceIds, groupIds, groupOf));
                    if (first.isPresent() && then.isPresent()) {
                        Optional<List<String>> path = path(first.get(), then.get(), after);
                        if (path.isPresent()) {
                            // The path runs against start order; the message reads in start order.
                            List<String> cycle = new ArrayList<>(path.get());
                            java.util.Collections.reverse(cycle);
                            cycle.add(then.get());
                            error(thenEntry.get().value().pos(), "order `" + id.orElse("") + "` closes a cycle: "
                                    + String.join(" → ", cycle)
                                    + "; nothing in a cycle could ever start, so remove one of these orders");
                        } else {
                            after.computeIfAbsent(then.get(), k -> new ArrayList<>()).add(first.get());
                        }
                    }
                    return errors.size() != before ? Optional.empty()
                            : Optional.of(new Constraint.Order(id.get(), first.get(), then.get()));
                }
            }
        }

        /**
         * A path from {@code from} to {@code to} following "waits for" edges, both ends included,
         * if one exists: adding "to waits for from" would then close a cycle.
         */
        private static Optional<List<String>> path(String from, String to, Map<String, List<String>> after) {
            if (from.equals(to)) {
                return Optional.of(List.of(from));
            }
            Map<String, String> cameFrom = new HashMap<>();
            var queue = new java.util.ArrayDeque<String>(List.of(from));
            cameFrom.put(from, from);
            while (!queue.isEmpty()) {
                String n = queue.poll();
                for (String next : after.getOrDefault(n, List.of())) {
                    if (cameFrom.putIfAbsent(next, n) != null) {
                        continue;
                    }
                    if (next.equals(to)) {
                        var path = new ArrayList<String>();
                        for (String at = to; !at.equals(from); at = cameFrom.get(at)) {
                            path.add(0, at);
                        }
                        path.add(0, from);
                        return Optional.of(path);
                    }
                    queue.add(next);
                }
            }
            return Optional.empty();
        }

        /** A resource or group that can be placed and ordered on its own, i.e. not a group's member. */
        private Optional<String> placeable(Node v, String what, Set<String> resourceIds, Set<String> groupIds,
                                           Map<String, String> groupOf) {
            Optional<String> s = string(v, what, "a resource or group id");
            if (s.isEmpty()) {
                return Optional.empty();
            }
            String id = s.get();
            if (groupOf.containsKey(id)) {
                error(v.pos(), "`" + id + "` is a member of group `" + groupOf.get(id) + "`, which places and orders "
                        + "its members; constrain the group `" + groupOf.get(id) + "` instead");
                return Optional.empty();
            }
            if (!resourceIds.contains(id) && !groupIds.contains(id)) {
                var all = new LinkedHashSet<String>(resourceIds);
                all.addAll(groupIds);
                all.removeAll(groupOf.keySet());
                error(v.pos(), "unknown resource or group `" + id + "` in " + what + "; "
                        + known("resources and groups", all));
                return Optional.empty();
            }
            return s;
        }

        private Optional<Integer> score(Node v, String what) {
            String expected = "an integer from -1000000 to 1000000, INFINITY or -INFINITY";
            if (v instanceof Scalar s && !s.reported() && s.token() == JsonToken.VALUE_STRING) {
                switch (s.text().trim()) {
                    case "INFINITY", "+INFINITY":
                        return Optional.of(Constraint.INFINITY);
                    case "-INFINITY":
                        return Optional.of(-Constraint.INFINITY);
                    default:
                        error(v.pos(), what + " must be " + expected + ", got `" + s.text() + "`");
                        return Optional.empty();
                }
            }
            return intIn(v, what, -Constraint.INFINITY, Constraint.INFINITY, expected);
        }

        private Policy policy(Node v) {
            Optional<MapNode> pm = map(v, "policy", "a map such as {auto_failback: true, no_quorum: stop} with the "
                    + "keys " + String.join(", ", POLICY_KEYS));
            if (pm.isEmpty()) {
                return Policy.DEFAULTS;
            }
            MapNode m = pm.get();
            checkKeys(m, "policy", POLICY_KEYS);
            Policy d = Policy.DEFAULTS;
            boolean autoFailback = m.entry("auto_failback").flatMap(e -> bool(e.value(), "auto_failback"))
                    .orElse(d.autoFailback());
            Policy.NoQuorumPolicy noQuorum = m.entry("no_quorum").flatMap(e -> enumValue(e.value(), "no_quorum",
                    Policy.NoQuorumPolicy.values(), Policy.NoQuorumPolicy::configName)).orElse(d.noQuorum());
            int threshold = m.entry("migration_threshold").flatMap(e -> intIn(e.value(), "migration_threshold", 0,
                    Integer.MAX_VALUE, "an integer >= 0 (0 = never move because of failures)"))
                    .orElse(d.migrationThreshold());
            Duration failureTimeout = m.entry("failure_timeout").flatMap(e -> duration(e.value(), "failure_timeout"))
                    .orElse(d.failureTimeout());
            int stickiness = m.entry("stickiness").flatMap(e -> score(e.value(), "stickiness")).orElse(d.stickiness());
            int preferScore = m.entry("prefer_score").flatMap(e -> score(e.value(), "prefer_score"))
                    .orElse(d.preferScore());
            boolean unsafe = m.entry("two_node_unsafe").flatMap(e -> bool(e.value(), "two_node_unsafe"))
                    .orElse(d.twoNodeUnsafe());
            return new Policy(autoFailback, noQuorum, threshold, failureTimeout, stickiness, preferScore, unsafe);
        }

        private List<FenceDevice> fencing(Entry entry, Optional<? extends Set<String>> knownNodes) {
            Optional<ListNode> list = list(entry.value(), "fencing",
                    "a list of fence devices such as - {id: ipmi1, agent: fence_ipmilan, params: {ip: 10.0.0.201}}");
            if (list.isEmpty()) {
                return List.of();
            }
            Map<String, Pos> ids = new HashMap<>();
            var devices = new ArrayList<FenceDevice>();
            for (Node item : list.get().items()) {
                Optional<MapNode> fm = map(item, "a fence device",
                        "a map such as {id: ipmi1, agent: fence_ipmilan, params: {ip: 10.0.0.201}}");
                if (fm.isEmpty()) {
                    continue;
                }
                checkKeys(fm.get(), "a fence device", FENCE_KEYS);
                int before = errors.size();
                Optional<String> id = required(fm.get(), "id", "a fence device", "a unique name, e.g. id: ipmi1")
                        .flatMap(e -> name(e.value(), "fence device id", NAME).flatMap(text -> {
                            Pos first = ids.putIfAbsent(text, e.value().pos());
                            if (first != null) {
                                error(e.value().pos(), "duplicate fence device id `" + text
                                        + "` (already used at line " + first.line() + "); device ids must be unique");
                                return Optional.empty();
                            }
                            return Optional.of(text);
                        }));
                Optional<String> agent = required(fm.get(), "agent", "a fence device",
                        "the fence agent's command name, e.g. agent: fence_ipmilan").flatMap(e -> fenceAgent(e.value()));
                Map<String, String> params = fm.get().entry("params")
                        .map(e -> params(e.value(), "params", FENCE_PARAM_NAME))
                        .orElse(Optional.of(Map.of())).orElse(Map.of());
                Map<String, String> hostMap = fm.get().entry("host_map").map(e -> hostMap(e.value(), knownNodes))
                        .orElse(Optional.of(Map.of())).orElse(Map.of());
                Duration timeout = fm.get().entry("timeout").map(e -> positiveDuration(e.value(), "timeout"))
                        .orElse(Optional.of(FenceDevice.DEFAULT_TIMEOUT)).orElse(Duration.ZERO);
                if (errors.size() != before) {
                    continue;
                }
                try {
                    devices.add(new FenceDevice(id.get(), agent.get(), params, hostMap, timeout));
                } catch (IllegalArgumentException e) {
                    error(fm.get().pos(), "fence device `" + id.get() + "` is not valid: " + e.getMessage());
                }
            }
            return devices;
        }

        private Optional<String> fenceAgent(Node v) {
            Optional<String> s = string(v, "agent", "a fence agent's command name such as fence_ipmilan");
            if (s.isEmpty()) {
                return Optional.empty();
            }
            if (s.get().startsWith("/")) {
                // FenceRunner looks agents up on its search path only, so that the cluster file
                // (which the cluster distributes) cannot make every node run an arbitrary file.
                error(v.pos(), "agent must be a command name such as fence_ipmilan, not a path: `" + s.get()
                        + "`; install the agent in /usr/sbin or Vigil's fence agent directory");
                return Optional.empty();
            }
            if (!FENCE_AGENT.matcher(s.get()).matches()) {
                error(v.pos(), "agent `" + s.get() + "` is not a command name; use letters, digits, '_', '.', '+' "
                        + "and '-', e.g. fence_ipmilan");
                return Optional.empty();
            }
            return s;
        }

        private Optional<Map<String, String>> hostMap(Node v, Optional<? extends Set<String>> knownNodes) {
            Optional<MapNode> hm = map(v, "host_map", "a map of node names to plugs such as {ha1: \"1\", ha2: \"2\"}");
            if (hm.isEmpty()) {
                return Optional.empty();
            }
            int before = errors.size();
            var map = new LinkedHashMap<String, String>();
            for (Entry e : hm.get().entries()) {
                if (knownNodes.isPresent() && !knownNodes.get().contains(e.key())) {
                    error(e.keyPos(), "unknown node `" + e.key() + "` in host_map; "
                            + known("nodes", knownNodes.get()));
                    continue;
                }
                Optional<String> plug = string(e.value(), "the plug of " + e.key(), "a plug name or number such as 1");
                if (plug.isPresent() && (plug.get().isEmpty() || plug.get().indexOf('\n') >= 0
                        || plug.get().indexOf('\r') >= 0 || plug.get().indexOf('\0') >= 0)) {
                    error(e.value().pos(), "the plug of " + e.key() + " must be a non-empty single line");
                    continue;
                }
                plug.ifPresent(p -> map.putIfAbsent(e.key(), p));
            }
            return errors.size() == before ? Optional.of(map) : Optional.empty();
        }

        private List<String> ping(Entry entry) {
            Optional<ListNode> list = list(entry.value(), "ping",
                    "a list of addresses to ping such as [10.0.0.1] (IPv4, IPv6 or host names)");
            if (list.isEmpty()) {
                return List.of();
            }
            var targets = new ArrayList<String>();
            Map<String, Pos> seen = new HashMap<>();
            for (Node item : list.get().items()) {
                Optional<String> s = string(item, "a ping target", "an IP address or host name such as 10.0.0.1");
                if (s.isEmpty()) {
                    continue;
                }
                String t = s.get().trim();
                if (ipLiteral(t).isEmpty() && !isHostName(t)) {
                    error(item.pos(), "ping target `" + t + "` is not an IP address or host name; write an IPv4 "
                            + "address such as 10.0.0.1, an IPv6 address such as fd00::1, or a host name such as "
                            + "gw.example.com");
                    continue;
                }
                Pos first = seen.putIfAbsent(t, item.pos());
                if (first != null) {
                    error(item.pos(), "duplicate ping target `" + t + "` (already listed at line " + first.line()
                            + ")");
                    continue;
                }
                targets.add(t);
            }
            return targets;
        }

        private Optional<Duration> positiveDuration(Node v, String what) {
            Optional<Duration> d = duration(v, what);
            if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
                error(v.pos(), what + " must be longer than 0, e.g. 20s");
                return Optional.empty();
            }
            return d;
        }

        private Optional<Boolean> bool(Node v, String what) {
            if (v instanceof Scalar s && !s.reported()
                    && (s.token() == JsonToken.VALUE_TRUE || s.token() == JsonToken.VALUE_FALSE)) {
                return Optional.of(s.token() == JsonToken.VALUE_TRUE);
            }
            wrongType(v, what, "true or false");
            return Optional.empty();
        }

        private <E extends Enum<E>> Optional<E> enumValue(Node v, String what, E[] values, Function<E, String> name) {
            String valid = Arrays.stream(values).map(name).collect(Collectors.joining(" | "));
            Optional<String> s = string(v, what, valid);
            if (s.isEmpty()) {
                return Optional.empty();
            }
            Optional<E> e = Arrays.stream(values).filter(x -> name.apply(x).equals(s.get())).findFirst();
            if (e.isEmpty()) {
                error(v.pos(), "unknown " + what + " `" + s.get() + "`; valid values: " + valid);
            }
            return e;
        }

        private static String known(String what, Set<String> names) {
            return names.isEmpty() ? "there are no " + what + " in this file"
                    : what + " in this file: " + String.join(", ", names);
        }

        // ---- scalars and shapes

        private Optional<Long> version(Node v) {
            Optional<BigInteger> n = integer(v, "version", "a positive integer (1, 2, ...)");
            if (n.isPresent() && (n.get().signum() <= 0 || n.get().bitLength() > 63)) {
                error(v.pos(), "version must be a positive integer (1, 2, ...), got " + n.get());
                return Optional.empty();
            }
            return n.map(BigInteger::longValue);
        }

        private Optional<Integer> intIn(Node v, String what, int min, int max, String expected) {
            Optional<BigInteger> n = integer(v, what, expected);
            if (n.isEmpty()) {
                return Optional.empty();
            }
            if (n.get().compareTo(BigInteger.valueOf(min)) < 0 || n.get().compareTo(BigInteger.valueOf(max)) > 0) {
                error(v.pos(), what + " must be " + expected + ", got " + n.get());
                return Optional.empty();
            }
            return Optional.of(n.get().intValue());
        }

        private Optional<String> name(Node v, String what, Pattern pattern) {
            String expected = pattern == NAME ? "1 to 64 letters, digits, '_', '.' or '-'"
                    : pattern == LINK_NAME ? "1 to 64 letters, digits, '_', '.', ':', '/', '@' or '-'"
                    : "a network interface name such as eth1 (at most 15 characters, no spaces or '/')";
            Optional<String> s = string(v, what, expected);
            if (s.isPresent() && !pattern.matcher(s.get()).matches()) {
                error(v.pos(), what + " `" + s.get() + "` is not valid; use " + expected);
                return Optional.empty();
            }
            return s;
        }

        private Optional<MapNode> map(Node n, String what, String expected) {
            if (n instanceof MapNode m) {
                return Optional.of(m);
            }
            wrongType(n, what, expected);
            return Optional.empty();
        }

        private Optional<ListNode> list(Node n, String what, String expected) {
            if (n instanceof ListNode l) {
                return Optional.of(l);
            }
            wrongType(n, what, expected);
            return Optional.empty();
        }

        /** Any non-null scalar: YAML would make `name: 1` a number and `name: on` a boolean. */
        private Optional<String> string(Node n, String what, String expected) {
            if (n instanceof Scalar s && !s.reported() && s.token() != JsonToken.VALUE_NULL) {
                return Optional.of(s.text());
            }
            wrongType(n, what, expected);
            return Optional.empty();
        }

        private Optional<BigInteger> integer(Node n, String what, String expected) {
            if (n instanceof Scalar s && !s.reported() && s.token() == JsonToken.VALUE_NUMBER_INT) {
                return Optional.of(s.integer());
            }
            wrongType(n, what, expected);
            return Optional.empty();
        }

        private void wrongType(Node n, String what, String expected) {
            if (n instanceof Scalar s && s.reported()) {
                return;
            }
            error(n.pos(), what + " must be " + expected + ", got " + describe(n));
        }

        private Optional<Entry> required(MapNode m, String key, String where, String hint) {
            Optional<Entry> e = m.entry(key);
            if (e.isEmpty()) {
                error(m.pos(), "missing required key `" + key + "` in " + where + ": " + hint);
            }
            return e;
        }

        private void checkKeys(MapNode m, String where, List<String> valid) {
            for (Entry e : m.entries()) {
                if (!valid.contains(e.key())) {
                    String guess = valid.stream().filter(k -> editDistance(k, e.key()) <= 2).findFirst()
                            .map(k -> " (did you mean `" + k + "`?)").orElse("");
                    error(e.keyPos(), "unknown key `" + e.key() + "` in " + where + guess + "; valid keys: "
                            + String.join(", ", valid));
                }
            }
        }
    }

    static String describe(Node n) {
        if (n instanceof MapNode) return "a map";
        if (n instanceof ListNode) return "a list";
        Scalar s = (Scalar) n;
        return switch (s.token()) {
            case VALUE_NULL -> "nothing";
            case VALUE_NUMBER_INT -> "the integer " + s.text();
            case VALUE_NUMBER_FLOAT -> "the number " + s.text();
            case VALUE_TRUE, VALUE_FALSE -> "the boolean " + s.text();
            default -> "the string `" + s.text() + "`";
        };
    }

    /** Parses an IP address without ever asking DNS, unlike {@link InetAddress#getByName}. */
    static Optional<InetAddress> ipLiteral(String s) {
        try {
            if (IPV4.matcher(s).matches()) {
                String[] parts = s.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = (byte) Integer.parseInt(parts[i]);
                }
                return Optional.of((Inet4Address) InetAddress.getByAddress(b));
            }
            if (s.contains(":") && !s.contains("[") && !s.contains("]")) {
                // Brackets make getByName insist on an IPv6 literal instead of falling back to DNS.
                return Optional.of(InetAddress.getByName("[" + s + "]"));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** RFC 1123 syntax; an all-digit last label would be a mistyped IPv4 address, not a name. */
    static boolean isHostName(String s) {
        if (!HOSTNAME.matcher(s).matches()) {
            return false;
        }
        String[] labels = s.split("\\.");
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    private static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
