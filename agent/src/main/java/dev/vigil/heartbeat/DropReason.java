package dev.vigil.heartbeat;

/**
 * Why a received packet was refused. The {@link #key()} strings appear in
 * {@code vigil status --json} under {@code drops} and are part of its stable shape.
 */
public enum DropReason {
    /** Shorter than its own fields say, or than the smallest possible packet. */
    TRUNCATED("truncated"),
    /** Larger than any packet an agent sends; not even parsed. */
    OVERSIZED("oversized"),
    /** Not a Vigil packet, or fields that no agent would write (bad lengths, bad UTF-8, trailing bytes). */
    MALFORMED("malformed"),
    /** A protocol version this agent does not speak. */
    WRONG_VERSION("wrong-version"),
    /** Another cluster on the same network or port. */
    WRONG_CLUSTER("wrong-cluster"),
    /** The HMAC does not match: wrong key, tampering or forgery. */
    FORGED("forged"),
    /** Authenticated, but from a node that is not in our cluster file. */
    UNKNOWN_SENDER("unknown-sender"),
    /** Authenticated, but claims to be from us: a reflection or a duplicate node name. */
    SELF("self"),
    /** Arrived on another link than the one it was sent on. */
    WRONG_LINK("wrong-link"),
    /** Sequence number already seen, or older than the replay window. */
    REPLAYED("replayed"),
    /** From an incarnation older than the sender's current one: a replay of a previous life. */
    STALE_INCARNATION("stale-incarnation");

    private final String key;

    DropReason(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
