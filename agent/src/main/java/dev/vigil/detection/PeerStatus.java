package dev.vigil.detection;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one peer for status output.
 *
 * @param sinceLastHeard on any link; empty if never heard
 */
public record PeerStatus(String name, PeerState state, long incarnation, Optional<Duration> sinceLastHeard,
                         List<LinkStatus> links) {

    /** @param sinceLastHeard on this link; empty if never heard on it */
    public record LinkStatus(int link, String linkName, LinkState state, Optional<Duration> sinceLastHeard) {}
}
