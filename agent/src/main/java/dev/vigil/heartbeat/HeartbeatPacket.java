package dev.vigil.heartbeat;

import java.util.List;

/**
 * One decoded, authenticated packet.
 *
 * @param type          what it says
 * @param cluster       the sender's cluster name; packets of other clusters are dropped
 * @param sender        the sender's node name
 * @param incarnation   changes (increases) every time the sender's agent starts; a higher value
 *                      from a known node means it restarted, a lower one is a replay of an old life
 * @param sequence      increases by one per beat within an incarnation; the replay window keys on it
 * @param linkIndex     the link the sender sent it on; a packet that arrives on another link was
 *                      re-routed or replayed across media and is dropped
 * @param configVersion the version of the sender's cluster file
 * @param viewNumber    the sender's membership view number
 * @param view          the sender's view: the names of the nodes it considers members
 * @param extensions    payloads of later protocol features, skipped when unknown
 */
public record HeartbeatPacket(
        MessageType type,
        String cluster,
        String sender,
        long incarnation,
        long sequence,
        int linkIndex,
        long configVersion,
        long viewNumber,
        List<String> view,
        List<Extension> extensions) {

    public HeartbeatPacket {
        view = List.copyOf(view);
        extensions = List.copyOf(extensions);
    }
}
