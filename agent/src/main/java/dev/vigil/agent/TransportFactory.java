package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.LinkConfig;
import dev.vigil.config.NodeConfig;
import dev.vigil.transport.Drops;
import dev.vigil.transport.Transport;
import dev.vigil.transport.serial.SerialTransport;
import dev.vigil.transport.udp.UdpTransport;

/** Makes the transport for one link; tests substitute an in-memory network. */
@FunctionalInterface
public interface TransportFactory {

    Transport create(ClusterConfig config, String self, LinkConfig link, Drops drops);

    /** Real sockets and serial ports. */
    static TransportFactory system() {
        return (config, self, link, drops) -> {
            var me = config.node(self).orElseThrow();
            if (link instanceof LinkConfig.Udp udp) {
                var peers = config.peersOf(self).stream().map(NodeConfig::address).toList();
                return new UdpTransport(udp, me.address(), peers, drops,
                        dev.vigil.transport.Fanout.gossips(peers.size(), config.timing().deadtime()));
            }
            if (link instanceof LinkConfig.Serial serial) {
                return new SerialTransport(serial.index(), serial.name(), serial.deviceByNode().get(self), serial.baud(), drops,
                        SerialTransport.WhenAbsent.RETRY);
            }
            throw new IllegalArgumentException("unsupported link type: " + link);
        };
    }
}
