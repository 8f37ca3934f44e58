package dev.vigil.sealed;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869) over the shared key, salted with both sides' fresh nonces and bound to
 * the handshake's transcript: every connection gets two keys of its own, one per direction, so a
 * frame recorded on one connection (or in the other direction) never opens on another.
 */
public final class SealedKeys {
    static final int KEY_BYTES = 32;

    private SealedKeys() {}

    /** A pair of AES-256 keys: {@code toServer} seals what the client sends, {@code toClient} the replies. */
    public record Pair(byte[] toServer, byte[] toClient) {}

    public static Pair derive(byte[] sharedKey, byte[] clientNonce, byte[] serverNonce, byte[] transcript) {
        byte[] salt = concat(clientNonce, serverNonce);
        byte[] prk = hmac(salt, sharedKey);
        byte[] hash = sha256(transcript);
        return new Pair(expand(prk, concat("vigil-sealed/1 client->server ".getBytes(StandardCharsets.US_ASCII), hash)),
                expand(prk, concat("vigil-sealed/1 server->client ".getBytes(StandardCharsets.US_ASCII), hash)));
    }

    /** HKDF-Expand for one block (32 bytes): T(1) = HMAC(PRK, info || 0x01). */
    static byte[] expand(byte[] prk, byte[] info) {
        return hmac(prk, concat(info, new byte[] {1}));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            // HKDF allows an empty salt (then a block of zeros); JCE refuses empty keys, so pad.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[32] : key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
