package dev.vigil.detection;

import java.time.Instant;

/** A change the failure detector noticed. Emitted in the order it happened. */
public sealed interface DetectorEvent {
    String peer();

    Instant at();

    /**
     * The peer's state changed.
     *
     * @param incarnation the peer's incarnation after the change (0 if never heard)
     */
    record PeerChanged(String peer, PeerState from, PeerState to, long incarnation, Instant at) implements DetectorEvent {}

    /** The peer's agent restarted (a higher incarnation) without being declared dead first. */
    record PeerRestarted(String peer, long oldIncarnation, long newIncarnation, Instant at) implements DetectorEvent {}

    /** One link to the peer went up or down; the peer may still be alive on other links. */
    record LinkChanged(String peer, int link, String linkName, LinkState to, Instant at) implements DetectorEvent {}
}
