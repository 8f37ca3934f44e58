package dev.vigil.tui;

import java.time.Instant;

/**
 * Something that happened in the cluster, as the console saw it between two successive statuses.
 *
 * @param subject the node, resource or group it is about (for the event log's filter)
 */
public record ClusterEvent(Instant at, Kind kind, String subject, String text) {
    public enum Kind {
        NODE_DIED(Tone.BAD, "!"), NODE_LATE(Tone.WARN, "!"), NODE_JOINED(Tone.GOOD, "+"), NODE_LEFT(Tone.WARN, "-"),
        NODE_STANDBY(Tone.WARN, "-"), NODE_ONLINE(Tone.GOOD, "+"), NODE_FENCED(Tone.BAD, "!"),
        COORDINATOR_CHANGED(Tone.WARN, "*"), QUORUM_LOST(Tone.BAD, "!"), QUORUM_GAINED(Tone.GOOD, "+"),
        MAINTENANCE_ON(Tone.WARN, "!"), MAINTENANCE_OFF(Tone.GOOD, "+"),
        RESOURCE_STARTED(Tone.GOOD, "+"), RESOURCE_STOPPED(Tone.NORMAL, "-"), RESOURCE_FAILED(Tone.BAD, "!"),
        /** From the agent's event log, from before this session: its own words, its time. */
        RECORDED(Tone.NORMAL, ":"), RECORDED_BAD(Tone.BAD, "!");

        final Tone tone;
        /** Shown before the text, so the kind reads without colour. */
        final String marker;

        Kind(Tone tone, String marker) {
            this.tone = tone;
            this.marker = marker;
        }
    }
}
