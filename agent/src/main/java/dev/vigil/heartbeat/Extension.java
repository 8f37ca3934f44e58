package dev.vigil.heartbeat;

/**
 * A typed payload riding on a heartbeat, for what later layers need to gossip (resource state
 * digests, configuration offers). Receivers skip types they do not know, so old and new agents
 * can share a cluster during a rolling upgrade.
 *
 * @param type  0..65535; allocate new types in {@link ExtensionTypes}
 * @param value at most {@link PacketCodec#MAX_PACKET_BYTES} in total with the rest of the packet
 */
public record Extension(int type, byte[] value) {
    public Extension {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("extension type out of range: " + type);
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extension e && e.type == type && java.util.Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * type + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Extension[type=" + type + ", " + value.length + " bytes]";
    }
}
