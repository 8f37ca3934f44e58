package dev.vigil.transport;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A heartbeat medium inside one JVM, for fast tests of the layers above transports. Links can be
 * cut per node; delivery is asynchronous (one thread per receiving endpoint) like a real socket.
 */
public final class InMemoryNetwork implements AutoCloseable {
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();

    /** Packets handed to receivers since the start, all nodes together. */
    public long delivered() {
        return delivered.get();
    }

    /** The transport node {@code node} uses for link {@code linkIndex}. */
    public Transport transport(String node, int linkIndex, String linkName) {
        var e = new Endpoint(node, linkIndex, linkName);
        endpoints.put(key(node, linkIndex), e);
        return e;
    }

    /** Nothing goes in or out of {@code node} on that link until {@link #restore}. */
    public void cut(String node, int linkIndex) {
        cut.add(key(node, linkIndex));
    }

    public void restore(String node, int linkIndex) {
        cut.remove(key(node, linkIndex));
    }

    /** Injects raw bytes as if they arrived at {@code node} on the link, e.g. a forged packet. */
    public void inject(String node, int linkIndex, byte[] packet) {
        var e = endpoints.get(key(node, linkIndex));
        if (e != null) {
            e.deliver(packet, "injected");
        }
    }

    private static String key(String node, int link) {
        return node + "#" + link;
    }

    @Override
    public void close() {
        endpoints.values().forEach(Endpoint::close);
    }

    private final class Endpoint implements Transport {
        private final String node;
        private final int linkIndex;
        private final String linkName;
        private final ExecutorService inbox;
        private volatile InboundHandler handler;
        private volatile boolean closed;
        /** Only the heartbeat sender's thread uses it. */
        private Fanout fanout;

        Endpoint(String node, int linkIndex, String linkName) {
            this.node = node;
            this.linkIndex = linkIndex;
            this.linkName = linkName;
            this.inbox = Executors.newSingleThreadExecutor(r -> {
                var t = new Thread(r, "inmem-" + node + "-" + linkIndex);
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public int linkIndex() {
            return linkIndex;
        }

        @Override
        public String linkName() {
            return linkName;
        }

        @Override
        public void start(InboundHandler receiver) {
            this.handler = receiver;
        }

        @Override
        public void send(byte[] packet) {
            if (closed || cut.contains(key(node, linkIndex))) {
                return;
            }
            for (var other : peers()) {
                if (!cut.contains(key(other.node, linkIndex))) {
                    other.deliver(packet.clone(), node);
                }
            }
        }

        /** As a unicast UDP link does: to every peer, or to a few in turn in a large cluster ({@link Fanout}; by size only: this network knows no timing, so tests of over 17 nodes use a deadtime of 1 s or more). */
        @Override
        public void sendBeat(byte[] packet) {
            var peers = peers();
            if (!Fanout.gossips(peers.size())) {
                send(packet);
                return;
            }
            if (fanout == null) fanout = new Fanout(peers.size(), new java.util.Random());
            if (closed || cut.contains(key(node, linkIndex))) {
                return;
            }
            for (int i : fanout.nextBeat()) {
                var other = peers.get(i % peers.size());
                if (!cut.contains(key(other.node, linkIndex))) {
                    other.deliver(packet.clone(), node);
                }
            }
        }

        /** The other endpoints of this link, in a stable order. */
        private java.util.List<Endpoint> peers() {
            return endpoints.values().stream().filter(o -> o != this && o.linkIndex == linkIndex)
                    .sorted(java.util.Comparator.comparing(o -> o.node)).toList();
        }

        void deliver(byte[] packet, String origin) {
            if (closed || handler == null) {
                return;
            }
            try {
                inbox.execute(() -> {
                    if (!closed) {
                        delivered.incrementAndGet();
                        handler.onPacket(linkIndex, packet, origin);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closed concurrently: a dead endpoint drops packets, like a closed socket.
            }
        }

        @Override
        public void close() {
            closed = true;
            inbox.shutdownNow();
            try {
                inbox.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
