package dev.vigil.heartbeat;

import dev.vigil.config.ClusterKey;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The encrypted heartbeat ({@code auth: {keyfile, encrypt: true}}): a whole plain packet
 * ({@link PacketCodec}'s format, its HMAC and sequence included, so the replay window works as
 * before) sealed with AES-256-GCM under a key derived from the cluster key.
 *
 * <pre>
 *  0   2   magic 'V' 'E' (a layout that is no append to 'V' 'G': a magic of its own)
 *  2   1   seal version (1)
 *  3   12  GCM nonce: 8 random bytes drawn when the codec is made, then a 4-byte counter
 *  15  n   ciphertext of the plain packet
 *      16  GCM tag; the 15 header bytes are its associated data
 * </pre>
 *
 * Nonces never repeat under one key: the counter does not, within one codec, and when it would
 * wrap the random part is drawn again; two codecs (two agents, or one restarted) share a random
 * part with a chance of 2^-64. Not thread-safe, as {@link PacketCodec}.
 */
final class PacketSeal {
    static final byte MAGIC_1 = 'E';
    static final int VERSION = 1;
    static final int NONCE_BYTES = 12;
    static final int HEADER = 3 + NONCE_BYTES;
    static final int GCM_TAG_BYTES = 16;
    /** What sealing adds to a plain packet. */
    static final int OVERHEAD = HEADER + GCM_TAG_BYTES;
    private static final String LABEL = "vigil heartbeat encryption v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_BYTES];
    private long counter;

    PacketSeal(ClusterKey clusterKey) {
        // Never the key of the packets' HMAC itself.
        this.key = new SecretKeySpec(clusterKey.derive(LABEL), "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java runtime", e);
        }
        RANDOM.nextBytes(nonce);
    }

    /** Whether these bytes claim to be a sealed packet (the receiver then opens it; plain ones pass as they are). */
    static boolean isSealed(byte[] data, int offset, int length) {
        return length >= 2 && data[offset] == PacketCodec.MAGIC_0 && data[offset + 1] == MAGIC_1;
    }

    byte[] seal(byte[] plain) {
        if (counter == 0x1_0000_0000L) {
            RANDOM.nextBytes(nonce);
            counter = 0;
        }
        ByteBuffer.wrap(nonce, 8, 4).putInt((int) counter++);
        byte[] out = new byte[HEADER + plain.length + GCM_TAG_BYTES];
        out[0] = PacketCodec.MAGIC_0;
        out[1] = MAGIC_1;
        out[2] = VERSION;
        System.arraycopy(nonce, 0, out, 3, NONCE_BYTES);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(GCM_TAG_BYTES * 8, nonce));
            cipher.updateAAD(out, 0, HEADER);
            cipher.doFinal(plain, 0, plain.length, out, HEADER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        return out;
    }

    /** The plain packet inside, or empty when it does not decrypt (another key, or changed in transit). */
    Optional<byte[]> open(byte[] data, int offset, int length) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(GCM_TAG_BYTES * 8, data, offset + 3, NONCE_BYTES));
            cipher.updateAAD(data, offset, HEADER);
            return Optional.of(cipher.doFinal(data, offset + HEADER, length - HEADER));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }
}
