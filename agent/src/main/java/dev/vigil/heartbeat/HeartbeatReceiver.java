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

    private final ThreadLocal<PacketCodec> codecs;
    private final PacketVerifier verifier;
    private final Drops drops;
    private final String self;
    private final long selfIncarnation;
    private final Listener listener;

    public HeartbeatReceiver(ClusterKey key, String cluster, String self, long selfIncarnation,
                             PacketVerifier verifier, Drops drops, Listener listener) {
        this.codecs = ThreadLocal.withInitial(() -> new PacketCodec(key, cluster));
        this.verifier = verifier;
        this.drops = drops;
        this.self = self;
        this.selfIncarnation = selfIncarnation;
        this.listener = listener;
    }

    @Override
    public void onPacket(int linkIndex, byte[] data, String origin) {
        var result = codecs.get().decode(data);
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
}
