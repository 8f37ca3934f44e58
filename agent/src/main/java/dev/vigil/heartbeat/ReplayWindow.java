package dev.vigil.heartbeat;

/**
 * IPsec-style anti-replay window (RFC 4303 §3.4.3) for one sender incarnation on one link:
 * the highest sequence number seen and a bitmap of the 64 before it. Packets may arrive out of
 * order within the window; anything older, or seen before, is a replay.
 *
 * <p>Not thread-safe; the {@link PacketVerifier} serialises access.
 */
public final class ReplayWindow {
    public static final int SIZE = 64;

    private long highest = -1;
    /** Bit i set: sequence (highest - i) was seen. */
    private long seen;

    /**
     * Records the sequence number if it is new.
     *
     * @return false when it is a replay or too old to tell
     */
    public boolean accept(long sequence) {
        if (sequence < 0) {
            return false;
        }
        if (highest < 0 || sequence > highest) {
            long shift = highest < 0 ? SIZE : sequence - highest;
            seen = shift >= SIZE ? 1L : (seen << shift) | 1L;
            highest = sequence;
            return true;
        }
        long age = highest - sequence;
        if (age >= SIZE) {
            return false;
        }
        long bit = 1L << age;
        if ((seen & bit) != 0) {
            return false;
        }
        seen |= bit;
        return true;
    }

    public long highest() {
        return highest;
    }
}
