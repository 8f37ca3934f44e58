package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code metrics: {listen: ADDRESS:PORT}}: the Prometheus endpoint (see docs/metrics.md). The
 * file is shared by every node, so ADDRESS may be left out ({@code ":9469"}: each node's own
 * address), the wildcard ({@code 0.0.0.0}, {@code [::]}) or loopback; one node's address would
 * make every other node fail to bind, so it is refused here rather than at start.
 */
final class MetricsSection extends SectionReader {

    private static final List<String> KEYS = List.of("listen");
    /** host:port, host:port with [IPv6], or :port. */
    private static final Pattern LISTEN = Pattern.compile("(\\[[^\\]]*\\]|[^:\\[\\]]*):(\\d{1,5})");
    private static final String EXAMPLE = "listen: \":9469\" (each node's own address), \"0.0.0.0:9469\" "
            + "(every address) or \"127.0.0.1:9469\" (loopback)";

    MetricsSection(SectionReader shared) {
        super(shared);
    }

    /** @param controlPort the TCP control port when it is enabled, which the endpoint must not take */
    MetricsConfig read(Entry entry, Optional<Integer> controlPort) {
        Optional<MapNode> m = map(entry.value(), "metrics", "a map such as {" + EXAMPLE + "}");
        if (m.isEmpty()) {
            return MetricsConfig.OFF;
        }
        checkKeys(m.get(), "metrics", KEYS);
        Optional<Entry> listen = required(m.get(), "listen", "metrics", EXAMPLE);
        if (listen.isEmpty()) {
            return MetricsConfig.OFF;
        }
        var at = listen.get().value().pos();
        Optional<String> text = string(listen.get().value(), "metrics listen", "ADDRESS:PORT, e.g. " + EXAMPLE);
        if (text.isEmpty()) {
            return MetricsConfig.OFF;
        }
        var matcher = LISTEN.matcher(text.get().trim());
        if (!matcher.matches()) {
            error(at, "metrics listen `" + text.get() + "` is not ADDRESS:PORT; write " + EXAMPLE);
            return MetricsConfig.OFF;
        }
        int port = Integer.parseInt(matcher.group(2));
        if (port < 1 || port > 65535) {
            error(at, "metrics port must be a TCP port (1..65535), got " + port);
            return MetricsConfig.OFF;
        }
        if (controlPort.isPresent() && controlPort.get() == port) {
            error(at, "metrics port " + port + " is the control port; choose another, e.g. " + MetricsConfig.SUGGESTED_PORT);
            return MetricsConfig.OFF;
        }
        String host = matcher.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            return new MetricsConfig(true, Optional.empty(), port);
        }
        Optional<InetAddress> address = ipLiteral(host);
        if (address.isEmpty() || !(address.get().isAnyLocalAddress() || address.get().isLoopbackAddress())) {
            error(at, "metrics listen `" + text.get() + "` names one address, but every node reads this file and "
                    + "binds it; leave the address out for each node's own (\":" + port + "\"), or write 0.0.0.0:"
                    + port + ", [::]:" + port + " or 127.0.0.1:" + port);
            return MetricsConfig.OFF;
        }
        return new MetricsConfig(true, address, port);
    }
}
