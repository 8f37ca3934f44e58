package dev.vigil.transport.udp;

import dev.vigil.config.LinkConfig;
import dev.vigil.transport.Drops;
import dev.vigil.transport.Fanout;
import dev.vigil.transport.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * heartbeat's ucast, mcast and bcast media over UDP.
 *
 * <ul>
 *   <li>unicast: bound to this node's address, sends one datagram to each peer's address;
 *   <li>multicast: bound to the group (so it only hears that group), joined on the interface,
 *       sends one datagram to the group;
 *   <li>broadcast: bound to the interface's broadcast address (so it only hears broadcasts),
 *       sends one datagram to it.
 * </ul>
 * Binding to the specific address lets several agents share one machine (tests, the demo) and
 * lets one node run several UDP links on the same port.
 */
public final class UdpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    private static final int RECEIVE_BUFFER = 2048;

    private final LinkConfig.Udp link;
    private final InetAddress selfAddress;
    private final List<InetAddress> peerAddresses;
    private final Drops drops;
    private DatagramChannel channel;
    private InetSocketAddress bound;
    private List<InetSocketAddress> destinations;
    /** Which destinations a regular beat goes to: unicast in a large cluster only; else all of them. */
    private Fanout fanout;
    private final boolean gossip;
    private Thread receiver;
    private volatile boolean closed;

    /**
     * @param selfAddress   this node's address from the cluster file
     * @param peerAddresses the other nodes' addresses (used by unicast only)
     */
    public UdpTransport(LinkConfig.Udp link, InetAddress selfAddress, List<InetAddress> peerAddresses, Drops drops) {
        this(link, selfAddress, peerAddresses, drops, false);
    }

    /** @param gossip whether regular beats on a unicast link go to a few peers each ({@link Fanout#gossips(int, Duration)}) */
    public UdpTransport(LinkConfig.Udp link, InetAddress selfAddress, List<InetAddress> peerAddresses, Drops drops,
                        boolean gossip) {
        this.gossip = gossip;
        this.link = link;
        this.selfAddress = selfAddress;
        this.peerAddresses = List.copyOf(peerAddresses);
        this.drops = drops;
    }

    @Override
    public int linkIndex() {
        return link.index();
    }

    @Override
    public String linkName() {
        return link.name();
    }

    @Override
    public void start(InboundHandler handler) throws IOException {
        var family = selfAddress instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        channel = DatagramChannel.open(family);
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        try {
            switch (link.mode()) {
                case UNICAST -> {
                    bound = new InetSocketAddress(selfAddress, link.port());
                    channel.bind(bound);
                    destinations = peerAddresses.stream().map(a -> new InetSocketAddress(a, link.port())).toList();
                    if (gossip) fanout = new Fanout(destinations.size(), new java.util.Random());
                }
                case MULTICAST -> {
                    var group = link.group().orElseThrow();
                    var iface = interfaceFor();
                    bound = new InetSocketAddress(group, link.port());
                    channel.bind(bound);
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, iface);
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, link.ttl());
                    // Loop stays on so agents sharing a machine hear each other; our own packets
                    // come back and are recognised by sender and incarnation, then ignored.
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                    channel.join(group, iface);
                    destinations = List.of(bound);
                }
                case BROADCAST -> {
                    var broadcast = broadcastAddress(interfaceFor());
                    bound = new InetSocketAddress(broadcast, link.port());
                    channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
                    channel.bind(bound);
                    destinations = List.of(bound);
                }
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("link " + link.name() + ": cannot open " + link.mode().configName()
                    + " socket on port " + link.port() + ": " + e.getMessage(), e);
        }
        receiver = new Thread(() -> receiveLoop(handler), "vigil-udp-" + link.index());
        receiver.setDaemon(true);
        receiver.start();
        LOG.info("link {}: {} on {}, sending to {}", link.name(), link.mode().configName(), bound, destinations);
    }

    private NetworkInterface interfaceFor() throws SocketException {
        if (link.iface().isPresent()) {
            var named = NetworkInterface.getByName(link.iface().get());
            if (named == null) {
                throw new SocketException("no network interface named " + link.iface().get());
            }
            return named;
        }
        var owning = NetworkInterface.getByInetAddress(selfAddress);
        if (owning == null) {
            throw new SocketException("this node's address " + selfAddress.getHostAddress()
                    + " is on no local interface; name one with interface:");
        }
        return owning;
    }

    private InetAddress broadcastAddress(NetworkInterface iface) throws SocketException {
        // Prefer the subnet this node's address is on; an interface may carry several.
        InterfaceAddress chosen = null;
        for (var a : iface.getInterfaceAddresses()) {
            if (a.getAddress() instanceof Inet4Address && (chosen == null || a.getAddress().equals(selfAddress))) {
                chosen = a;
            }
        }
        var broadcast = chosen == null ? null : broadcastOf(chosen.getAddress(), chosen.getNetworkPrefixLength(), chosen.getBroadcast());
        if (broadcast == null) {
            throw new SocketException("interface " + iface.getName() + " has no IPv4 broadcast address");
        }
        return broadcast;
    }

    /**
     * The directed broadcast address of {@code address/prefixLength}. An address added without
     * {@code brd} (plain {@code ip addr add 10.0.0.1/24 dev eth0}) reports 0.0.0.0 as its
     * broadcast, yet the kernel still routes the subnet's all-ones address as broadcast: binding
     * 0.0.0.0 instead would send every heartbeat to ourselves and hear unicast besides.
     *
     * @return null if the subnet has no broadcast address (/31, /32)
     */
    static InetAddress broadcastOf(InetAddress address, int prefixLength, InetAddress configured) {
        if (configured != null && !configured.isAnyLocalAddress()) {
            return configured;
        }
        if (!(address instanceof Inet4Address) || prefixLength < 0 || prefixLength > 30) {
            return null;
        }
        byte[] b = address.getAddress();
        int host = prefixLength == 0 ? -1 : (1 << (32 - prefixLength)) - 1;
        int bits = ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) | host;
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    private void receiveLoop(InboundHandler handler) {
        var buf = ByteBuffer.allocate(RECEIVE_BUFFER);
        while (!closed) {
            try {
                buf.clear();
                var from = channel.receive(buf);
                buf.flip();
                byte[] packet = new byte[buf.remaining()];
                buf.get(packet);
                handler.onPacket(link.index(), packet, String.valueOf(from));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                drops.drop("udp-receive-error", link.name() + ": " + e.getMessage());
                pause(Duration.ofMillis(10));
            } catch (RuntimeException e) {
                // A bug above us must not silence the link for good.
                LOG.error("link {}: packet handler failed", link.name(), e);
            }
        }
    }

    @Override
    public void send(byte[] packet) {
        var buf = ByteBuffer.wrap(packet);
        for (var to : destinations) {
            sendTo(buf, to);
        }
    }

    @Override
    public void sendBeat(byte[] packet) {
        if (fanout == null) {
            send(packet);
            return;
        }
        var buf = ByteBuffer.wrap(packet);
        for (int i : fanout.nextBeat()) {
            sendTo(buf, destinations.get(i));
        }
    }

    private void sendTo(ByteBuffer buf, InetSocketAddress to) {
        try {
            buf.rewind();
            channel.send(buf, to);
        } catch (IOException e) {
            // Unreachable networks and down interfaces are what links exist for: count, go on.
            drops.drop("udp-send-failed", link.name() + " to " + to + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.debug("closing link {}", link.name(), e);
        }
        if (receiver != null) {
            try {
                receiver.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
