package dev.vigil.arbitrator;

import dev.vigil.arbitrator.ArbitrationRule.Claim;
import dev.vigil.config.ArbitratorServiceConfig;
import dev.vigil.config.ClusterKey;
import dev.vigil.sealed.SealedChannel;
import dev.vigil.sealed.SealedCounters;
import dev.vigil.sealed.SealedRefusal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil arbitrator}: serves the arbitrator's vote to the clusters of its file over sealed
 * TCP connections ({@link SealedChannel}), one thread per connected node. It keeps no state on
 * disk: after a (re)start it grants nobody for one lease and a tenth, the longest a permission
 * given before can still run (docs/arbitrator.md, "Restarting the arbitrator").
 */
public final class ArbitratorServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ArbitratorServer.class);
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Nodes across all clusters; one more connection waits for a slot rather than starving the others. */
    static final int MAX_CONNECTIONS = 256;

    private final Map<String, ClusterKey> keys;
    private final Map<String, ClusterArbitration> clusters = new ConcurrentHashMap<>();
    private final Clock monotonic;
    private final SealedCounters counters = new SealedCounters();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final ServerSocket server;
    private final java.util.Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    public ArbitratorServer(ArbitratorServiceConfig config, Clock monotonic) throws IOException {
        this.keys = Map.copyOf(config.clusters());
        this.monotonic = monotonic;
        var now = monotonic.instant();
        config.clusters().keySet().forEach(c -> clusters.put(c, new ClusterArbitration(c, now)));
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        var l = config.listen();
        server.bind(new InetSocketAddress(l.getHostString(), l.getPort()));
    }

    public int port() {
        return server.getLocalPort();
    }

    public SealedCounters counters() {
        return counters;
    }

    /** Serves until {@link #close}; returns then. */
    public void run() {
        LOG.info("arbitrator listening on {} for clusters {}", server.getLocalSocketAddress(), keys.keySet());
        while (running) {
            try {
                slots.acquire();
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    slots.release();
                    if (running) LOG.warn("accept failed: {}", e.getMessage());
                    continue;
                }
                var t = new Thread(() -> {
                    try {
                        serve(s);
                    } finally {
                        slots.release();
                    }
                }, "vigil-arbitrator-" + s.getRemoteSocketAddress());
                t.setDaemon(true);
                t.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void serve(Socket socket) {
        open.add(socket);
        String[] who = new String[2];
        Object connection = new Object();
        try (var ch = SealedChannel.server(socket, hello -> {
            var parts = ArbitratorMessages.parseHello(hello);
            if (parts == null || !keys.containsKey(parts[0])) return Optional.empty();
            who[0] = parts[0];
            who[1] = parts[1];
            return Optional.of(keys.get(parts[0]).bytes());
        }, HANDSHAKE_TIMEOUT, ArbitratorMessages.MAX_FRAME, counters)) {
            var cluster = clusters.get(who[0]);
            while (running) {
                var frame = ch.read();
                if (frame.isEmpty()) break;
                var q = ArbitratorMessages.question(frame.get());
                if (!q.members().contains(who[1])) throw new IllegalArgumentException("a node outside its own membership");
                // Two leases of silence and the node is gone: it renews every third of one.
                ch.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, q.lease().multipliedBy(2).toMillis()));
                var d = cluster.ask(new Claim(who[1], q.members(), q.nodeOrder(), q.algorithm(), q.tieBreaker()),
                        connection, q.lease(), monotonic.instant());
                var chosen = d.chosen().map(p -> ArbitrationRule.sorted(p, q.nodeOrder())).orElse(java.util.List.of());
                ch.write(ArbitratorMessages.encode(new ArbitratorMessages.Answer(q.seq(), d.verdicts().get(who[1]),
                        chosen, d.why())));
            }
        } catch (SealedRefusal e) {
            LOG.warn("connection from {} ({}) refused: {}", socket.getRemoteSocketAddress(),
                    who[0] == null ? "unknown" : who[0] + "/" + who[1], e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.info("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        } finally {
            open.remove(socket);
            if (who[0] != null && clusters.containsKey(who[0])) clusters.get(who[0]).gone(who[1], connection);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (var s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
