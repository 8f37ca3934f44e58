package dev.vigil.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.LinkConfig;
import dev.vigil.config.UdpMode;
import dev.vigil.transport.Drops;
import dev.vigil.transport.Fanout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A large cluster's unicast link over real loopback sockets: regular beats go to {@link Fanout#PER_BEAT}
 * peers each, news to all of them. The 24 peers are plain sockets on 127.0.79.2 and up, on one
 * ephemeral port.
 */
class UdpFanoutTest {
    private static final int PEERS = 3 * Fanout.PER_BEAT;
    private final List<DatagramChannel> peers = new ArrayList<>();
    private UdpTransport transport;

    @AfterEach
    void close() throws Exception {
        if (transport != null) transport.close();
        for (var p : peers) p.close();
    }

    private int openPeers() throws Exception {
        int port = 0;
        for (int i = 0; i < PEERS; i++) {
            var ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress(InetAddress.getByName("127.0.79." + (i + 2)), port));
            port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            ch.configureBlocking(false);
            peers.add(ch);
        }
        return port;
    }

    private UdpTransport transport(int port, boolean gossip) throws Exception {
        var link = new LinkConfig.Udp(0, "ucast:" + port, UdpMode.UNICAST, port, Optional.empty(), Optional.empty(), 1);
        var addresses = new ArrayList<InetAddress>();
        for (int i = 0; i < PEERS; i++) addresses.add(InetAddress.getByName("127.0.79." + (i + 2)));
        var t = new UdpTransport(link, InetAddress.getByName("127.0.79.1"), addresses,
                new Drops(Clock.systemUTC(), Duration.ofSeconds(10)), gossip);
        t.start((l, p, o) -> { });
        return t;
    }

    /** Datagrams each peer has received, waiting (bounded) until {@code total} have arrived. */
    private int[] received(int total) throws Exception {
        int[] counts = new int[PEERS];
        var buf = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int sum = 0;
        while (sum < total && System.nanoTime() < deadline) {
            for (int i = 0; i < PEERS; i++) {
                buf.clear();
                while (peers.get(i).receive(buf) != null) {
                    counts[i]++;
                    sum++;
                    buf.clear();
                }
            }
            Thread.sleep(5);
        }
        return counts;
    }

    @Test
    void regularBeatsGoToAFewPeersEachAndNewsToAll() throws Exception {
        transport = transport(openPeers(), true);
        for (int beat = 0; beat < 3; beat++) transport.sendBeat(new byte[] {(byte) beat});
        int[] counts = received(3 * Fanout.PER_BEAT);
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(3 * Fanout.PER_BEAT);
        // 3 beats = one cycle over the peers: each exactly once.
        assertThat(counts).containsOnly(1);
        transport.send(new byte[] {9});
        assertThat(received(PEERS)).containsOnly(1);
    }

    @Test
    void withoutGossipEveryBeatGoesToEveryPeerAsBefore() throws Exception {
        transport = transport(openPeers(), false);
        transport.sendBeat(new byte[] {1});
        transport.sendBeat(new byte[] {2});
        assertThat(received(2 * PEERS)).containsOnly(2);
    }
}
