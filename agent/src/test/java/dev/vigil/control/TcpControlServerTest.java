package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.ClusterKey;
import dev.vigil.control.ControlFrames.Type;
import dev.vigil.transport.Drops;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP control server and client in one JVM, over real loopback sockets: what a genuine
 * client gets, and that every kind of bad frame is refused, counted and executes nothing.
 */
class TcpControlServerTest {
    private static final ClusterKey KEY = new ClusterKey("the-cluster-key-0123456789".getBytes(StandardCharsets.UTF_8));
    private static final ClusterKey WRONG = new ClusterKey("another-cluster-key-012345".getBytes(StandardCharsets.UTF_8));
    private static final byte[] STATUS = "{\"op\":\"status\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ADMIN = "{\"op\":\"admin\",\"verb\":\"standby\",\"args\":[\"ha2\"]}".getBytes(StandardCharsets.UTF_8);

    private final SpyHandler spy = new SpyHandler();
    private final Drops drops = new Drops(Clock.systemUTC(), Duration.ofSeconds(10));
    private EventBus bus;
    private TcpControlServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        bus = new EventBus(Clock.systemUTC(), () -> SpyHandler.report("ha1"), Duration.ofMillis(50), 16);
        server = new TcpControlServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY, spy, bus, drops);
        server.start();
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.localPort());
    }

    @AfterEach
    void stop() {
        server.close();
        bus.close();
    }

    // ---- genuine clients

    @Test
    void statusAndAdminOverTcp() throws IOException {
        var client = ControlClient.tcp(address, KEY);
        assertThat(client.status().node()).isEqualTo("ha1");
        var outcome = client.admin("standby", List.of("ha2"));
        assertThat(outcome).isEqualTo(new ControlProtocol.AdminOutcome(true, "standby done"));
        assertThat(spy.calls).containsExactly("status", "admin standby [ha2]");
        assertThat(drops.snapshot()).isEmpty();
    }

    @Test
    void severalRequestsOnOneConnectionAdvanceTheSequence() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            assertThat(raw.call(STATUS)).contains("\"ok\":true");
            assertThat(raw.call(STATUS)).contains("\"ok\":true");
            assertThat(raw.call("{\"op\":\"nope\"}".getBytes(StandardCharsets.UTF_8))).contains("unknown op 'nope'");
        }
        assertThat(spy.calls).containsExactly("status", "status");
    }

    @Test
    void eventsArePushedPromptlyAfterAChange() throws Exception {
        var client = ControlClient.tcp(address, KEY);
        var received = new ArrayBlockingQueue<ControlEvent>(64);
        try (var stream = client.subscribe()) {
            var first = stream.next();
            assertThat(first.kind()).isEqualTo("status");
            assertThat(first.status().node()).isEqualTo("ha1");
            var reader = new Thread(() -> {
                try {
                    while (true) received.add(stream.next());
                } catch (IOException e) {
                    // stream closed by the test
                }
            });
            reader.setDaemon(true);
            reader.start();
            // Wait until the first snapshot's rate-limit window has passed, so the bound below is the steady state.
            Thread.sleep(60);
            long t0 = System.nanoTime();
            bus.publish(ControlEvent.Kind.MEMBERSHIP, "ha2", "node ha2 is dead; view 4 = [ha1]");
            var event = received.poll(2, TimeUnit.SECONDS);
            long pushedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(event).isNotNull();
            assertThat(event.kind()).isEqualTo("membership");
            assertThat(event.node()).isEqualTo("ha2");
            assertThat(pushedMs).as("event pushed within").isLessThan(250);
            var snapshot = received.poll(2, TimeUnit.SECONDS);
            assertThat(snapshot).isNotNull();
            assertThat(snapshot.kind()).isEqualTo("status");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("status snapshot within").isLessThan(250);
            assertThat(snapshot.seq()).isGreaterThan(event.seq());
        }
        // The server notices a gone subscriber when it next writes to it (an event, or the 10 s keepalive).
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
            bus.publish(ControlEvent.Kind.RESOURCE, "ha1", "www started on ha1");
            return bus.subscriberCount() == 0;
        });
    }

    @Test
    void theClientRejectsAnAgentWithAnotherKey() {
        assertThatThrownBy(() -> ControlClient.tcp(address, WRONG).status())
                .isInstanceOf(IOException.class).hasMessageContaining("refused: authentication failed");
        assertThat(spy.calls).isEmpty();
    }

    // ---- refusals: each answered with a reason, counted, and nothing executed

    @Test
    void wrongKeyIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, WRONG)) {
            raw.send(STATUS);
            assertThat(raw.refusal()).isEqualTo("authentication failed");
        }
        assertRefusedOnce(Refusal.AUTHENTICATION_FAILED);
    }

    @Test
    void aFlippedBitIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            byte[] body = raw.session.seal(ADMIN);
            body[ControlFrames.SEQ_BYTES + 10] ^= 0x04; // inside the JSON: still valid-looking, not authentic
            raw.sendRaw(ControlFrames.encode(Type.REQUEST, body));
            assertThat(raw.refusal()).isEqualTo("authentication failed");
        }
        assertRefusedOnce(Refusal.AUTHENTICATION_FAILED);
    }

    @Test
    void aReplayOnTheSameConnectionIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            byte[] frame = ControlFrames.encode(Type.REQUEST, raw.session.seal(ADMIN));
            raw.sendRaw(frame);
            assertThat(raw.answer()).contains("standby done");
            raw.sendRaw(frame);
            assertThat(raw.refusal()).isEqualTo("replayed or out-of-order request");
        }
        assertThat(spy.calls).containsExactly("admin standby [ha2]");
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(Refusal.REPLAYED.dropKey(), 1L));
    }

    @Test
    void aFrameCapturedOnOneConnectionIsRefusedOnAnother() throws IOException {
        byte[] captured;
        try (var raw = RawClient.connect(address, KEY)) {
            captured = ControlFrames.encode(Type.REQUEST, raw.session.seal(ADMIN));
            raw.sendRaw(captured);
            assertThat(raw.answer()).contains("standby done");
        }
        // The attacker replays the whole recorded conversation; only the server nonce differs.
        try (var replay = RawClient.connect(address, KEY)) {
            replay.sendRaw(captured);
            assertThat(replay.refusal()).isEqualTo("authentication failed");
        }
        assertThat(spy.calls).containsExactly("admin standby [ha2]");
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(Refusal.AUTHENTICATION_FAILED.dropKey(), 1L));
    }

    @Test
    void anOutOfOrderSequenceIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            raw.session.seal(STATUS); // sequence 1 is never sent
            raw.send(ADMIN); // sequence 2
            assertThat(raw.refusal()).isEqualTo("replayed or out-of-order request");
        }
        assertRefusedOnce(Refusal.REPLAYED);
    }

    @Test
    void anAuthenticationFrameMadeWithAnotherKeyIsRefusedBeforeAnyRequest() throws IOException {
        try (var raw = RawClient.connect(address, WRONG)) {
            assertThat(raw.refusal()).isEqualTo("authentication failed");
        }
        assertRefusedOnce(Refusal.AUTHENTICATION_FAILED);
    }

    @Test
    void garbageInsteadOfAFrameIsRefused() throws IOException {
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
            var in = new BufferedInputStream(socket.getInputStream());
            ControlFrames.readHello(ControlFrames.read(in, 64));
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(refusal(in)).isEqualTo("frame too large"); // "GET " read as a length
        }
        assertRefusedOnce(Refusal.OVERSIZED);
    }

    @Test
    void anUnknownFrameTypeIsMalformed() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            raw.sendRaw(ControlFrames.encode(Type.REQUEST, raw.session.seal(STATUS)).clone());
            raw.answer();
            byte[] frame = ControlFrames.encode(Type.REQUEST, raw.session.seal(STATUS));
            frame[4] = 'Z';
            raw.sendRaw(frame);
            assertThat(raw.refusal()).isEqualTo("malformed frame");
        }
        assertThat(spy.calls).containsExactly("status");
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(Refusal.MALFORMED.dropKey(), 1L));
    }

    @Test
    void anOversizedRequestIsRefusedWithoutReadingIt() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            raw.sendRaw(ByteBuffer.allocate(5).putInt(ControlFrames.MAX_REQUEST_FRAME + 1).put((byte) 'C').array());
            assertThat(raw.refusal()).isEqualTo("frame too large");
        }
        assertRefusedOnce(Refusal.OVERSIZED);
    }

    @Test
    void aTruncatedFrameIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            byte[] frame = ControlFrames.encode(Type.REQUEST, raw.session.seal(STATUS));
            raw.sendRaw(java.util.Arrays.copyOf(frame, frame.length - 5));
            raw.socket.shutdownOutput();
            assertThat(raw.refusal()).isEqualTo("truncated frame");
        }
        assertRefusedOnce(Refusal.TRUNCATED);
    }

    @Test
    void aSealedFrameTooShortForItsTagIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            raw.sendRaw(ControlFrames.encode(Type.REQUEST, new byte[ControlFrames.SEQ_BYTES + 3]));
            assertThat(raw.refusal()).isEqualTo("truncated frame");
        }
        assertRefusedOnce(Refusal.TRUNCATED);
    }

    @Test
    void anAnswerFrameSentBackAsARequestIsRefused() throws IOException {
        try (var raw = RawClient.connect(address, KEY)) {
            // A frame sealed for the other direction: reflecting the agent's own answers gets nowhere.
            var reflected = ControlSession.client(ControlFrames.deriveKey(KEY), raw.serverNonce, raw.clientNonce);
            byte[] body = raw.session.seal(STATUS);
            raw.sendRaw(ControlFrames.encode(Type.ANSWER, body));
            assertThat(raw.refusal()).isEqualTo("malformed frame");
            assertThat(reflected).isNotNull();
        }
        assertRefusedOnce(Refusal.MALFORMED);
    }

    private void assertRefusedOnce(Refusal refusal) {
        assertThat(spy.calls).as("nothing executed").isEmpty();
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(refusal.dropKey(), 1L));
    }

    private static String refusal(InputStream in) throws IOException {
        var frame = ControlFrames.read(in, 1024);
        assertThat(frame.type()).isEqualTo(Type.REFUSED);
        assertThat(in.read()).as("connection closed after the refusal").isEqualTo(-1);
        return ControlFrames.refusalText(frame);
    }

    /** A client that follows the protocol only as far as a test wants it to. */
    private static final class RawClient implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final ControlSession session;
        final byte[] serverNonce;
        final byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];

        private RawClient(Socket socket, ClusterKey key) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(5000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            serverNonce = ControlFrames.readHello(ControlFrames.read(in, 64));
            new java.security.SecureRandom().nextBytes(clientNonce);
            session = ControlSession.client(ControlFrames.deriveKey(key), serverNonce, clientNonce);
            sendRaw(ControlFrames.encode(Type.AUTH, session.authBody()));
        }

        static RawClient connect(InetSocketAddress address, ClusterKey key) throws IOException {
            return new RawClient(new Socket(address.getAddress(), address.getPort()), key);
        }

        void send(byte[] json) throws IOException {
            sendRaw(ControlFrames.encode(Type.REQUEST, session.seal(json)));
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        String call(byte[] json) throws IOException {
            send(json);
            return answer();
        }

        String answer() throws IOException {
            var frame = ControlFrames.read(in, ControlFrames.MAX_ANSWER_FRAME);
            assertThat(frame.type()).isEqualTo(Type.ANSWER);
            return new String(session.open(frame), StandardCharsets.UTF_8);
        }

        String refusal() throws IOException {
            return TcpControlServerTest.refusal(in);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
