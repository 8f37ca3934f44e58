package dev.vigil.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code auth: {encrypt: true}}: heartbeats sealed with AES-256-GCM around the plain authenticated packet. */
class SealedPacketTest {
    private final PacketCodec sealing = new PacketCodec(Packets.KEY, "web", true);
    private final PacketCodec plain = new PacketCodec(Packets.KEY, "web");

    private static HeartbeatPacket packet() {
        return new HeartbeatPacket(MessageType.HEARTBEAT, "web-cluster", "node-alpha", 5, 9, 0, 3, 7,
                List.of("node-alpha", "node-bravo"),
                List.of(new Extension(ExtensionTypes.EXPERIMENTAL, "resource-www-started".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void aSealedPacketRoundTripsAndNoNameIsReadableInIt() {
        var codec = new PacketCodec(Packets.KEY, "web-cluster", true);
        byte[] wire = codec.encode(packet());
        assertThat(codec.decode(wire)).isEqualTo(new DecodeResult.Accepted(packet()));
        String bytes = new String(wire, StandardCharsets.ISO_8859_1);
        for (String word : List.of("web-cluster", "node-alpha", "node-bravo", "resource-www")) {
            assertThat(bytes).as(word).doesNotContain(word);
        }
        // The control: the plain format carries them all.
        String clear = new String(new PacketCodec(Packets.KEY, "web-cluster").encode(packet()), StandardCharsets.ISO_8859_1);
        assertThat(clear).contains("web-cluster", "node-alpha", "node-bravo", "resource-www");
    }

    @Test
    void everyReceiverReadsBothFormsSoTheClusterSwitchesWithoutAGap() {
        var p = Packets.heartbeat("ha2", 5, 9, 0);
        assertThat(plain.decode(sealing.encode(p))).isEqualTo(new DecodeResult.Accepted(p));
        assertThat(sealing.decode(plain.encode(p))).isEqualTo(new DecodeResult.Accepted(p));
    }

    @Test
    void noncesNeverRepeatAndTheSamePacketSealsDifferently() {
        var p = Packets.heartbeat("ha2", 5, 9, 0);
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] wire = sealing.encode(p);
            nonces.add(new String(wire, 3, PacketSeal.NONCE_BYTES, StandardCharsets.ISO_8859_1));
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void everyBitFlipAnotherKeyAndTruncationAreRefused() {
        byte[] good = sealing.encode(Packets.heartbeat("ha2", 5, 9, 0));
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            assertThat(sealing.decode(bad)).as("flip in byte %d", i).isInstanceOf(DecodeResult.Dropped.class);
        }
        assertThat(reason(new PacketCodec(Packets.OTHER_KEY, "web", true).decode(good))).isEqualTo(DropReason.FORGED);
        assertThat(reason(sealing.decode(java.util.Arrays.copyOf(good, PacketSeal.OVERHEAD - 1)))).isEqualTo(DropReason.TRUNCATED);
        byte[] future = good.clone();
        future[2] = 2;
        assertThat(reason(sealing.decode(future))).isEqualTo(DropReason.WRONG_VERSION);
    }

    @Test
    void aReplayedSealedPacketIsStillCaughtByTheReplayWindow() {
        var verifier = new PacketVerifier("ha1", Set.of("ha2"));
        byte[] wire = sealing.encode(Packets.heartbeat("ha2", 5, 9, 0));
        var first = ((DecodeResult.Accepted) sealing.decode(wire)).packet();
        assertThat(verifier.verify(first, 0)).isNull();
        var again = ((DecodeResult.Accepted) sealing.decode(wire)).packet();
        assertThat(verifier.verify(again, 0).reason()).isEqualTo(DropReason.REPLAYED);
    }

    @Test
    void theLargestPacketStillFitsOnceSealed() {
        for (int size = 1000; size < PacketCodec.MAX_PACKET_BYTES; size += 7) {
            var p = new HeartbeatPacket(MessageType.HEARTBEAT, "web", "ha2", 1, 1, 0, 1, 1, List.of("ha2"),
                    List.of(new Extension(ExtensionTypes.EXPERIMENTAL, new byte[size])));
            try {
                assertThat(sealing.encode(p).length).isLessThanOrEqualTo(PacketCodec.MAX_PACKET_BYTES);
            } catch (IllegalArgumentException tooBig) {
                // refused before sealing, as the sender expects (it drops cargo and retries)
                assertThat(tooBig).hasMessageContaining("exceeds");
            }
        }
    }

    @Test
    void duringARotationTheReceiverTakesBothKeysAndAfterwardsOnlyTheNewOne() {
        var keys = new java.util.concurrent.atomic.AtomicReference<>(List.of(Packets.OTHER_KEY, Packets.KEY));
        var drops = new dev.vigil.transport.Drops(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(10));
        var got = new java.util.ArrayList<Long>();
        var receiver = new HeartbeatReceiver(keys::get, "web", "ha1", 1, new PacketVerifier("ha1", Set.of("ha2")), drops,
                (p, link) -> got.add(p.sequence()));
        receiver.onPacket(0, new PacketCodec(Packets.KEY, "web", true).encode(Packets.heartbeat("ha2", 5, 1, 0)), "test");
        receiver.onPacket(0, new PacketCodec(Packets.OTHER_KEY, "web").encode(Packets.heartbeat("ha2", 5, 2, 0)), "test");
        keys.set(List.of(Packets.OTHER_KEY));
        receiver.onPacket(0, new PacketCodec(Packets.KEY, "web").encode(Packets.heartbeat("ha2", 5, 3, 0)), "test");
        assertThat(got).containsExactly(1L, 2L);
        assertThat(drops.snapshot()).containsEntry("forged", 1L);
    }

    private static DropReason reason(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeResult.Dropped.class);
        return ((DecodeResult.Dropped) r).reason();
    }
}
