package dev.vigil.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One heartbeat medium. Every node sends each heartbeat on every link it is part of; a peer is
 * alive while any link carries its heartbeats.
 *
 * <p>{@link #index()} is the link's position in the cluster file. It travels in each packet, so
 * every node must have the same list of links (as heartbeat required identical ha.cf files).
 */
public sealed interface LinkConfig {
    int index();

    /** Shown in status and logs ("link ha2 mcast:239.0.0.94 dead"). */
    String name();

    /** Whether this link connects the two nodes at all (a serial cable joins only two). */
    boolean connects(String nodeA, String nodeB);

    /**
     * @param group     multicast group, or empty for unicast and broadcast
     * @param iface     network interface for multicast and broadcast; empty: the system's choice
     *                  (multicast) or every interface's broadcast address that matches a node
     * @param ttl       multicast TTL (1 keeps heartbeats on the local segment)
     */
    record Udp(int index, String name, UdpMode mode, int port, Optional<InetAddress> group,
               Optional<String> iface, int ttl) implements LinkConfig {
        @Override
        public boolean connects(String nodeA, String nodeB) {
            return true;
        }
    }

    /**
     * A null-modem cable between exactly two nodes.
     *
     * @param between      the two nodes at the ends of the cable
     * @param deviceByNode the device path on each of the two nodes
     */
    record Serial(int index, String name, List<String> between, Map<String, String> deviceByNode, int baud)
            implements LinkConfig {
        public Serial {
            between = List.copyOf(between);
            deviceByNode = Map.copyOf(deviceByNode);
        }

        @Override
        public boolean connects(String nodeA, String nodeB) {
            return between.contains(nodeA) && between.contains(nodeB) && !nodeA.equals(nodeB);
        }

        public String peerOf(String node) {
            return between.get(0).equals(node) ? between.get(1) : between.get(0);
        }
    }
}
