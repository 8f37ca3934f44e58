package dev.vigil.sealed;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Frames sealed with AES-256-GCM, one key per direction. A frame is a 12-byte header (the
 * ciphertext's length, 4 bytes; its sequence number, 8 bytes), authenticated as associated data,
 * then the ciphertext with its 16-byte tag. The GCM nonce is the sequence number, which starts at
 * 0 and grows by one per frame: a nonce is never used twice under one key, and a replayed,
 * reordered or dropped frame is refused by number before it is decrypted. Everything refused is
 * counted and ends the stream ({@link SealedRefusal}).
 */
public final class SealedFrames {
    static final int HEADER = 12;
    static final int TAG_BYTES = 16;

    private SealedFrames() {}

    /** Seals and writes frames; one writer per direction, used by one thread at a time. */
    public static final class Writer {
        private final OutputStream out;
        private final SecretKeySpec key;
        private final int maxPayload;
        private long seq;

        public Writer(OutputStream out, byte[] key, int maxPayload) {
            this.out = out;
            this.key = new SecretKeySpec(key, "AES");
            this.maxPayload = maxPayload;
        }

        public synchronized void write(byte[] payload) throws IOException {
            if (payload.length > maxPayload) {
                throw new IllegalArgumentException("a frame of " + payload.length + " bytes is over the limit of "
                        + maxPayload);
            }
            byte[] header = header(payload.length + TAG_BYTES, seq);
            byte[] sealed;
            try {
                sealed = crypt(Cipher.ENCRYPT_MODE, key, seq, header, payload);
            } catch (AEADBadTagException e) {
                throw new IllegalStateException("sealing cannot fail a tag check", e);
            }
            seq++;
            out.write(SealedKeys.concat(header, sealed));
            out.flush();
        }
    }

    /** Reads and opens frames; the read timeout is the socket's ({@code SO_TIMEOUT}). */
    public static final class Reader {
        private final DataInputStream in;
        private final SecretKeySpec key;
        private final int maxPayload;
        private final SealedCounters counters;
        private long expected;

        public Reader(InputStream in, byte[] key, int maxPayload, SealedCounters counters) {
            this.in = new DataInputStream(in);
            this.key = new SecretKeySpec(key, "AES");
            this.maxPayload = maxPayload;
            this.counters = counters;
        }

        /** The next payload; empty when the stream ended cleanly between frames. */
        public Optional<byte[]> read() throws IOException {
            byte[] header = new byte[HEADER];
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException e) {
                throw refuse(SealedCounters.Reason.TIMEOUT, "no frame within the read timeout");
            }
            if (first < 0) return Optional.empty();
            header[0] = (byte) first;
            readFully(header, 1, "header");
            var h = ByteBuffer.wrap(header);
            int length = h.getInt();
            long seq = h.getLong();
            if (length < TAG_BYTES || length > maxPayload + TAG_BYTES) {
                throw refuse(length < TAG_BYTES ? SealedCounters.Reason.FORGED : SealedCounters.Reason.OVERSIZE,
                        "a frame of " + length + " bytes (at most " + (maxPayload + TAG_BYTES) + ")");
            }
            if (seq < expected) throw refuse(SealedCounters.Reason.REPLAYED, "frame " + seq + " again (expected " + expected + ")");
            if (seq > expected) throw refuse(SealedCounters.Reason.REORDERED, "frame " + seq + " (expected " + expected + ")");
            byte[] body = new byte[length];
            readFully(body, 0, "frame");
            try {
                byte[] plain = crypt(Cipher.DECRYPT_MODE, key, seq, header, body);
                expected++;
                return Optional.of(plain);
            } catch (AEADBadTagException e) {
                throw refuse(SealedCounters.Reason.FORGED, "frame " + seq + " does not verify (changed in transit, or another key)");
            }
        }

        private void readFully(byte[] b, int from, String what) throws IOException {
            try {
                in.readFully(b, from, b.length - from);
            } catch (EOFException e) {
                throw refuse(SealedCounters.Reason.TRUNCATED, "the stream ended inside a " + what);
            } catch (SocketTimeoutException e) {
                throw refuse(SealedCounters.Reason.TIMEOUT, "a " + what + " stopped arriving");
            }
        }

        private SealedRefusal refuse(SealedCounters.Reason r, String message) {
            counters.count(r);
            return new SealedRefusal(r, message);
        }
    }

    static byte[] header(int length, long seq) {
        return ByteBuffer.allocate(HEADER).putInt(length).putLong(seq).array();
    }

    private static byte[] crypt(int mode, SecretKeySpec key, long seq, byte[] aad, byte[] data)
            throws AEADBadTagException {
        try {
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(seq).array();
            cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(data);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }
}
