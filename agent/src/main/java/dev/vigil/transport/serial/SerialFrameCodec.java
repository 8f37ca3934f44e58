package dev.vigil.transport.serial;

import dev.vigil.transport.Drops;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Frames packets on a serial byte stream, where nothing marks where one packet ends and the next
 * begins and where a cable pull, line noise or a peer restart can cut a frame anywhere.
 *
 * <pre>
 *   sync (2 bytes: A7 1E) | length (2 bytes, big-endian) | payload (length bytes) | CRC-32 (4 bytes, big-endian)
 * </pre>
 *
 * <p>The CRC covers length and payload, so a corrupted length field is caught as well. The sync
 * marker's two bytes differ, so a real marker can never start on the second byte of another one;
 * that is what lets the decoder skip a whole false marker and still find every real frame.
 *
 * <p>Pure computation, no I/O: {@link Decoder#feed} is the fuzzing entry point.
 */
public final class SerialFrameCodec {
    /** The largest heartbeat packet; anything longer on the wire is noise or a foreign protocol. */
    public static final int MAX_PAYLOAD = 1400;
    static final byte SYNC0 = (byte) 0xA7;
    static final byte SYNC1 = (byte) 0x1E;
    static final int HEADER = 4;
    static final int TRAILER = 4;
    /** Bytes a frame adds to its payload. */
    public static final int OVERHEAD = HEADER + TRAILER;
    public static final int MAX_FRAME = MAX_PAYLOAD + OVERHEAD;

    private SerialFrameCodec() {}

    /** @throws IllegalArgumentException if the payload is longer than {@link #MAX_PAYLOAD} */
    public static byte[] encode(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        byte[] frame = new byte[payload.length + OVERHEAD];
        frame[0] = SYNC0;
        frame[1] = SYNC1;
        frame[2] = (byte) (payload.length >>> 8);
        frame[3] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, HEADER, payload.length);
        var crc = new CRC32();
        crc.update(frame, 2, 2 + payload.length);
        putInt(frame, HEADER + payload.length, (int) crc.getValue());
        return frame;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** What the decoder threw away, and why. Every method has an empty default. */
    public interface DropListener {
        /**
         * Bytes skipped while hunting for a sync marker, reported before the next good frame is
         * delivered and at the end of each {@link Decoder#feed} call, never byte by byte. A false marker whose frame fails is not counted here: it is
         * reported once as {@link #badCrc} or {@link #oversized} instead.
         */
        default void garbage(long bytes) {}

        /** A sync marker and length whose frame failed its CRC. */
        default void badCrc(int length) {}

        /** A sync marker followed by a length over {@link #MAX_PAYLOAD}. */
        default void oversized(int length) {}

        DropListener NONE = new DropListener() {};

        /** Counts under {@code serial-garbage} (unit: bytes), {@code serial-crc} and {@code serial-oversized} (unit: frames). */
        static DropListener counting(Drops drops, String origin) {
            return new DropListener() {
                @Override
                public void garbage(long bytes) {
                    drops.add("serial-garbage", bytes, bytes + " bytes of garbage skipped on " + origin);
                }

                @Override
                public void badCrc(int length) {
                    drops.drop("serial-crc", "frame of " + length + " bytes with a bad CRC on " + origin);
                }

                @Override
                public void oversized(int length) {
                    drops.drop("serial-oversized", "length field " + length + " over " + MAX_PAYLOAD + " on " + origin);
                }
            };
        }
    }

    /**
     * Turns an arbitrarily chunked byte stream back into payloads. Holds at most two frames' worth
     * of bytes whatever it is fed, and never throws on any byte content. Not thread-safe: one
     * decoder per reader thread.
     *
     * <p>Every byte fed ends up in exactly one of: a good frame, a garbage count, a false sync
     * marker (two bytes per CRC or oversized drop), or {@link #pendingBytes()}.
     */
    public static final class Decoder {
        private final byte[] buf = new byte[2 * MAX_FRAME];
        private int start;
        private int end;
        private final CRC32 crc = new CRC32();
        private final Consumer<byte[]> frames;
        private final DropListener drops;
        private long framesDecoded;
        private long garbageBytes;
        private long crcFailures;
        private long oversized;
        private long unreportedGarbage;

        /**
         * @param frames called on the feeding thread with each good payload (a fresh array it may
         *               keep); what it throws propagates out of {@link #feed}, leaving the
         *               decoder consistent but the rest of that chunk unread
         */
        public Decoder(Consumer<byte[]> frames, DropListener drops) {
            this.frames = Objects.requireNonNull(frames);
            this.drops = Objects.requireNonNull(drops);
        }

        /** @throws IndexOutOfBoundsException only if {@code off}/{@code len} lie outside {@code in} */
        public void feed(byte[] in, int off, int len) {
            Objects.checkFromIndexSize(off, len, in.length);
            try {
                while (len > 0) {
                    if (end == buf.length) {
                        compact();
                    }
                    int n = Math.min(len, buf.length - end);
                    System.arraycopy(in, off, buf, end, n);
                    end += n;
                    off += n;
                    len -= n;
                    scan();
                }
            } finally {
                reportGarbage();
            }
        }

        private void reportGarbage() {
            if (unreportedGarbage > 0) {
                long n = unreportedGarbage;
                unreportedGarbage = 0;
                drops.garbage(n);
            }
        }

        private void skipGarbage(int n) {
            garbageBytes += n;
            unreportedGarbage += n;
            start += n;
        }

        /**
         * Forgets a partly received frame, counting it as garbage: after the line was reopened its
         * tail will never come, and waiting for it would swallow the next good frame.
         */
        public void discardPending() {
            int pending = end - start;
            start = 0;
            end = 0;
            garbageBytes += pending;
            unreportedGarbage += pending;
            reportGarbage();
        }

        // After scan() returns, what is left is a strict prefix of one frame (< MAX_FRAME bytes),
        // so compacting always frees at least half the buffer and feed() always makes progress.
        private void compact() {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }

        private void scan() {
            while (true) {
                int avail = end - start;
                if (avail == 0) {
                    start = 0;
                    end = 0;
                    return;
                }
                if (buf[start] != SYNC0) {
                    int i = start + 1;
                    while (i < end && buf[i] != SYNC0) {
                        i++;
                    }
                    skipGarbage(i - start);
                    continue;
                }
                if (avail < 2) {
                    return;
                }
                if (buf[start + 1] != SYNC1) {
                    skipGarbage(1);
                    continue;
                }
                if (avail < HEADER) {
                    return;
                }
                int length = (buf[start + 2] & 0xff) << 8 | (buf[start + 3] & 0xff);
                if (length > MAX_PAYLOAD) {
                    // Resume right after the false marker: a real frame may start inside what
                    // looked like this one's length field.
                    oversized++;
                    start += 2;
                    drops.oversized(length);
                    continue;
                }
                if (avail < length + OVERHEAD) {
                    return;
                }
                crc.reset();
                crc.update(buf, start + 2, 2 + length);
                if ((int) crc.getValue() != getInt(buf, start + HEADER + length)) {
                    crcFailures++;
                    start += 2;
                    drops.badCrc(length);
                    continue;
                }
                byte[] payload = Arrays.copyOfRange(buf, start + HEADER, start + HEADER + length);
                start += length + OVERHEAD;
                framesDecoded++;
                // Counts first, so whoever sees the frame also sees the garbage that preceded it.
                reportGarbage();
                frames.accept(payload);
            }
        }

        /** Bytes held while waiting for the rest of a frame. */
        public int pendingBytes() {
            return end - start;
        }

        public long framesDecoded() {
            return framesDecoded;
        }

        public long garbageBytes() {
            return garbageBytes;
        }

        public long crcFailures() {
            return crcFailures;
        }

        public long oversized() {
            return oversized;
        }
    }
}
