package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code links:}: the heartbeat media (UDP unicast, multicast and broadcast; serial cables),
 * and the names links get when the file gives none.
 */
final class LinksSection extends SectionReader {

    static final int DEFAULT_PORT = 694;
    static final int DEFAULT_BAUD = 19200;
    static final int DEFAULT_TTL = 1;
    static final List<Integer> STANDARD_BAUDS =
            List.of(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600);

    private static final List<String> UNICAST_KEYS = List.of("type", "name", "mode", "port");
    private static final List<String> MULTICAST_KEYS =
            List.of("type", "name", "mode", "group", "port", "interface", "ttl");
    private static final List<String> BROADCAST_KEYS = List.of("type", "name", "mode", "port", "interface");
    private static final List<String> UDP_KEYS = MULTICAST_KEYS;
    private static final List<String> SERIAL_KEYS = List.of("type", "name", "between", "device", "baud");
    private static final List<String> ANY_LINK_KEYS =
            List.of("type", "name", "mode", "group", "port", "interface", "ttl", "between", "device", "baud");

    LinksSection(SectionReader shared) {
        super(shared);
    }

    /** A link that passed validation but whose name depends on the other links. */
    private record PendingLink(int index, Optional<String> explicitName, String defaultName,
                               Function<String, LinkConfig> build) {}

    /** The {@code links:} section; empty when any link has an error. */
    Optional<List<LinkConfig>> read(Entry linksEntry, Optional<? extends Set<String>> knownNodes) {
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
}
