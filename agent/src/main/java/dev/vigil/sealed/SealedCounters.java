package dev.vigil.sealed;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** What a sealed channel refused, by reason; shared by every connection of one service, thread-safe. */
public final class SealedCounters {

    /** Why a frame or a handshake was refused. */
    public enum Reason {
        /** The tag did not verify: the frame was changed in transit, or the peer has another key. */
        FORGED("forged"),
        /** A sequence number already used (a replayed frame). */
        REPLAYED("replayed"),
        /** A sequence number ahead of the expected one (a frame dropped or reordered). */
        REORDERED("reordered"),
        /** The stream ended inside a frame. */
        TRUNCATED("truncated"),
        /** A length over the limit, refused before anything is read. */
        OVERSIZE("oversize"),
        /** Nothing arrived within the read timeout. */
        TIMEOUT("timeout"),
        /** A handshake that is not one (bad magic, unknown peer, wrong lengths). */
        HANDSHAKE("handshake");

        private final String word;

        Reason(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);

    void count(Reason r) {
        counts.incrementAndGet(r.ordinal());
    }

    public long get(Reason r) {
        return counts.get(r.ordinal());
    }

    /** Every reason, zero included, in declaration order. */
    public Map<Reason, Long> snapshot() {
        var m = new EnumMap<Reason, Long>(Reason.class);
        for (var r : Reason.values()) m.put(r, counts.get(r.ordinal()));
        return m;
    }
}
