package dev.vigil.config;

import java.util.Arrays;

/**
 * The cluster's shared secret. Kept in its own type so it is never printed by accident:
 * {@link #toString()} shows only its length.
 */
public final class ClusterKey {
    private final byte[] bytes;

    public ClusterKey(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty cluster key");
        }
        this.bytes = bytes.clone();
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * HMAC-SHA256(this key, {@code label}): a key of its own for each use (control MACs, heartbeat
     * encryption, fingerprints), so one set of bytes never serves two purposes.
     */
    public byte[] derive(String label) {
        try {
            var mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(bytes, "HmacSHA256"));
            return mac.doFinal(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterKey k && java.security.MessageDigest.isEqual(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ClusterKey[" + bytes.length + " bytes]";
    }
}
