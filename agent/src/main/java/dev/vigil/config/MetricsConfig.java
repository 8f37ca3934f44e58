package dev.vigil.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The agent's Prometheus endpoint: the {@code metrics:} key of the cluster file, off when absent.
 * One key for every node, like {@code control:}: each agent serves on its own machine, so an
 * address in it is either none (the node's own address from {@code nodes:}, what a Prometheus
 * scrape config lists), the wildcard, or loopback (a local scraper or proxy).
 *
 * @param enabled false when the file has no {@code metrics:}
 * @param address where to bind; empty for the node's own address
 * @param port    the TCP port
 */
public record MetricsConfig(boolean enabled, Optional<InetAddress> address, int port) {

    /** The port the docs and error messages suggest. */
    public static final int SUGGESTED_PORT = 9469;
    public static final MetricsConfig OFF = new MetricsConfig(false, Optional.empty(), SUGGESTED_PORT);

    /** The socket this node's agent binds: {@code nodeAddress} unless the file named another. */
    public InetSocketAddress bindAddress(InetAddress nodeAddress) {
        return new InetSocketAddress(address.orElse(nodeAddress), port);
    }
}
