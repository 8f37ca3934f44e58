package dev.vigil.playbook;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Scalar;
import dev.vigil.coordination.Suggest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a playbook's hosts are and how to reach them. {@code local} (this machine, no SSH) is
 * always known. The nodes of a cluster file ({@code --config}) are hosts reached over SSH at their
 * {@code address}; an inventory file adds hosts, groups and SSH settings, and wins over the
 * cluster file where both speak of a host:
 *
 * <pre>
 * ssh: {user: root}                      # every host's defaults
 * hosts:
 *   ha1: {address: 10.0.0.1, ssh: {port: 2222, key: /root/.ssh/id_ed25519, known_hosts: /root/.ssh/known_hosts}}
 *   ha2: {}                              # the address comes from the cluster file
 *   here: {connection: local}
 * groups:
 *   web: {hosts: [ha1, ha2], ssh: {user: deploy, become: sudo}}
 * </pre>
 *
 * A host's SSH settings are, weakest first: the inventory's top-level {@code ssh}, its groups' in
 * the order the groups are declared, its own. {@code all} names every host of the cluster file and
 * the inventory (not the implicit {@code local}).
 */
public final class Inventory {
    public static final String LOCAL = "local";
    public static final String ALL = "all";
    static final List<String> TOP_KEYS = List.of("hosts", "groups", "ssh");
    static final List<String> HOST_KEYS = List.of("address", "ssh", "connection");
    static final List<String> GROUP_KEYS = List.of("hosts", "ssh");
    static final List<String> SSH_KEYS = List.of("user", "port", "key", "known_hosts", "become");
    private static final String NAME = "[A-Za-z0-9_.-]{1,64}";

    /**
     * How a host is reached over SSH; an empty field takes the default (root, port 22, the user's
     * keys, {@code ~/.ssh/known_hosts}, no become).
     *
     * @param become {@code sudo}: commands and file writes as root through {@code sudo -n}
     */
    public record SshSettings(Optional<String> user, Optional<Integer> port, Optional<String> key,
                              Optional<String> knownHosts, Optional<String> become) {
        public static final SshSettings NONE = new SshSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        /** These settings with {@code over}'s given fields put over them. */
        public SshSettings with(SshSettings over) {
            return new SshSettings(over.user.or(() -> user), over.port.or(() -> port), over.key.or(() -> key),
                    over.knownHosts.or(() -> knownHosts), over.become.or(() -> become));
        }
    }

    /**
     * @param local   whether the host is this machine ({@code connection: local})
     * @param address where SSH reaches it; null for a local host
     * @param ssh     its settings, groups' and defaults' merged in
     */
    public record HostEntry(String name, boolean local, String address, SshSettings ssh) {}

    private final Map<String, HostEntry> hosts;
    private final Map<String, List<String>> groups;

    private Inventory(Map<String, HostEntry> hosts, Map<String, List<String>> groups) {
        this.hosts = hosts;
        this.groups = groups;
    }

    /** Only {@code local}. */
    public static Inventory localOnly() {
        return new Inventory(localMap(), Map.of());
    }

    /**
     * {@code local} and hosts known by name only, their address their name: to read a playbook
     * whose hosts are still to come (the new-cluster wizard's recipe, before its form has named
     * the nodes); nothing is reached through it.
     */
    public static Inventory toCome(List<String> names) {
        var m = localMap();
        for (String n : names) m.put(n, new HostEntry(n, false, n, SshSettings.NONE));
        return new Inventory(m, Map.of());
    }

    private static LinkedHashMap<String, HostEntry> localMap() {
        var m = new LinkedHashMap<String, HostEntry>();
        m.put(LOCAL, new HostEntry(LOCAL, true, null, SshSettings.NONE));
        return m;
    }

    public record Result(Optional<Inventory> inventory, List<PlaybookError> errors) {}

    /** An inventory file alone. */
    public static Result read(Path file) {
        return read(Optional.of(file), Optional.empty());
    }

