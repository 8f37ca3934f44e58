package dev.vigil.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.transport.Drops;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SerialFrameCodecTest {
    private final Drops drops = new Drops(Clock.systemUTC(), Duration.ofMinutes(1));
    private final List<byte[]> frames = new ArrayList<>();
    private final SerialFrameCodec.Decoder decoder =
            new SerialFrameCodec.Decoder(frames::add, SerialFrameCodec.DropListener.counting(drops, "test"));

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void feed(byte[] b) {
        decoder.feed(b, 0, b.length);
    }

    @Test
    void roundTrip() {
        byte[] frame = SerialFrameCodec.encode(bytes("hello"));
        assertThat(frame).hasSize(5 + SerialFrameCodec.OVERHEAD);
        feed(frame);
        assertThat(frames).containsExactly(bytes("hello"));
        assertThat(drops.snapshot()).isEmpty();
        assertThat(decoder.pendingBytes()).isZero();
    }

    @Test
    void emptyAndMaximumPayloads() {
        byte[] max = new byte[SerialFrameCodec.MAX_PAYLOAD];
        new Random(1).nextBytes(max);
        feed(concat(SerialFrameCodec.encode(new byte[0]), SerialFrameCodec.encode(max)));
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0)).isEmpty();
        assertThat(frames.get(1)).isEqualTo(max);
    }

    @Test
    void encodeRejectsOversizedPayload() {
        assertThatThrownBy(() -> SerialFrameCodec.encode(new byte[SerialFrameCodec.MAX_PAYLOAD + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void manyFramesInOneChunk() {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            out.writeBytes(SerialFrameCodec.encode(bytes("frame-" + i)));
        }
        feed(out.toByteArray());
        assertThat(frames).hasSize(50);
        assertThat(new String(frames.get(49), StandardCharsets.UTF_8)).isEqualTo("frame-49");
        assertThat(drops.snapshot()).isEmpty();
    }

    @Test
    void frameSplitByteByByte() {
        byte[] payload = new byte[300];
        new Random(2).nextBytes(payload);
        byte[] wire = concat(SerialFrameCodec.encode(payload), SerialFrameCodec.encode(bytes("next")));
        for (byte b : wire) {
            decoder.feed(new byte[] {b}, 0, 1);
        }
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0)).isEqualTo(payload);
        assertThat(drops.snapshot()).isEmpty();
    }

    @Test
    void garbageBeforeAndBetweenFramesIsSkippedAndCounted() {
        feed(concat(bytes("noise!"), SerialFrameCodec.encode(bytes("a")), bytes("more noise"),
                SerialFrameCodec.encode(bytes("b")), new byte[] {SerialFrameCodec.SYNC0, 0x00}));
        assertThat(frames).containsExactly(bytes("a"), bytes("b"));
        // "noise!" + "more noise" + the lone SYNC0 and the byte after it
        assertThat(drops.count("serial-garbage")).isEqualTo(6 + 10 + 2);
        assertThat(decoder.garbageBytes()).isEqualTo(18);
    }

    @Test
    void badCrcIsDroppedAndTheNextFrameStillDecoded() {
        byte[] bad = SerialFrameCodec.encode(bytes("corrupt me"));
        bad[6] ^= 0x01;
        feed(concat(bad, SerialFrameCodec.encode(bytes("good"))));
        assertThat(frames).containsExactly(bytes("good"));
        assertThat(drops.count("serial-crc")).isEqualTo(1);
        // After the false marker, the rest of the bad frame is garbage.
        assertThat(drops.count("serial-garbage")).isEqualTo(bad.length - 2);
    }

    @Test
    void syncMarkerInGarbageFollowedByRealFrameIsNotLost() {
        // A false marker whose length (5) reaches into the real frame: the CRC fails and
        // scanning must resume right after the false marker, not after the false frame.
        byte[] real = SerialFrameCodec.encode(bytes("real frame"));
        byte[] falseStart = {SerialFrameCodec.SYNC0, SerialFrameCodec.SYNC1, 0x00, 0x05, 'x'};
        feed(concat(falseStart, real));
        assertThat(frames).containsExactly(bytes("real frame"));
        assertThat(drops.count("serial-crc")).isEqualTo(1);
        assertThat(drops.count("serial-garbage")).isEqualTo(3);
    }

    @Test
    void frameCutMidwayThenAFullFrame() {
        byte[] cut = SerialFrameCodec.encode(bytes("this frame is cut by a cable pull"));
        byte[] next = SerialFrameCodec.encode(bytes("after the cut, longer than the missing tail of the first"));
        feed(concat(java.util.Arrays.copyOf(cut, 12), next));
        assertThat(frames).containsExactly(bytes("after the cut, longer than the missing tail of the first"));
        assertThat(drops.count("serial-crc")).isEqualTo(1);
    }

    @Test
    void discardPendingForgetsAPartialFrame() {
        byte[] frame = SerialFrameCodec.encode(bytes("partial"));
        decoder.feed(frame, 0, 6);
        assertThat(decoder.pendingBytes()).isEqualTo(6);
        decoder.discardPending();
        feed(SerialFrameCodec.encode(bytes("fresh")));
        assertThat(frames).containsExactly(bytes("fresh"));
        assertThat(drops.count("serial-garbage")).isEqualTo(6);
    }

    @Test
    void oversizedLengthIsCountedAndScanningResumesAfterTheMarker() {
        byte[] real = SerialFrameCodec.encode(bytes("ok"));
        feed(concat(new byte[] {SerialFrameCodec.SYNC0, SerialFrameCodec.SYNC1, (byte) 0xFF, (byte) 0xFF}, real));
        assertThat(frames).containsExactly(bytes("ok"));
        assertThat(drops.count("serial-oversized")).isEqualTo(1);
        assertThat(drops.count("serial-garbage")).isEqualTo(2);
    }

    @Test
    void realFrameHiddenInAnOversizedLengthField() {
        // The false marker's length bytes are the start of a real frame.
        byte[] real = SerialFrameCodec.encode(bytes("hidden"));
        byte[] wire = concat(new byte[] {SerialFrameCodec.SYNC0, SerialFrameCodec.SYNC1}, real);
        // length field reads A7 1E = 42782 > MAX_PAYLOAD
        feed(wire);
        assertThat(frames).containsExactly(bytes("hidden"));
        assertThat(drops.count("serial-oversized")).isEqualTo(1);
        assertThat(drops.count("serial-garbage")).isZero();
    }

    @Test
    void randomInputNeverThrowsAndKeepsMemoryBoundedAndAccountsForEveryByte() {
        var random = new Random(42);
        long fed = 0;
        long goodBytes = 0;
        var counting = new long[1];
        var d = new SerialFrameCodec.Decoder(p -> counting[0] += p.length + SerialFrameCodec.OVERHEAD,
                SerialFrameCodec.DropListener.NONE);
        for (int round = 0; round < 20_000; round++) {
            byte[] chunk;
            int kind = random.nextInt(4);
            if (kind == 0) {
                byte[] p = new byte[random.nextInt(SerialFrameCodec.MAX_PAYLOAD + 1)];
                random.nextBytes(p);
                chunk = SerialFrameCodec.encode(p);
                if (random.nextBoolean()) {
                    chunk[random.nextInt(chunk.length)] ^= (byte) (1 + random.nextInt(255));
                }
            } else if (kind == 1) {
                // dense false markers: the decoder's worst case
                chunk = new byte[random.nextInt(3000)];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256)
                            : (i % 2 == 0 ? SerialFrameCodec.SYNC0 : SerialFrameCodec.SYNC1);
                }
            } else {
                chunk = new byte[random.nextInt(5000)];
                random.nextBytes(chunk);
            }
            // Frames go in whole (or corrupted); noise in random slices.
            int off = kind == 0 || chunk.length == 0 ? 0 : random.nextInt(chunk.length);
            int len = kind == 0 ? chunk.length : random.nextInt(chunk.length - off + 1);
            d.feed(chunk, off, len);
            fed += len;
            assertThat(d.pendingBytes()).isLessThan(SerialFrameCodec.MAX_FRAME);
        }
        goodBytes = counting[0];
        assertThat(goodBytes + d.garbageBytes() + 2 * (d.crcFailures() + d.oversized()) + d.pendingBytes())
                .isEqualTo(fed);
        assertThat(d.framesDecoded()).isPositive();
    }

    @Test
    void everyFrameSurvivesRandomChunkingAndInterleavedNoise() {
        var random = new Random(7);
        var out = new ByteArrayOutputStream();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] noise = new byte[random.nextInt(20)];
            random.nextBytes(noise);
            out.writeBytes(noise);
            byte[] p = new byte[1 + random.nextInt(200)];
            random.nextBytes(p);
            sent.add(p);
            out.writeBytes(SerialFrameCodec.encode(p));
        }
        byte[] wire = out.toByteArray();
        int i = 0;
        while (i < wire.length) {
            int n = Math.min(wire.length - i, 1 + random.nextInt(700));
            decoder.feed(wire, i, n);
            i += n;
        }
        // Noise can, rarely, hide a frame behind a false marker whose length reaches past it
        // and whose CRC then fails; the frame is found on rescan, so none may be lost.
        assertThat(frames).hasSameSizeAs(sent);
        for (int k = 0; k < sent.size(); k++) {
            assertThat(frames.get(k)).isEqualTo(sent.get(k));
        }
    }
}
