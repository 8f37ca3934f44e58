package dev.vigil.config;

import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
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

    private static final List<String> TOP_KEYS = List.of("cluster", "version", "auth", "timing", "nodes", "links");
    private static final List<String> AUTH_KEYS = List.of("keyfile");
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
        List<ConfigError> errors = binder.errors.stream()
                .sorted(Comparator.comparing(LocatedYaml.Problem::pos))
                .map(p -> new ConfigError(file, p.pos().line(), p.pos().column(), p.message()))
                .toList();
        return new Result(errors.isEmpty() ? Optional.ofNullable(config) : Optional.empty(), errors);
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
            Optional<List<NodeConfig>> nodes = required(m, "nodes", "the cluster file",
                    "the list of nodes, e.g. - {name: ha1, address: 10.0.0.48}").flatMap(this::nodes);
            Optional<List<LinkConfig>> links = required(m, "links", "the cluster file",
                    "the list of heartbeat media, e.g. - {type: udp, mode: unicast, port: 694}")
                    .flatMap(e -> links(e, nodes.map(ns -> ns.stream().map(NodeConfig::name)
                            .collect(Collectors.toCollection(LinkedHashSet::new)))));

            if (!errors.isEmpty()) {
                return null;
            }
            return new ClusterConfig(file, cluster, version, key.get().path(), key.get().key(),
                    timing.preset(), timing.timing(), nodes.get(), links.get(), ResourcesConfig.EMPTY, yamlText);
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
