package dev.vigil.control;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One pushed event of the {@code events} stream. Like {@link StatusReport}, a promise: fields may
 * be added, none renamed or removed.
 *
 * @param seq     1, 2, 3, ... per agent life: a gap means this subscriber missed events
 * @param kind    {@code status} (a fresh snapshot in {@code status}), {@code membership}, {@code resource},
 *                {@code coordinator}, {@code quorum}, {@code fencing}, {@code operator}, {@code config},
 *                {@code keepalive} (nothing happened for a while) or {@code overflow} (this subscriber
 *                fell behind and is dropped; reconnect and start from the next status)
 * @param atMs    wall-clock epoch milliseconds when the agent noticed it
 * @param node    the node it is about, or null
 * @param message one line for people, in the words of the agent's log
 * @param status  for {@code status} events: the whole report, as {@code vigil status --json} prints it
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ControlEvent(long seq, String kind, long atMs, String node, String message, StatusReport status) {

    /** Kinds, as they appear in {@link #kind()}. */
    public enum Kind {
        STATUS, MEMBERSHIP, RESOURCE, COORDINATOR, QUORUM, FENCING, OPERATOR, CONFIG, KEEPALIVE, OVERFLOW;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