    /**
     * @param inventory   the inventory file, if any
     * @param clusterFile a cluster file whose {@code nodes:} (name, address) are hosts, if any
     */
    public static Result read(Optional<Path> inventory, Optional<Path> clusterFile) {
        var errors = new ArrayList<PlaybookError>();
        // name -> address from the cluster file, before the inventory speaks
        var nodes = new LinkedHashMap<String, String>();
        clusterFile.ifPresent(f -> readNodes(new YamlFile(f, errors), nodes));
        var hosts = localMap();
        var groups = new LinkedHashMap<String, List<String>>();
        nodes.forEach((n, a) -> hosts.put(n, new HostEntry(n, false, a, SshSettings.NONE)));
        inventory.ifPresent(f -> readInventory(new YamlFile(f, errors), nodes, hosts, groups));
        errors.sort(java.util.Comparator.comparing((PlaybookError e) -> e.file().toString())
                .thenComparingInt(PlaybookError::line).thenComparingInt(PlaybookError::column));
        return new Result(errors.isEmpty() ? Optional.of(new Inventory(hosts, groups)) : Optional.empty(), errors);
    }

    /** The cluster file's {@code nodes:}: name and address of each, as written (nothing is resolved here). */
    private static void readNodes(YamlFile y, Map<String, String> nodes) {
        var root = y.read("cluster file").flatMap(n -> y.map(n, "a cluster file"));
        if (root.isEmpty()) return;
        var list = root.get().entry("nodes");
        if (list.isEmpty()) {
            y.error(root.get().pos(), "the cluster file has no `nodes:`, so it names no host");
            return;
        }
        if (!(list.get().value() instanceof dev.vigil.config.LocatedYaml.ListNode l)) {
            y.error(list.get().value().pos(), "`nodes` must be a list such as - {name: ha1, address: 10.0.0.48}");
            return;
        }
        for (Node item : l.items()) {
            var m = y.map(item, "a node");
            if (m.isEmpty()) continue;
            var name = m.get().entry("name").flatMap(e -> y.text(e.value(), "a node's `name`"));
            var address = m.get().entry("address").flatMap(e -> y.text(e.value(), "a node's `address`"));
            if (name.isEmpty() || address.isEmpty()) {
                if (m.get().entry("name").isEmpty() || m.get().entry("address").isEmpty()) {
                    y.error(m.get().pos(), "a node needs a `name` and an `address`");
                }
                continue;
            }
            if (!name.get().matches(NAME) || name.get().equals(LOCAL) || name.get().equals(ALL)) {
                y.error(m.get().entry("name").get().value().pos(), "node name `" + name.get() + "` cannot name a host"
                        + " (letters, digits, '_', '.', '-'; not `local` or `all`)");
                continue;
            }
            nodes.put(name.get(), address.get());
        }
    }

