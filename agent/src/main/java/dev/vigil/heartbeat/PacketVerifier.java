package dev.vigil.heartbeat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The checks that need memory of earlier packets: is the sender one of ours, did it arrive on
 * the link it was sent on, is its incarnation current, and has this sequence number been seen.
 * Keeps one {@link ReplayWindow} per sender per link for the sender's newest incarnation.
 *
 * <p>Thread-safe: receive threads of all links share one verifier.
 */
public final class PacketVerifier {
    private final String self;
    private final Set<String> peers;
    private final Map<String, SenderState> senders = new HashMap<>();

    /**
     * @param self  this node's name: packets claiming to be from it are refused
     * @param peers names of the other nodes in the cluster file
     */
    public PacketVerifier(String self, Set<String> peers) {
        this.self = self;
        this.peers = Set.copyOf(peers);
    }

    /**
     * @param receivedOnLink the index of the link it physically arrived on
     * @return null when the packet is fresh and from a peer, else why it is refused
     */
    public synchronized DecodeResult.Dropped verify(HeartbeatPacket p, int receivedOnLink) {
        if (p.sender().equals(self)) {
            return new DecodeResult.Dropped(DropReason.SELF, "packet claims to be from this node");
        }
        if (!peers.contains(p.sender())) {
            return new DecodeResult.Dropped(DropReason.UNKNOWN_SENDER,
                    "'" + p.sender() + "' is not a node of this cluster (cluster files differ?)");
        }
        if (p.linkIndex() != receivedOnLink) {
            return new DecodeResult.Dropped(DropReason.WRONG_LINK, "from " + p.sender() + ": sent on link "
                    + p.linkIndex() + ", received on link " + receivedOnLink + " (link lists differ between nodes?)");
        }
        var state = senders.get(p.sender());
        if (state == null || p.incarnation() > state.incarnation) {
            state = new SenderState(p.incarnation());
            senders.put(p.sender(), state);
        } else if (p.incarnation() < state.incarnation) {
            return new DecodeResult.Dropped(DropReason.STALE_INCARNATION, "from " + p.sender() + ": incarnation "
                    + p.incarnation() + ", current is " + state.incarnation);
        }
        var window = state.windows.computeIfAbsent(receivedOnLink, l -> new ReplayWindow());
        if (!window.accept(p.sequence())) {
            return new DecodeResult.Dropped(DropReason.REPLAYED, "from " + p.sender() + ": sequence "
                    + p.sequence() + " on link " + receivedOnLink + ", newest seen " + window.highest());
        }
        return null;
    }

    private static final class SenderState {
        final long incarnation;
        final Map<Integer, ReplayWindow> windows = new HashMap<>();

        SenderState(long incarnation) {
            this.incarnation = incarnation;
        }
    }
}
