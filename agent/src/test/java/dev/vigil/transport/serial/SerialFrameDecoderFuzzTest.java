package dev.vigil.transport.serial;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Tag;

/**
 * Fuzzes {@link SerialFrameCodec.Decoder#feed}, which sees every byte a serial line delivers:
 * noise, cut frames, a peer's boot messages.
 *
 * <p>Input layout: the first byte picks how the rest, the wire stream, is cut into {@code feed}
 * calls (0: byte by byte; otherwise pseudo-random chunk sizes, some larger than the decoder's
 * buffer). The same stream is also fed in one call to a second decoder, and both must agree,
 * since where a read happens to end must never change what the decoder finds.
 *
 * <p>{@code ./mvnw verify} fuzzes it for {@code fuzz.duration} in its own JVM (see agent/pom.xml),
 * starting from the seeds in
 * {@code src/test/resources/dev/vigil/transport/serial/SerialFrameDecoderFuzzTestInputs/feed}
 * (written by {@link dev.vigil.heartbeat.FuzzSeeds}). A finding fails the build and leaves its
 * input in {@code agent/target/jazzer/crash-*}; copy that file into the seed directory to replay
 * it, and add a unit test with the fix.
 */
@Tag("fuzz")
class SerialFrameDecoderFuzzTest {

    private static final dev.vigil.testing.FuzzRun RUN = new dev.vigil.testing.FuzzRun();

    @org.junit.jupiter.api.AfterAll
    static void fuzzedForItsTime() {
        RUN.check("SerialFrameDecoderFuzzTest");
    }

