package dev.vigil.heartbeat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes {@link PacketCodec#decode}, the first code to touch every datagram from the network.
 *
 * <p>{@code ./mvnw verify} fuzzes it for {@code fuzz.duration} in its own JVM (see agent/pom.xml),
 * starting from the seeds in {@code src/test/resources/dev/vigil/heartbeat/PacketCodecFuzzTestInputs/decode}
 * (written by {@link FuzzSeeds}). A finding fails the build and leaves its input in
 * {@code agent/target/jazzer/crash-*}; copy that file into the seed directory to replay it, and
 * add a unit test with the fix.
 */
@Tag("fuzz")
class PacketCodecFuzzTest {
    private static final PacketCodec CODEC = new PacketCodec(Packets.KEY, "web");
    private static final Mac MAC = mac();
    private static final byte[] FILL = {'V', 'G', 1, (byte) 0xFF};

    private static final dev.vigil.testing.FuzzRun RUN = new dev.vigil.testing.FuzzRun();

    @org.junit.jupiter.api.AfterAll
    static void fuzzedForItsTime() {
        RUN.check("PacketCodecFuzzTest");
    }

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] data) {
        RUN.saw();
        check(data);
        // Random bytes almost never carry a valid HMAC, which would leave everything past the tag
        // check unexplored: sign the same bytes properly so the fuzzer reaches accepted packets.
        if (data.length >= PacketCodec.TAG_BYTES && data.length <= PacketCodec.MAX_PACKET_BYTES) {
            byte[] signed = data.clone();
            int body = signed.length - PacketCodec.TAG_BYTES;
            MAC.update(signed, 0, body);
            try {
                MAC.doFinal(signed, body);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            var result = check(signed);
            // A sealed packet (magic 'V' 'E') is authenticated by its GCM tag, not by this HMAC:
            // re-signing random bytes that start with that magic does not make them authentic.
            boolean sealed = PacketSeal.isSealed(signed, 0, signed.length);
            if (!sealed && result instanceof DecodeResult.Dropped d && d.reason() == DropReason.FORGED) {
                throw new AssertionError("a correctly signed packet was dropped as forged: " + d.detail());
            }
        }
    }

    private static DecodeResult check(byte[] data) {
        byte[] original = data.clone();
        var result = CODEC.decode(data);
        if (result == null) {
            throw new AssertionError("decode returned null");
        }
        if (!Arrays.equals(data, original)) {
            throw new AssertionError("decode modified its input");
        }
        if (result instanceof DecodeResult.Accepted a) {
            // Accepted means authentic and canonical: the packet the sender encoded is exactly
            // these bytes, so nothing unauthenticated can ride along or be read differently. A
            // newer sender's packet may carry appended fields (authenticated, skipped): what this
            // codec read is then exactly the bytes before them.
            int version = data[2] & 0xFF;
            byte[] again = new PacketCodec(Packets.KEY, "web", version).encode(a.packet());
            int body = again.length - PacketCodec.TAG_BYTES;
            boolean canonical = version == PacketCodec.FORMAT_VERSION ? Arrays.equals(again, data)
                    : version == PacketCodec.FORMAT_VERSION + 1 && data.length >= again.length
                            && Arrays.equals(again, 0, body, data, 0, body);
            if (!canonical) {
                throw new AssertionError("accepted " + a.packet() + " but it re-encodes to other bytes");
            }
        } else if (result instanceof DecodeResult.Dropped d && (d.reason() == null || d.detail() == null)) {
            throw new AssertionError("drop without reason or detail: " + d);
        }
        // The receiver decodes from the middle of a reused buffer: bytes around the packet must not
        // be read, and the offset must not change the verdict.
        int offset = data.length % 7 + 1;
        byte[] framed = new byte[offset + data.length + 5];
        for (int i = 0; i < framed.length; i++) {
            framed[i] = FILL[i % FILL.length];
        }
        System.arraycopy(data, 0, framed, offset, data.length);
        var inFrame = CODEC.decode(framed, offset, data.length);
        if (!result.equals(inFrame)) {
            throw new AssertionError("decoding at offset " + offset + " gave " + inFrame + " instead of " + result);
        }
        return result;
    }

    private static Mac mac() {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Packets.KEY.bytes(), "HmacSHA256"));
            return mac;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