    private static void readInventory(YamlFile y, Map<String, String> nodes, Map<String, HostEntry> hosts,
                                      Map<String, List<String>> groups) {
        var root = y.read("inventory").flatMap(n -> y.map(n, "an inventory"));
        if (root.isEmpty()) return;
        MapNode top = root.get();
        for (Entry e : top.entries()) {
            if (!TOP_KEYS.contains(e.key())) y.unknownKey(e.keyPos(), "top-level key", e.key(), "", TOP_KEYS);
        }
        SshSettings defaults = top.entry("ssh").map(e -> ssh(y, e.value())).orElse(SshSettings.NONE);
        // Own settings per host, kept apart until the groups' are known.
        var own = new LinkedHashMap<String, SshSettings>();
        nodes.keySet().forEach(n -> own.put(n, SshSettings.NONE));
        top.entry("hosts").flatMap(h -> y.map(h.value(), "`hosts`")).ifPresent(h -> {
            for (Entry host : h.entries()) {
                if (!host.key().matches(NAME) || host.key().equals(ALL)) {
                    y.error(host.keyPos(), "host name `" + host.key() + "` must be letters, digits, '_', '.', '-' (and not `all`)");
                    continue;
                }
                // `ha1:` with nothing after it: a host the cluster file describes
                boolean empty = host.value() instanceof Scalar s && s.token() == com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
                var m = empty ? Optional.of(new MapNode(host.keyPos(), List.of())) : y.map(host.value(), "host `" + host.key() + "`");
                if (m.isEmpty()) continue;
                entry(y, host.key(), m.get(), nodes.get(host.key())).ifPresent(he -> {
                    hosts.put(he.name(), he);
                    own.put(he.name(), he.ssh());
                });
            }
        });
        // Group settings apply under each member's own, in the order the groups are declared.
        var fromGroups = new LinkedHashMap<String, SshSettings>();
        top.entry("groups").flatMap(g -> y.map(g.value(), "`groups`")).ifPresent(g -> {
            for (Entry group : g.entries()) {
                String gname = group.key();
                if (!gname.matches(NAME) || gname.equals(ALL) || gname.equals(LOCAL)) {
                    y.error(group.keyPos(), "group name `" + gname + "` must be letters, digits, '_', '.', '-' (and not `all` or `local`)");
                    continue;
                }
                if (hosts.containsKey(gname)) {
                    y.error(group.keyPos(), "`" + gname + "` is a host already; a group needs a name of its own");
                    continue;
                }
                var m = y.map(group.value(), "group `" + gname + "`");
                if (m.isEmpty()) continue;
                for (Entry k : m.get().entries()) {
                    if (!GROUP_KEYS.contains(k.key())) y.unknownKey(k.keyPos(), "key", k.key(), " of group `" + gname + "`", GROUP_KEYS);
                }
                SshSettings gs = m.get().entry("ssh").map(e -> ssh(y, e.value())).orElse(SshSettings.NONE);
                var members = new ArrayList<String>();
                m.get().entry("hosts").ifPresentOrElse(hl -> {
                    for (Scalar s : y.scalars(hl.value(), "a group's `hosts`")) {
                        String n = s.text();
                        if (!hosts.containsKey(n)) {
                            var known = new ArrayList<>(hosts.keySet());
                            y.error(s.pos(), "group `" + gname + "` names unknown host `" + n + "`" + Suggest.didYouMean(n, known)
                                    + " (known hosts: " + String.join(", ", known) + ")");
                        } else if (members.contains(n)) {
                            y.error(s.pos(), "host `" + n + "` is listed twice in group `" + gname + "`");
                        } else {
                            members.add(n);
                            fromGroups.merge(n, gs, SshSettings::with);
                        }
                    }
                }, () -> y.error(m.get().pos(), "group `" + gname + "` needs `hosts:`, a list of host names"));
                groups.put(gname, List.copyOf(members));
            }
        });
        for (var e : List.copyOf(hosts.values())) {
            if (e.local()) continue;
            SshSettings s = defaults.with(fromGroups.getOrDefault(e.name(), SshSettings.NONE))
                    .with(own.getOrDefault(e.name(), SshSettings.NONE));
            hosts.put(e.name(), new HostEntry(e.name(), false, e.address(), s));
        }
    }

    private static Optional<HostEntry> entry(YamlFile y, String name, MapNode m, String nodeAddress) {
        for (Entry k : m.entries()) {
            if (!HOST_KEYS.contains(k.key())) y.unknownKey(k.keyPos(), "key", k.key(), " of host `" + name + "`", HOST_KEYS);
        }
        boolean local = false;
        var conn = m.entry("connection");
        if (conn.isPresent()) {
            var c = y.text(conn.get().value(), "`connection`");
            if (c.isPresent() && !c.get().equals("local") && !c.get().equals("ssh")) {
                y.error(conn.get().value().pos(), "`connection` must be ssh or local, got '" + c.get() + "'");
            }
            local = c.isPresent() && c.get().equals("local");
        }
        SshSettings ssh = m.entry("ssh").map(s -> ssh(y, s.value())).orElse(SshSettings.NONE);
        String address = m.entry("address").flatMap(a -> y.text(a.value(), "`address`")).orElse(nodeAddress);
        if (address == null && !local) {
            y.error(m.pos(), "host `" + name + "` needs an `address` (or `connection: local`)");
            return Optional.empty();
        }
        return Optional.of(new HostEntry(name, local, local ? null : address, ssh));
    }