    @FuzzTest(maxDuration = "60s")
    void feed(byte[] data) {
        RUN.saw();
        if (data.length == 0) {
            return;
        }
        int plan = data[0] & 0xFF;
        int streamStart = 1;
        int streamLength = data.length - 1;

        var chunked = new Observed(data, streamStart);
        long fed = 0;
        long seed = plan;
        int off = streamStart;
        while (off < data.length) {
            int n;
            if (plan == 0) {
                n = 1;
            } else {
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                // Mostly short reads like a UART's, now and then one past the decoder's buffer.
                int r = (int) ((seed >>> 33) % 64);
                n = r < 60 ? r : 2 * SerialFrameCodec.MAX_FRAME + r;
            }
            n = Math.min(n, data.length - off);
            // The real data array with an offset: feed must honour off/len, not read around them.
            chunked.decoder.feed(data, off, n);
            off += n;
            fed += n;
            chunked.checkAfterFeed(fed);
        }

        var whole = new Observed(data, streamStart);
        whole.decoder.feed(data, streamStart, streamLength);
        whole.checkAfterFeed(streamLength);

        if (!chunked.sameOutcomeAs(whole)) {
            throw new AssertionError("chunking changed the outcome: chunked " + chunked + ", whole " + whole);
        }
        whole.checkNoFrameMissed(streamLength);

        long pending = whole.decoder.pendingBytes();
        long garbageBefore = whole.decoder.garbageBytes();
        whole.decoder.discardPending();
        check(whole.decoder.pendingBytes() == 0, "pending bytes after discardPending");
        check(whole.decoder.garbageBytes() == garbageBefore + pending, "discarded bytes not counted as garbage");
        check(whole.reportedGarbage == whole.decoder.garbageBytes(), "discarded bytes not reported");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    /** A decoder plus everything it told its listeners, checked against the stream it was fed. */
    private static final class Observed implements SerialFrameCodec.DropListener {
        private final byte[] data;
        private final int streamStart;
        final SerialFrameCodec.Decoder decoder;
        final List<byte[]> payloads = new ArrayList<>();
        final List<Long> frameOffsets = new ArrayList<>();
        long frameBytes;
        long reportedGarbage;
        long reportedCrc;
        long reportedOversized;

        Observed(byte[] data, int streamStart) {
            this.data = data;
            this.streamStart = streamStart;
            this.decoder = new SerialFrameCodec.Decoder(this::frame, this);
        }

        private void frame(byte[] payload) {
            check(payload.length <= SerialFrameCodec.MAX_PAYLOAD, "payload over MAX_PAYLOAD");
            check(decoder.pendingBytes() >= 0 && decoder.pendingBytes() <= 2 * SerialFrameCodec.MAX_FRAME,
                    "decoder holds more than two frames: " + decoder.pendingBytes());
            // Every byte before this frame is accounted for already, so the accounting says where
            // in the stream the frame started; its encoding must be exactly there.
            long at = frameBytes + decoder.garbageBytes() + 2 * (decoder.crcFailures() + decoder.oversized());
            byte[] frame = SerialFrameCodec.encode(payload);
            int from = streamStart + (int) at;
            check(from + frame.length <= data.length
                            && Arrays.equals(data, from, from + frame.length, frame, 0, frame.length),
                    "delivered a payload that is not a valid frame at stream offset " + at);
            check(reportedGarbage == decoder.garbageBytes(), "garbage before a frame was not reported before it");
            payloads.add(payload);
            frameOffsets.add(at);
            frameBytes += frame.length;
        }

        @Override
        public void garbage(long bytes) {
            check(bytes > 0, "garbage(" + bytes + ")");
            reportedGarbage += bytes;
        }

        @Override
        public void badCrc(int length) {
            check(length >= 0 && length <= SerialFrameCodec.MAX_PAYLOAD, "badCrc(" + length + ")");
            reportedCrc++;
        }

        @Override
        public void oversized(int length) {
            check(length > SerialFrameCodec.MAX_PAYLOAD && length <= 0xFFFF, "oversized(" + length + ")");
            reportedOversized++;
        }

        void checkAfterFeed(long fed) {
            int pending = decoder.pendingBytes();
            check(pending >= 0 && pending < SerialFrameCodec.MAX_FRAME,
                    "holding " + pending + " bytes between feeds, more than a strict prefix of one frame");
            check(frameBytes + decoder.garbageBytes() + 2 * (decoder.crcFailures() + decoder.oversized()) + pending
                    == fed, "bytes unaccounted for after feeding " + fed);
            check(decoder.framesDecoded() == payloads.size(), "framesDecoded disagrees with deliveries");
            check(reportedGarbage == decoder.garbageBytes(), "garbage counted but not reported by the end of feed");
            check(reportedCrc == decoder.crcFailures(), "CRC failures counted and reported differ");
            check(reportedOversized == decoder.oversized(), "oversized counted and reported differ");
        }

        /**
         * A valid frame anywhere in the stream must be delivered unless it lies inside a delivered
         * frame or in the still-pending tail: resynchronising after a false marker must never skip it.
         */
        void checkNoFrameMissed(int streamLength) {
            long pendingFrom = streamLength - decoder.pendingBytes();
            var crc = new CRC32();
            int next = 0;
            for (int q = 0; q + SerialFrameCodec.OVERHEAD <= streamLength; q++) {
                int p = streamStart + q;
                if (data[p] != SerialFrameCodec.SYNC0 || data[p + 1] != SerialFrameCodec.SYNC1) {
                    continue;
                }
                int length = (data[p + 2] & 0xFF) << 8 | (data[p + 3] & 0xFF);
                if (length > SerialFrameCodec.MAX_PAYLOAD || q + length + SerialFrameCodec.OVERHEAD > streamLength) {
                    continue;
                }
                crc.reset();
                crc.update(data, p + 2, 2 + length);
                int at = p + SerialFrameCodec.HEADER + length;
                int stored = (data[at] & 0xFF) << 24 | (data[at + 1] & 0xFF) << 16 | (data[at + 2] & 0xFF) << 8
                        | (data[at + 3] & 0xFF);
                if ((int) crc.getValue() != stored || q >= pendingFrom) {
                    continue;
                }
                while (next < frameOffsets.size()
                        && frameOffsets.get(next) + payloads.get(next).length + SerialFrameCodec.OVERHEAD <= q) {
                    next++;
                }
                boolean delivered = next < frameOffsets.size() && frameOffsets.get(next) <= q;
                check(delivered, "valid frame at stream offset " + q + " was neither delivered nor covered");
            }
        }

        boolean sameOutcomeAs(Observed o) {
            if (payloads.size() != o.payloads.size()) {
                return false;
            }
            for (int i = 0; i < payloads.size(); i++) {
                if (!Arrays.equals(payloads.get(i), o.payloads.get(i))) {
                    return false;
                }
            }
            return frameOffsets.equals(o.frameOffsets)
                    && decoder.garbageBytes() == o.decoder.garbageBytes()
                    && decoder.crcFailures() == o.decoder.crcFailures()
                    && decoder.oversized() == o.decoder.oversized()
                    && decoder.pendingBytes() == o.decoder.pendingBytes();
        }

        @Override
        public String toString() {
            return payloads.size() + " frames at " + frameOffsets + ", garbage " + decoder.garbageBytes() + ", crc "
                    + decoder.crcFailures() + ", oversized " + decoder.oversized() + ", pending "
                    + decoder.pendingBytes();
        }
    }
}
