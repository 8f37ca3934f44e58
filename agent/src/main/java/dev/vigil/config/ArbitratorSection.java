package dev.vigil.config;

import dev.vigil.config.KeyFileSection.KeyFile;
import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code arbitrator: {address: HOST[:PORT], keyfile: F, algorithm: ffsplit|lms, tie_breaker: lowest|highest|NODE,
 * lease: D}} in the cluster file, and the {@code listen:} address of the arbitrator's own file: both
 * write {@code HOST:PORT} (an IPv6 address in brackets).
 */
final class ArbitratorSection extends SectionReader {
    private static final List<String> KEYS = List.of("address", "keyfile", "algorithm", "tie_breaker", "lease");
    private final KeyFileSection keys;

    ArbitratorSection(SectionReader shared, KeyFileSection keys) {
        super(shared);
        this.keys = keys;
    }

    /** @param nodes the configured node names in file order (empty when nodes: has errors) */
    Optional<ArbitratorConfig> read(Entry entry, List<String> nodes, Timing timing) {
        Optional<MapNode> am = map(entry.value(), "arbitrator",
                "a map such as {address: 10.0.0.50:7696, keyfile: /etc/vigil/arbitrator.key, algorithm: ffsplit}");
        if (am.isEmpty()) return Optional.empty();
        MapNode m = am.get();
        checkKeys(m, "arbitrator", KEYS);
        Optional<InetSocketAddress> address = required(m, "address", "arbitrator",
                "the arbitrator's HOST:PORT, e.g. 10.0.0.50:7696").flatMap(e -> hostPort(e.value(), "address"));
        Optional<KeyFile> key = required(m, "keyfile", "arbitrator",
                "the key shared with the arbitrator, e.g. /etc/vigil/arbitrator.key").flatMap(e -> keys.keyFile(e.value()));
        var algorithm = m.entry("algorithm").map(e -> enumValue(e.value(), "arbitrator algorithm",
                ArbitratorConfig.Algorithm.values(), ArbitratorConfig.Algorithm::word))
                .orElse(Optional.of(ArbitratorConfig.Algorithm.FFSPLIT));
        Optional<String> tie = m.entry("tie_breaker").map(e -> tieBreaker(e.value(), nodes)).orElse(Optional.of("lowest"));
        Optional<Duration> lease = m.entry("lease").map(e -> positiveDuration(e.value(), "arbitrator lease")
                .filter(d -> {
                    if (d.compareTo(ArbitratorConfig.MIN_LEASE) < 0) {
                        error(e.value().pos(), "arbitrator lease must be at least 1s (the nodes renew it every third "
                                + "of it, over TCP), got " + d.toMillis() + "ms");
                        return false;
                    }
                    return true;
                })).orElse(Optional.of(timing == null ? ArbitratorConfig.DEFAULT_MIN_LEASE
                        : ArbitratorConfig.defaultLease(timing)));
        if (address.isEmpty() || key.isEmpty() || algorithm.isEmpty() || tie.isEmpty() || lease.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ArbitratorConfig(address.get().getHostString(), address.get().getPort(), key.get().path(),
                key.get().key(), algorithm.get(), tie.get(), lease.get()));
    }

    private Optional<String> tieBreaker(Node v, List<String> nodes) {
        Optional<String> s = string(v, "tie_breaker", "lowest, highest or a node's name");
        if (s.isEmpty()) return s;
        if (s.get().equals("lowest") || s.get().equals("highest") || nodes.isEmpty() || nodes.contains(s.get())) return s;
        error(v.pos(), "tie_breaker `" + s.get() + "` is neither lowest, highest nor a node; "
                + known("nodes", new java.util.LinkedHashSet<>(nodes)));
        return Optional.empty();
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}, not resolved here. */
    Optional<InetSocketAddress> hostPort(Node v, String what) {
        Optional<String> text = string(v, what, "HOST:PORT such as 10.0.0.50:7696 (IPv6 as [fd00::50]:7696)");
        if (text.isEmpty()) return Optional.empty();
        String t = text.get().trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                return bad(v, what, t, "an IPv6 address is written [fd00::50]:7696");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
            if (ipLiteral(host).isEmpty()) return bad(v, what, t, "`" + host + "` is not an IPv6 address");
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                return bad(v, what, t, "the host or the port is missing, e.g. "
                        + (t.matches("[0-9]+") ? "0.0.0.0:" + t : t + ":" + ArbitratorConfig.DEFAULT_PORT));
            }
            if (t.indexOf(':') != colon) return bad(v, what, t, "an IPv6 address is written in brackets, [fd00::50]:7696");
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
            if (ipLiteral(host).isEmpty() && !isHostName(host)) {
                return bad(v, what, t, "`" + host + "` is not an IP address or host name");
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535) return bad(v, what, t, "the port must be 1..65535, got `" + port + "`");
        return Optional.of(InetSocketAddress.createUnresolved(host, p));
    }

    private Optional<InetSocketAddress> bad(Node v, String what, String t, String why) {
        error(v.pos(), what + " `" + t + "` is not HOST:PORT: " + why);
        return Optional.empty();
    }
}
