package dev.vigil.heartbeat;

import dev.vigil.config.ClusterKey;
import dev.vigil.membership.MembershipView;
import dev.vigil.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one heartbeat every keepalive on every link, from a dedicated thread that does nothing
 * else: no locks shared with receivers or the detector, no scripts, no logging on the normal
 * path. A beat that is more than half a keepalive late is sent at once and the schedule restarts
 * from then (no burst to catch up: peers only need the latest beat), and each such slip is
 * counted so starvation is measurable. The agent gives this thread real-time priority.
 */
public final class HeartbeatSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);

    private final String cluster;
    private final String self;
    private final long incarnation;
    private final java.util.function.LongSupplier configVersion;
    private final Duration keepalive;
    private final List<Transport> transports;
    private final Supplier<MembershipView> view;
    private volatile Supplier<List<Extension>> extensions = List::of;
    /** The key and whether to seal, as last asked ({@link #encrypt}, {@link #rekey}); guarded by {@link #sealingLock} for writes. */
    private volatile Sealing wanted;
    /**
     * Its own lock, never held while calling out: {@link #encrypt} is called while the caller holds
     * the configuration's lock, which a beat's cargo also takes, so it must not wait for a beat.
     */
    private final Object sealingLock = new Object();
    /** What {@link #codec} was made for; both only used inside the synchronized {@link #beat}. */
    private Sealing built;
    private PacketCodec codec;

    private record Sealing(ClusterKey key, boolean encrypt) {}
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong slips = new AtomicLong();
    /** Beats sent without their extensions because those did not fit in a packet. */
    private final AtomicLong oversizedCargo = new AtomicLong();
    private final AtomicLong maxSlipNanos = new AtomicLong();
    private volatile boolean running;
    private Thread thread;

    public HeartbeatSender(String cluster, ClusterKey key, String self, long incarnation, java.util.function.LongSupplier configVersion,
                           Duration keepalive, List<Transport> transports, Supplier<MembershipView> view) {
        this(cluster, key, false, self, incarnation, configVersion, keepalive, transports, view);
    }

    /** @param encrypt whether beats go out sealed ({@code auth: {encrypt: true}}, {@link PacketSeal}) */
    public HeartbeatSender(String cluster, ClusterKey key, boolean encrypt, String self, long incarnation,
                           java.util.function.LongSupplier configVersion, Duration keepalive, List<Transport> transports,
                           Supplier<MembershipView> view) {
        this.cluster = cluster;
        this.self = self;
        this.incarnation = incarnation;
        this.configVersion = configVersion;
        this.keepalive = keepalive;
        this.transports = List.copyOf(transports);
        this.view = view;
        this.wanted = new Sealing(key, encrypt);
    }

    /**
     * What later layers attach to every beat (resource reports, the coordinator's directive).
     * The supplier is called on the sender's thread, so it must only hand out a prepared list.
     */
    public void attach(Supplier<List<Extension>> extensions) {
        this.extensions = extensions;
    }

    /**
     * Sends a beat now, off the grid, so news (a finished action, a new plan) does not wait for
     * the next keepalive. The grid itself is not moved.
     */
    public void sendNow() {
        if (running) {
            beat(MessageType.HEARTBEAT, false);
        }
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::run, "vigil-heartbeat-sender");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long period = keepalive.toNanos();
        long next = System.nanoTime();
        while (running) {
            beat(MessageType.HEARTBEAT, true);
            next += period;
            long now = System.nanoTime();
            if (now - next > period / 2) {
                long slip = now - next;
                slips.incrementAndGet();
                maxSlipNanos.accumulateAndGet(slip, Math::max);
                // Don't burst to catch up: peers only need the next beat to be recent.
                next = now;
            }
            while (running && (now = System.nanoTime()) < next) {
                LockSupport.parkNanos(next - now);
            }
        }
    }

    /**
     * @param grid a regular beat, which a large cluster's unicast link sends to a few peers in turn
     *             ({@link Transport#sendBeat}); news and goodbyes go to every peer
     */
    private synchronized void beat(MessageType type, boolean grid) {
        var w = wanted;
        if (w != built) {
            codec = new PacketCodec(w.key(), cluster, w.encrypt());
            built = w;
        }
        var v = view.get();
        var ext = type == MessageType.HEARTBEAT ? extensions.get() : List.<Extension>of();
        long seq = sequence.incrementAndGet();
        for (var t : transports) {
            try {
                var members = List.copyOf(v.members().keySet());
        long version = configVersion.getAsLong();
                byte[] data;
                try {
                    data = codec.encode(new HeartbeatPacket(type, cluster, self, incarnation, seq, t.linkIndex(),
                            version, v.number(), members, ext));
                } catch (IllegalArgumentException tooBig) {
                    // The beat itself matters more than what rides on it: never lose it to its cargo.
                    // Cargo is dropped from the end (a config chunk, then the config digest, before
                    // the reports), as much as needed; with none left the beat always fits.
                    oversizedCargo.incrementAndGet();
                    data = null;
                    for (int keep = Math.max(0, ext.size() - 1); data == null; keep--) {
                        try {
                            data = codec.encode(new HeartbeatPacket(type, cluster, self, incarnation, seq,
                                    t.linkIndex(), version, v.number(), members, List.copyOf(ext.subList(0, keep))));
                        } catch (IllegalArgumentException stillTooBig) {
                            if (keep == 0) throw stillTooBig;
                        }
                    }
                }
                if (grid) t.sendBeat(data); else t.send(data);
            } catch (RuntimeException e) {
                LOG.error("link {}: cannot send heartbeat", t.linkName(), e);
            }
        }
    }

    /**
     * Stops beating and tells the peers this node leaves, so they don't wait for deadtime.
     * The LEAVE goes out a few times because one lost datagram must not cost a deadtime.
     */
    public void leave(int copies, Duration spacing) {
        stop();
        for (int i = 0; i < copies; i++) {
            beat(MessageType.LEAVE, false);
            LockSupport.parkNanos(spacing.toNanos());
        }
    }

    /**
     * Switches encryption of the beats from the next one on (a newly adopted cluster file): safe
     * at any time, since every receiver reads sealed and plain packets alike.
     */
    public void encrypt(boolean on) {
        synchronized (sealingLock) {
            wanted = new Sealing(wanted.key(), on);
        }
    }

    /** Signs (and seals) the beats with {@code next} from the next one on: the switch step of a key rotation. */
    public void rekey(ClusterKey next) {
        synchronized (sealingLock) {
            wanted = new Sealing(next, wanted.encrypt());
        }
    }

    /** Beats whose reports or directives did not fit and were sent bare; should stay 0. */
    public long oversizedCargo() {
        return oversizedCargo.get();
    }

    /** Beats that went out more than half a keepalive late since start. */
    public long slips() {
        return slips.get();
    }

    public Duration maxSlip() {
        return Duration.ofNanos(maxSlipNanos.get());
    }

    public long sent() {
        return sequence.get();
    }

    private void stop() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
