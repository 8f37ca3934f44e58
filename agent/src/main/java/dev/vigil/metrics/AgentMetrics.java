package dev.vigil.metrics;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.ResourceSpec;
import dev.vigil.control.StatusReport;
import dev.vigil.coordination.ClusterHistory;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.membership.MembershipEvent;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's Prometheus metrics ({@code metrics:} in the cluster file, docs/metrics.md): a
 * registry of its own (no global default registry), the state read at scrape time
 * ({@link StatusCollector}), the counters of what happened ({@link EventCounters}), the
 * process's RSS, CPU and open files ({@link ProcessCollector}), and the HTTP endpoint that serves them.
 *
 * <p>The endpoint answers on one thread of its own at normal priority, so scrapes are served one
 * at a time and never compete with the heartbeat threads; a scrape costs one status snapshot.
 */
public final class AgentMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMetrics.class);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final EventCounters counters;
    private HTTPServer server;
    private ExecutorService scrapes;

    /** @param status the agent's {@code vigil status}, called once per scrape */
    public AgentMetrics(ClusterConfig config, String self, Supplier<StatusReport> status) {
        registry.register(new StatusCollector(status));
        counters = new EventCounters(registry, self,
                config.peersOf(self).stream().map(NodeConfig::name).toList(),
                config.resources().resources().stream().map(ResourceSpec::id).toList());
        registry.register(new ProcessCollector(Path.of("/proc/self")));
    }

    /** On the membership's listener thread. */
    public void onMembership(MembershipEvent event) {
        counters.onMembership(event);
    }

    /** On the coordination thread, with each new snapshot and the one before it. */
    public void onCoordinationStatus(CoordinationStatus before, CoordinationStatus after) {
        counters.onCoordinationStatus(before, after);
    }

    /** What the cluster history tells of operations and fences as it records them. */
    public ClusterHistory.Tap historyTap() {
        return counters;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Serves {@code /metrics} on {@code address}. An address that cannot be bound costs the
     * monitoring its view of this node, not the node its place in the cluster: logged, and the
     * agent runs on (as with the control port).
     */
    public synchronized void serve(InetSocketAddress address) {
        scrapes = Executors.newSingleThreadExecutor(r -> {
            var t = new Thread(r, "vigil-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            server = HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(registry).executorService(scrapes).buildAndStart();
            LOG.info("Prometheus metrics on http://{}/metrics", hostPort(address.getAddress().getHostAddress(), server.getPort()));
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot serve Prometheus metrics on {}: {}; the agent runs on without them", address, e.toString());
            scrapes.shutdownNow();
            scrapes = null;
        }
    }

    /** The port it serves on (the one bound, when 0 was asked for); empty when it does not serve. */
    public synchronized Optional<Integer> port() {
        return server == null ? Optional.empty() : Optional.of(server.getPort());
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (scrapes != null) {
            scrapes.shutdownNow();
            scrapes = null;
        }
    }
}
