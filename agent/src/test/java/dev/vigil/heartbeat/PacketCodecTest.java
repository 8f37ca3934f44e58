package dev.vigil.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketCodecTest {
    private final PacketCodec codec = new PacketCodec(Packets.KEY, "web");

    private DropReason dropReason(byte[] data) {
        var r = codec.decode(data);
        assertThat(r).isInstanceOf(DecodeResult.Dropped.class);
        return ((DecodeResult.Dropped) r).reason();
    }

    @Test
    void roundTripKeepsEveryField() {
        var p = new HeartbeatPacket(MessageType.LEAVE, "web", "ha2", 1_700_000_000_123L, 42, 3, 9, 11,
                List.of("ha1", "ha2"), List.of(new Extension(ExtensionTypes.EXPERIMENTAL, new byte[] {1, 2, 3})));
        var decoded = codec.decode(codec.encode(p));
        assertThat(decoded).isEqualTo(new DecodeResult.Accepted(p));
    }

    @Test
    void nonAsciiNamesSurvive() {
        var p = new HeartbeatPacket(MessageType.HEARTBEAT, "web", "nœud-1", 1, 1, 0, 1, 1, List.of("nœud-1"), List.of());
        assertThat(codec.decode(codec.encode(p))).isEqualTo(new DecodeResult.Accepted(p));
    }

    @Test
    void everySingleBitFlipIsRefused() {
        byte[] good = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThat(codec.decode(bad)).as("flip byte %d bit %d", i, bit).isInstanceOf(DecodeResult.Dropped.class);
            }
        }
    }

    @Test
    void tamperedBodyIsForged() {
        byte[] data = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        // The sequence number's last byte: structure stays valid, only the MAC can tell.
        int seqLastByte = 5 + 1 + 3 + 1 + 3 + 8 + 7;
        data[seqLastByte] ^= 1;
        assertThat(dropReason(data)).isEqualTo(DropReason.FORGED);
    }

    @Test
    void wrongKeyIsForged() {
        byte[] data = new PacketCodec(Packets.OTHER_KEY, "web").encode(Packets.heartbeat("ha2", 5, 9, 0));
        assertThat(dropReason(data)).isEqualTo(DropReason.FORGED);
    }

    @Test
    void otherClusterIsWrongCluster() {
        var p = new HeartbeatPacket(MessageType.HEARTBEAT, "db", "ha2", 1, 1, 0, 1, 1, List.of(), List.of());
        assertThat(dropReason(new PacketCodec(Packets.KEY, "db").encode(p))).isEqualTo(DropReason.WRONG_CLUSTER);
    }

    @Test
    void everyTruncationIsTruncatedOrMalformed() {
        byte[] data = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        for (int len = 0; len < data.length; len++) {
            var reason = dropReason(Arrays.copyOf(data, len));
            assertThat(reason).as("length %d", len).isIn(DropReason.TRUNCATED, DropReason.MALFORMED, DropReason.FORGED);
        }
        assertThat(dropReason(Arrays.copyOf(data, 10))).isEqualTo(DropReason.TRUNCATED);
        assertThat(dropReason(new byte[0])).isEqualTo(DropReason.TRUNCATED);
    }

    @Test
    void oversizedIsRefusedUnread() {
        byte[] huge = new byte[PacketCodec.MAX_PACKET_BYTES + 1];
        huge[0] = 'V';
        huge[1] = 'G';
        assertThat(dropReason(huge)).isEqualTo(DropReason.OVERSIZED);
    }

    @Test
    void aVersionTwoAwayIsWrongVersion() {
        byte[] data = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        data[2] = (byte) (PacketCodec.FORMAT_VERSION + 2);
        assertThat(dropReason(resign(data))).isEqualTo(DropReason.WRONG_VERSION);
        data[2] = 0;
        assertThat(dropReason(resign(data))).as("there is no version 0").isEqualTo(DropReason.WRONG_VERSION);
        assertThat(((DecodeResult.Dropped) codec.decode(data)).detail()).contains("upgrade one version at a time");
    }

    // Mixed versions (a rolling upgrade): today's agent (N) and the next one (N+1) read each other.

    @Test
    void aNewerSendersPacketWithAnAppendedFieldIsReadByTodaysCodec() {
        var p = new HeartbeatPacket(MessageType.HEARTBEAT, "web", "ha2", 5, 9, 1, 3, 7, List.of("ha1", "ha2"),
                List.of(new Extension(ExtensionTypes.NODE_REPORT, new byte[] {1, 2})));
        byte[] newer = new PacketCodec(Packets.KEY, "web", PacketCodec.FORMAT_VERSION + 1).encode(p);
        // N+1 appends a field after the extensions: 4 bytes today's codec has never heard of.
        byte[] withField = resign(insertBeforeTag(newer, new byte[] {0, 2, 42, 42}));

        assertThat(codec.decode(withField)).isEqualTo(new DecodeResult.Accepted(p));
        assertThat(codec.decode(newer)).isEqualTo(new DecodeResult.Accepted(p));
    }

    @Test
    void theAppendedBytesAreStillAuthenticated() {
        byte[] newer = new PacketCodec(Packets.KEY, "web", PacketCodec.FORMAT_VERSION + 1).encode(Packets.heartbeat("ha2", 5, 9, 0));
        byte[] withField = resign(insertBeforeTag(newer, new byte[] {0, 2, 42, 42}));
        withField[withField.length - 33] ^= 1;
        assertThat(dropReason(withField)).isEqualTo(DropReason.FORGED);
    }

    @Test
    void theNextVersionReadsTodaysPackets() {
        var p = Packets.heartbeat("ha2", 5, 9, 0);
        var next = new PacketCodec(Packets.KEY, "web", PacketCodec.FORMAT_VERSION + 1);
        assertThat(next.decode(codec.encode(p))).isEqualTo(new DecodeResult.Accepted(p));
        // ... and the version after it no longer does: one version at a time.
        var afterNext = new PacketCodec(Packets.KEY, "web", PacketCodec.FORMAT_VERSION + 2);
        assertThat(afterNext.decode(afterNext.encode(p))).isEqualTo(new DecodeResult.Accepted(p));
        assertThat(((DecodeResult.Dropped) afterNext.decode(codec.encode(p))).reason()).isEqualTo(DropReason.WRONG_VERSION);
    }

    @Test
    void anExtensionTypeTodaysAgentDoesNotKnowArrivesAsIs() {
        // A newer agent's new kind of cargo: delivered, and every consumer skips types it does not know.
        var p = new HeartbeatPacket(MessageType.HEARTBEAT, "web", "ha2", 5, 9, 0, 3, 7, List.of("ha2"),
                List.of(new Extension(4242, new byte[] {9})));
        assertThat(codec.decode(codec.encode(p))).isEqualTo(new DecodeResult.Accepted(p));
    }

    @Test
    void foreignBytesAreMalformed() {
        assertThat(dropReason("GET / HTTP/1.1\r\n\r\n".getBytes())).isEqualTo(DropReason.MALFORMED);
    }

    @Test
    void trailingBytesBeforeTheTagAreMalformed() {
        byte[] data = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        byte[] longer = new byte[data.length + 1];
        System.arraycopy(data, 0, longer, 0, data.length - 32);
        System.arraycopy(data, data.length - 32, longer, data.length - 31, 32);
        assertThat(dropReason(longer)).isEqualTo(DropReason.MALFORMED);
    }

    @Test
    void unknownMessageTypeWithValidMacIsMalformed() {
        // A newer agent's message type: authenticated, but not understood.
        byte[] data = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        data[3] = 99;
        var resigned = resign(data);
        assertThat(dropReason(resigned)).isEqualTo(DropReason.MALFORMED);
    }

    @Test
    void randomInputNeverThrows() {
        var random = new Random(1);
        byte[] valid = codec.encode(Packets.heartbeat("ha2", 5, 9, 0));
        for (int i = 0; i < 20_000; i++) {
            byte[] data = i % 2 == 0 ? new byte[random.nextInt(200)] : valid.clone();
            if (i % 2 == 0) {
                random.nextBytes(data);
                if (data.length > 2) { data[0] = 'V'; data[1] = 'G'; data[2] = 1; }
            } else {
                data[random.nextInt(data.length)] = (byte) random.nextInt();
            }
            codec.decode(data);
        }
    }

    private static byte[] insertBeforeTag(byte[] data, byte[] field) {
        byte[] out = new byte[data.length + field.length];
        int body = data.length - 32;
        System.arraycopy(data, 0, out, 0, body);
        System.arraycopy(field, 0, out, body, field.length);
        System.arraycopy(data, body, out, body + field.length, 32);
        return out;
    }

    private static byte[] resign(byte[] data) {
        try {
            var mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(Packets.KEY.bytes(), "HmacSHA256"));
            mac.update(data, 0, data.length - 32);
            byte[] tag = mac.doFinal();
            System.arraycopy(tag, 0, data, data.length - 32, 32);
            return data;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
