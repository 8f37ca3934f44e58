package dev.vigil.heartbeat;

import dev.vigil.config.ClusterKey;
import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;

/**
 * The path from raw bytes to a trusted packet: decode and authenticate, then the stateful checks,
 * counting every refusal by reason. Shared by all links; each receive thread gets its own codec.
 */
public final class HeartbeatReceiver implements Transport.InboundHandler {

    /** Told about every packet that passed all checks. */
    @FunctionalInterface
    public interface Listener {
        void onPacket(HeartbeatPacket packet, int link);
    }

    /** Per receive thread, a codec per accepted key (two during a key rotation). */
    private final ThreadLocal<java.util.Map<ClusterKey, PacketCodec>> codecs = ThreadLocal.withInitial(java.util.HashMap::new);
    private final java.util.function.Supplier<java.util.List<ClusterKey>> keys;
    private final String cluster;
    private final PacketVerifier verifier;
    private final Drops drops;
    private final String self;
    private final long selfIncarnation;
    private final Listener listener;

    public HeartbeatReceiver(ClusterKey key, String cluster, String self, long selfIncarnation,
                             PacketVerifier verifier, Drops drops, Listener listener) {
        this(fixed(key), cluster, self, selfIncarnation, verifier, drops, listener);
    }

    /** @param keys the accepted keys, asked at every packet ({@code KeyRing#accepted}), the sending one first */
    public HeartbeatReceiver(java.util.function.Supplier<java.util.List<ClusterKey>> keys, String cluster, String self,
                             long selfIncarnation, PacketVerifier verifier, Drops drops, Listener listener) {
        this.keys = keys;
        this.cluster = cluster;
        this.verifier = verifier;
        this.drops = drops;
        this.self = self;
        this.selfIncarnation = selfIncarnation;
        this.listener = listener;
    }

    @Override
    public void onPacket(int linkIndex, byte[] data, String origin) {
        var result = decode(data);
        if (result instanceof DecodeResult.Dropped d) {
            drops.drop(d.reason().key(), d.detail() + " (from " + origin + ")");
            return;
        }
        var packet = ((DecodeResult.Accepted) result).packet();
        if (packet.sender().equals(self) && packet.incarnation() == selfIncarnation) {
            // Our own multicast or broadcast, looped back: expected, not a drop.
            return;
        }
        var refused = verifier.verify(packet, linkIndex);
        if (refused != null) {
            String detail = refused.reason() == DropReason.SELF
                    ? "another agent uses this node's name (incarnation " + packet.incarnation() + ")"
                    : refused.detail();
            drops.drop(refused.reason().key(), detail + " (from " + origin + ")");
            return;
        }
        listener.onPacket(packet, linkIndex);
    }

    /** With the first key, and only when that is refused as forged (another key), with the others. */
    private DecodeResult decode(byte[] data) {
        var mine = codecs.get();
        DecodeResult result = null;
        for (var key : keys.get()) {
            result = mine.computeIfAbsent(key, k -> {
                if (mine.size() > 4) mine.clear(); // keys of rotations long over
                return new PacketCodec(k, cluster);
            }).decode(data);
            if (!(result instanceof DecodeResult.Dropped d) || d.reason() != DropReason.FORGED) return result;
        }
        return result;
    }

    private static java.util.function.Supplier<java.util.List<ClusterKey>> fixed(ClusterKey key) {
        var keys = java.util.List.of(key);
        return () -> keys;
    }
}
