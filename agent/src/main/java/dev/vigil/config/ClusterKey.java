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
