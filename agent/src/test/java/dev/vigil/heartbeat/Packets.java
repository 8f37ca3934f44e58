package dev.vigil.heartbeat;

import dev.vigil.config.ClusterKey;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test fixtures: a key, a codec and typical packets. */
public final class Packets {
    public static final ClusterKey KEY = new ClusterKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    public static final ClusterKey OTHER_KEY = new ClusterKey("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

    private Packets() {}

    public static HeartbeatPacket heartbeat(String sender, long incarnation, long sequence, int link) {
        return new HeartbeatPacket(MessageType.HEARTBEAT, "web", sender, incarnation, sequence, link, 3, 7,
                List.of("ha1", "ha2", "ha3"), List.of());
    }

    public static byte[] encoded(HeartbeatPacket p) {
        return new PacketCodec(KEY, p.cluster()).encode(p);
    }
}