    private static SshSettings ssh(YamlFile y, Node n) {
        var m = y.map(n, "`ssh`");
        if (m.isEmpty()) return SshSettings.NONE;
        for (Entry k : m.get().entries()) {
            if (!SSH_KEYS.contains(k.key())) y.unknownKey(k.keyPos(), "key", k.key(), " in `ssh`", SSH_KEYS);
        }
        Optional<Integer> port = Optional.empty();
        var p = m.get().entry("port");
        if (p.isPresent()) {
            var t = y.text(p.get().value(), "`port`");
            if (t.isPresent()) {
                if (t.get().matches("[0-9]{1,5}") && Integer.parseInt(t.get()) >= 1 && Integer.parseInt(t.get()) <= 65535) {
                    port = Optional.of(Integer.parseInt(t.get()));
                } else {
                    y.error(p.get().value().pos(), "`port` must be 1 to 65535, got '" + t.get() + "'");
                }
            }
        }
        Optional<String> become = text(y, m.get(), "become");
        if (become.isPresent() && !become.get().equals("sudo")) {
            y.error(m.get().entry("become").get().value().pos(), "`become` must be sudo (the only method), got '" + become.get() + "'");
            become = Optional.empty();
        }
        Optional<String> key = absolute(y, m.get(), "key");
        Optional<String> knownHosts = absolute(y, m.get(), "known_hosts");
        return new SshSettings(text(y, m.get(), "user"), port, key, knownHosts, become);
    }

    private static Optional<String> text(YamlFile y, MapNode m, String key) {
        return m.entry(key).flatMap(e -> y.text(e.value(), "`" + key + "`"));
    }

    /** A path in the inventory: absolute, or relative to the inventory's directory; {@code ~/} is the user's home. */
    private static Optional<String> absolute(YamlFile y, MapNode m, String key) {
        return text(y, m, key).map(v -> {
            if (v.startsWith("~/")) return Path.of(System.getProperty("user.home"), v.substring(2)).toString();
            Path dir = y.file.toAbsolutePath().getParent();
            return dir.resolve(v).normalize().toString();
        });
    }

    public Optional<HostEntry> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    /** Every host, {@code local} first. */
    public List<HostEntry> hosts() {
        return List.copyOf(hosts.values());
    }

    public Map<String, List<String>> groups() {
        return Map.copyOf(groups);
    }

    /**
     * The hosts a name in {@code hosts:} or {@code --limit} stands for: itself, a group's members,
     * or for {@code all} every host but the implicit {@code local}; empty for an unknown name.
     */
    public List<String> expand(String name) {
        if (hosts.containsKey(name)) return List.of(name);
        if (groups.containsKey(name)) return groups.get(name);
        if (name.equals(ALL)) {
            return hosts.values().stream().filter(h -> !(h.name().equals(LOCAL) && h.local())).map(HostEntry::name).toList();
        }
        return List.of();
    }

    /** Why a playbook cannot name {@code name} in {@code hosts:}, or empty when it can. */
    public Optional<String> problem(String name) {
        if (hosts.containsKey(name) || groups.containsKey(name)) return Optional.empty();
        if (name.equals(ALL)) {
            return expand(ALL).isEmpty()
                    ? Optional.of("`all` names no host here: give an inventory (--inventory) or a cluster file (--config)")
                    : Optional.empty();
        }
        var known = new ArrayList<>(hosts.keySet());
        known.addAll(groups.keySet());
        known.add(ALL);
        return Optional.of("unknown host or group `" + name + "`" + Suggest.didYouMean(name, known)
                + " (known: " + String.join(", ", known) + "; others come from --inventory or --config)");
    }

    /**
     * {@code --limit}: the play's hosts narrowed to those {@code limit} names (host or group
     * names, separated by commas), in the play's order.
     *
     * @throws IllegalArgumentException naming what is unknown or not in the play
     */
    public List<String> limit(List<String> play, String limit) {
        var wanted = new LinkedHashSet<String>();
        var problems = new ArrayList<String>();
        for (String raw : limit.split(",")) {
            String n = raw.trim();
            if (n.isEmpty()) continue;
            var members = expand(n);
            if (members.isEmpty()) {
                var known = new ArrayList<>(play);
                known.addAll(groups.keySet());
                problems.add("--limit: unknown host or group `" + n + "`" + Suggest.didYouMean(n, known)
                        + " (the play runs on " + String.join(", ", play) + ")");
            } else if (hosts.containsKey(n) && !play.contains(n)) {
                problems.add("--limit: host `" + n + "` is not in the play (it runs on " + String.join(", ", play) + ")");
            } else {
                wanted.addAll(members);
            }
        }
        if (wanted.isEmpty() && problems.isEmpty()) problems.add("--limit names no host");
        if (!problems.isEmpty()) throw new IllegalArgumentException(String.join("\n", problems));
        var out = play.stream().filter(wanted::contains).toList();
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--limit " + limit + " leaves no host of the play (it runs on "
                    + String.join(", ", play) + ")");
        }
        return out;
    }
}
