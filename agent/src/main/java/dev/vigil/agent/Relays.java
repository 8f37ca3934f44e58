package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.LinkConfig;
import dev.vigil.config.UdpMode;
import dev.vigil.detection.DetectorEvent;
import dev.vigil.detection.FailureDetector;
import dev.vigil.heartbeat.Extension;
import dev.vigil.heartbeat.ExtensionTypes;
import dev.vigil.heartbeat.Freshness;
import dev.vigil.heartbeat.HeartbeatPacket;
import dev.vigil.transport.Fanout;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A large cluster's gossip, as one node takes part in it: whom this node heard when (relayed on
 * each of its beats when beats go to a few peers each, {@link Fanout}), and what its peers' beats
 * say they heard, handed to the failure detector as second-hand evidence. In a small cluster, or
 * without a unicast UDP link, nothing is relayed and only what this node heard is kept.
 *
 * <p>Not thread-safe: the agent calls it under its own lock.
 */
final class Relays {
    private final String self;
    private final Freshness freshness;
    private final boolean gossip;

    Relays(ClusterConfig config, String self, int peers) {
        this.self = self;
        this.freshness = new Freshness(config.timing().deadtime());
        this.gossip = Fanout.gossips(peers, config.timing().deadtime()) && config.linksOf(self).stream()
                .anyMatch(l -> l instanceof LinkConfig.Udp u && u.mode() == UdpMode.UNICAST);
    }

    /** A beat from {@code packet}'s sender arrived: note it, and pass on to the detector what it relays. */
    void heard(HeartbeatPacket packet, int link, Instant now, FailureDetector detector, List<DetectorEvent> events) {
        freshness.heard(packet.sender(), now);
        for (var e : packet.extensions()) {
            if (e.type() != ExtensionTypes.FRESHNESS) continue;
            for (var r : Freshness.read(e, now)) {
                if (!r.peer().equals(self) && detector.onRelayed(r.peer(), link, r.heardAt(), now, events)) {
                    freshness.heard(r.peer(), r.heardAt());
                }
            }
        }
    }

    /** What this node's next beat relays, if this cluster gossips. */
    Optional<Extension> extension(Instant now) {
        return gossip ? Optional.of(freshness.extension(now)) : Optional.empty();
    }
}
