package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.ClusterKey;
import dev.vigil.control.ControlFrames.Type;
import dev.vigil.transport.Drops;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol 2 of the TCP control channel: nothing readable on the wire, no fall-back to the
 * plaintext protocol 1 either way, and the two keys of a rotation.
 */
class ControlConfidentialityTest {
    private static final ClusterKey KEY = new ClusterKey("the-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8));
    private static final ClusterKey NEXT = new ClusterKey("the-next-cluster-key-98765".getBytes(StandardCharsets.UTF_8));

    private final SpyHandler spy = new SpyHandler();
    private final Drops drops = new Drops(Clock.systemUTC(), Duration.ofSeconds(10));
    private final AtomicReference<List<ClusterKey>> keys = new AtomicReference<>(List.of(KEY));
    private EventBus bus;
    private TcpControlServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        bus = new EventBus(Clock.systemUTC(), () -> SpyHandler.report("ha1"), Duration.ofMillis(50), 16);
        server = new TcpControlServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), keys::get, spy, bus,
                drops);
        server.start();
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.localPort());
    }

    @AfterEach
    void stop() {
        server.close();
        bus.close();
    }

    @Test
    void noRequestOrAnswerIsReadableOnTheWire() throws Exception {
        try (var tap = new Tap(address)) {
            var client = ControlClient.tcp(tap.address(), KEY);
            var outcome = client.admin("move", List.of("webserver-zeta", "node-omega"));
            var status = client.status();
            // Control: the words were there, in both directions, before and after the wire.
            assertThat(spy.calls).contains("admin move [webserver-zeta, node-omega]");
            assertThat(outcome.message()).contains("move done");
            assertThat(status.node()).isEqualTo("ha1");
            String wire = tap.recorded();
            assertThat(wire.length()).as("the tap saw the conversation").isGreaterThan(200);
            for (String word : List.of("webserver-zeta", "node-omega", "move", "status", "\"op\"", "\"ok\"", "ha1")) {
                assertThat(wire).as("`%s` on the wire", word).doesNotContain(word);
            }
        }
    }

    @Test
    void aPlaintextProtocolOneClientIsRefusedWithWhatToDo() throws IOException {
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            var in = new BufferedInputStream(socket.getInputStream());
            ControlFrames.readHello(ControlFrames.read(in, 64));
            // What a protocol-1 client sends: its nonce and tag, no version byte.
            socket.getOutputStream().write(ControlFrames.encode(Type.AUTH, new byte[ControlSession.PLAINTEXT_AUTH_BYTES]));
            var frame = ControlFrames.read(in, 1024);
            assertThat(frame.type()).isEqualTo(Type.REFUSED);
            assertThat(ControlFrames.refusalText(frame)).contains("control protocol 2").contains("upgrade vigil");
        }
        assertThat(spy.calls).isEmpty();
        assertThat(drops.snapshot()).containsEntry(Refusal.PLAINTEXT_CLIENT.dropKey(), 1L);
    }

    @Test
    void theClientNeverFallsBackToAPlaintextAgent() throws Exception {
        try (var fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var agent = new Thread(() -> {
                try (var s = fake.accept()) {
                    byte[] hello = ByteBuffer.allocate(1 + ControlFrames.NONCE_BYTES).put((byte) 1).array();
                    ControlFrames.write(s.getOutputStream(), Type.HELLO, hello);
                    s.setSoTimeout(5000);
                    s.getInputStream().read();
                } catch (IOException e) {
                    // the client hung up, as it should
                }
            });
            agent.start();
            var where = new InetSocketAddress(InetAddress.getLoopbackAddress(), fake.getLocalPort());
            assertThatThrownBy(() -> ControlClient.tcp(where, KEY).status())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("control protocol 1, which sends everything in clear")
                    .hasMessageContaining("Upgrade that agent");
            agent.join(10_000);
        }
    }

    @Test
    void duringARotationBothKeysOpenAndAfterwardsOnlyTheNewOne() throws IOException {
        keys.set(List.of(NEXT, KEY));
        assertThat(ControlClient.tcp(address, KEY).status().node()).isEqualTo("ha1");
        assertThat(ControlClient.tcp(address, NEXT).status().node()).isEqualTo("ha1");
        keys.set(List.of(NEXT));
        assertThatThrownBy(() -> ControlClient.tcp(address, KEY).status())
                .isInstanceOf(IOException.class).hasMessageContaining("authentication failed");
        assertThat(ControlClient.tcp(address, NEXT).status().node()).isEqualTo("ha1");
    }

    /** A TCP relay between a client and the server that records every byte either way, as an eavesdropper would. */
    private static final class Tap implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        private final Thread acceptor;

        Tap(InetSocketAddress target) throws IOException {
            acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        var client = listener.accept();
                        var upstream = new Socket(target.getAddress(), target.getPort());
                        pump(client.getInputStream(), upstream.getOutputStream(), upstream);
                        pump(upstream.getInputStream(), client.getOutputStream(), client);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "tap");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        }

        private void pump(InputStream in, OutputStream out, Socket closeAtEnd) {
            var t = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (closeAtEnd) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        synchronized (seen) {
                            seen.write(buf, 0, n);
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // one side hung up
                }
            }, "tap-pump");
            t.setDaemon(true);
            t.start();
        }

        String recorded() {
            synchronized (seen) {
                return seen.toString(StandardCharsets.ISO_8859_1);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
