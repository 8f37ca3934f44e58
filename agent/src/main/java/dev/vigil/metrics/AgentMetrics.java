package dev.vigil.metrics;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.config.ResourceSpec;
import dev.vigil.control.StatusReport;
import dev.vigil.coordination.ClusterHistory;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.membership.MembershipEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's Prometheus metrics ({@code metrics:} in the cluster file, docs/metrics.md): the
 * state read at scrape time ({@link StatusCollector}), the counters of what happened
 * ({@link EventCounters}), the process's RSS, CPU and open files ({@link ProcessCollector}),
 * written in Prometheus' text format ({@link TextFormat}) by the HTTP endpoint that serves them
 * ({@link MetricsServer}).
 *
 * <p>Why not the Prometheus Java client: with its HTTP server it cost the agent ~5 MB of RSS
 * (some 510 classes, five threads) and pushed it over its 64 MB budget; what the agent exports
 * (gauges and counters built at scrape time, a few counters and one fixed-bucket histogram) needs
 * none of its machinery. The exposition format is checked against Prometheus' own parsers.
 *
 * <p>The endpoint answers on one thread of its own at normal priority, so scrapes are served one
 * at a time and never compete with the heartbeat threads; a scrape costs one status snapshot.
 */
public final class AgentMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMetrics.class);

    /** Adds its metric families to a scrape. */
    interface Collector {
        void collect(List<MetricFamily> out);
    }

    private final EventCounters counters;
    private final List<Collector> collectors;
    private MetricsServer server;

    /** @param status the agent's {@code vigil status}, called once per scrape */
    public AgentMetrics(ClusterConfig config, String self, Supplier<StatusReport> status) {
        counters = new EventCounters(self,
                config.peersOf(self).stream().map(NodeConfig::name).toList(),
                config.resources().resources().stream().map(ResourceSpec::id).toList(),
                config.resources().resources().stream().filter(ResourceSpec::isPromotable).map(ResourceSpec::id).toList());
        collectors = List.of(new StatusCollector(status), counters, new ProcessCollector(Path.of("/proc/self")));
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

    /** One scrape's metric families, in the order they are served. */
    List<MetricFamily> scrape() {
        var out = new ArrayList<MetricFamily>();
        for (var c : collectors) c.collect(out);
        return out;
    }

    /** {@code /metrics} in the format the scraper asks for; {@code /-/healthy}; null (404) for the rest. */
    private MetricsServer.Response answer(MetricsServer.Request request) {
        return switch (request.path()) {
            case "/metrics" -> {
                boolean om = TextFormat.wantsOpenMetrics(request.accept());
                yield new MetricsServer.Response(om ? TextFormat.OPENMETRICS : TextFormat.TEXT,
                        TextFormat.write(scrape(), om).getBytes(StandardCharsets.UTF_8));
            }
            case "/-/healthy" -> new MetricsServer.Response("text/plain; charset=utf-8",
                    "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8));
            default -> null;
        };
    }

    /**
     * Serves {@code /metrics} on {@code address}. An address that cannot be bound costs the
     * monitoring its view of this node, not the node its place in the cluster: logged, and the
     * agent runs on (as with the control port).
     */
    public synchronized void serve(InetSocketAddress address) {
        try {
            server = new MetricsServer(address, this::answer, MetricsServer.REQUEST_TIMEOUT);
            LOG.info("Prometheus metrics on http://{}/metrics", hostPort(address.getAddress().getHostAddress(), server.port()));
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot serve Prometheus metrics on {}: {}; the agent runs on without them", address, e.toString());
        }
    }

    /** The port it serves on (the one bound, when 0 was asked for); empty when it does not serve. */
    public synchronized Optional<Integer> port() {
        return server == null ? Optional.empty() : Optional.of(server.port());
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
    }
}
