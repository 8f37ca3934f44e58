package dev.vigil.heartbeat;

import java.util.Optional;

/**
 * What a packet says. The codes are part of the wire format: only ever append, never renumber.
 */
public enum MessageType {
    /** "I am alive", sent every keepalive on every link. */
    HEARTBEAT(1),
    /** "I am stopping on purpose": peers mark the sender left at once instead of waiting for deadtime. */
    LEAVE(2);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<MessageType> byCode(int code) {
        for (var t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
