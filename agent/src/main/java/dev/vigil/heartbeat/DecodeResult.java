package dev.vigil.heartbeat;

/** The outcome of decoding one packet: accepted, or dropped for a reason. No exceptions on the hot path. */
public sealed interface DecodeResult {
    record Accepted(HeartbeatPacket packet) implements DecodeResult {}

    /** @param detail for the log only: never shown to the sender */
    record Dropped(DropReason reason, String detail) implements DecodeResult {}
}
