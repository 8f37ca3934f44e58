package dev.vigil.coordination;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.vigil.model.ActionKind;
import java.util.Locale;

/**
 * What a node is told to do with a resource in a {@link DispatchedAction}: the scheduler's
 * probes, starts and stops, and an operator's cleanup. Not {@link ActionKind}: a fence is run by
 * the coordinator itself and never dispatched, and a cleanup is no scheduler action.
 *
 * <p>On the wire (gossip) an operation is its lower-case name, {@code "start"}, as it was when
 * this was a string; {@link #wire()} and {@link #fromWire} are that text.
 */
public enum Operation {
    PROBE, START, STOP, PROMOTE, DEMOTE, NOTIFY, CLEANUP;

    /** The gossip text: {@code probe}, {@code start}, {@code stop}, {@code promote}, {@code demote}, {@code notify} or {@code cleanup}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for text that names no operation */
    @JsonCreator
    public static Operation fromWire(String text) {
        for (var op : values()) {
            if (op.wire().equals(text)) return op;
        }
        throw new IllegalArgumentException("unknown operation \"" + text + "\"");
    }

    /** The dispatch of a planned resource action; a fence is not dispatched. */
    public static Operation of(ActionKind kind) {
        return switch (kind) {
            case PROBE -> PROBE;
            case START -> START;
            case STOP -> STOP;
            case PROMOTE -> PROMOTE;
            case DEMOTE -> DEMOTE;
            case NOTIFY -> NOTIFY;
            case FENCE -> throw new IllegalArgumentException("a fence is run by the coordinator, not dispatched");
        };
    }
}
