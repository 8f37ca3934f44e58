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

    // ---- unauthenticated clients cannot starve authenticated ones (issue 19, row 1)

    /** One attacker thread: connects without the key, sends nothing, reconnects as soon as it is closed. */
    private Thread silentReconnector(java.util.concurrent.atomic.AtomicBoolean stop,
                                     java.util.concurrent.atomic.AtomicLong connections) {
        var t = new Thread(() -> {
            while (!stop.get()) {
                try (var s = new Socket(address.getAddress(), address.getPort())) {
                    connections.incrementAndGet();
                    s.setSoTimeout(5000);
                    var in = s.getInputStream();
                    while (!stop.get() && in.read() >= 0) {
                        // read the hello and whatever refusal comes; never answer
                    }
                } catch (IOException e) {
                    // refused or reset: reconnect at once
                }
            }
        }, "silent-attacker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void sixteenSilentReconnectingClientsDoNotKeepAGenuineOneOut() throws Exception {
        assertThat(TcpControlServer.HANDSHAKE_TIMEOUT).as("the deadline must be well below the second asked for")
                .isLessThanOrEqualTo(Duration.ofMillis(500));
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var attempts = new java.util.concurrent.atomic.AtomicLong();
        var attackers = new java.util.ArrayList<Thread>();
        var dropLog = dev.vigil.testing.LogCapture.of("dev.vigil.drops");
        var serverLog = dev.vigil.testing.LogCapture.of(TcpControlServer.class);
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 16; i++) attackers.add(silentReconnector(stop, attempts));
            // Let every attacker hold a connection, and some reconnect after their deadline.
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 32);
            var client = ControlClient.tcp(address, KEY);
            for (int round = 0; round < 5; round++) {
                long t0 = System.nanoTime();
                assertThat(client.status().node()).isEqualTo("ha1");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(ms).as("a genuine status during the flood, round " + round).isLessThan(1000);
            }
        } finally {
            stop.set(true);
            for (var t : attackers) t.join(5000);
            dropLog.close();
            serverLog.close();
        }
        assertThat(spy.calls).containsOnly("status").hasSize(5);
        // The log grows by one line per refusal reason per interval (10 s here), not one per connection.
        long intervals = 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) / 10;
        long refused = drops.snapshot().values().stream().mapToLong(Long::longValue).sum();
        assertThat(refused).as("refusals counted").isGreaterThanOrEqualTo(16);
        assertThat(dropLog.lines().size() + serverLog.lines().size()).as("log lines for " + refused + " refusals")
                .isLessThanOrEqualTo((int) (drops.snapshot().size() * intervals));
        assertThat(drops.count(Refusal.TIMEOUT.dropKey())).as("silent connections ended by the deadline").isPositive();
        assertThat(drops.snapshot().keySet()).isSubsetOf(Refusal.TIMEOUT.dropKey(), Refusal.SOURCE_LIMIT.dropKey(),
                Refusal.HANDSHAKE_LIMIT.dropKey());
    }

    @Test
    void aSilentConnectionIsRefusedAtItsHandshakeDeadline() throws IOException {
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            var in = new BufferedInputStream(socket.getInputStream());
            ControlFrames.readHello(ControlFrames.read(in, 64));
            long t0 = System.nanoTime();
            assertThat(refusal(in)).isEqualTo("timed out");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                    .isLessThan(TcpControlServer.HANDSHAKE_TIMEOUT.toMillis() + 2000);
        }
        assertRefusedOnce(Refusal.TIMEOUT);
    }

    @Test
    void aClientTricklingItsAuthenticationIsCutOffAtTheDeadline() throws Exception {
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            var in = new BufferedInputStream(socket.getInputStream());
            ControlFrames.readHello(ControlFrames.read(in, 64));
            var out = socket.getOutputStream();
            long t0 = System.nanoTime();
            // A length of 49 (a whole AUTH frame), then one byte per 100 ms: no single read ever times out.
            out.write(ByteBuffer.allocate(5).putInt(49).put((byte) 'A').array());
            long deadline = TcpControlServer.HANDSHAKE_TIMEOUT.toMillis() * 2;
            try {
                for (int i = 0; i < 48; i++) {
                    Thread.sleep(100);
                    out.write(0);
                    out.flush();
                    if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) > deadline + 3000) break;
                }
            } catch (IOException closed) {
                // the agent closed it
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(deadline + 3000);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> drops.count(Refusal.TIMEOUT.dropKey()) == 1);
        assertThat(spy.calls).isEmpty();
    }

    @Test
    void oneSourceMayHoldOnlySoManyHandshakesAndHearsWhy() throws IOException {
        // A deadline long enough that the handshakes below are all still open when counted.
        server.close();
        server = new TcpControlServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY, spy, bus, drops,
                Duration.ofSeconds(60));
        server.start();
        address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.localPort());
        var held = new java.util.ArrayList<Socket>();
        try {
            for (int i = 0; i < TcpControlServer.MAX_HANDSHAKES_PER_SOURCE; i++) {
                var s = new Socket(address.getAddress(), address.getPort());
                s.setSoTimeout(5000);
                ControlFrames.readHello(ControlFrames.read(new BufferedInputStream(s.getInputStream()), 64));
                held.add(s);
            }
            try (var one = new Socket(address.getAddress(), address.getPort())) {
                one.setSoTimeout(5000);
                assertThat(refusal(new BufferedInputStream(one.getInputStream())))
                        .isEqualTo("too many unauthenticated connections from this address");
            }
            // The client says so rather than "Broken pipe" or a reset.
            assertThatThrownBy(() -> ControlClient.tcp(address, KEY).status()).isInstanceOf(IOException.class)
                    .hasMessageContaining("too many unauthenticated connections");
        } finally {
            for (var s : held) s.close();
        }
        assertThat(drops.count(Refusal.SOURCE_LIMIT.dropKey())).isEqualTo(2);
        assertThat(spy.calls).isEmpty();
    }

    @Test
    void onlyAuthenticatedClientsHoldTheLongLivedSlots() throws IOException {
        var clients = new java.util.ArrayList<RawClient>();
        try {
            for (int i = 0; i < TcpControlServer.MAX_CONNECTIONS; i++) {
                var c = RawClient.connect(address, KEY);
                assertThat(c.call(STATUS)).contains("\"ok\":true");
                clients.add(c);
            }
            try (var extra = RawClient.connect(address, KEY)) {
                assertThat(extra.refusal()).isEqualTo("too many connections");
            }
        } finally {
            for (var c : clients) c.close();
        }
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(Refusal.CONNECTION_LIMIT.dropKey(), 1L));
        // A slot freed is a slot for the next genuine client.
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(ControlClient.tcp(address, KEY).status().node()).isEqualTo("ha1"));
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
    void aRequestSentUnderAnotherFrameTypeIsRefused() throws IOException {
        // Frame-type confusion: a genuine request, sequence and tag intact, labelled as an answer.
        try (var raw = RawClient.connect(address, KEY)) {
            raw.sendRaw(ControlFrames.encode(Type.ANSWER, raw.session.seal(ADMIN)));
            assertThat(raw.refusal()).isEqualTo("malformed frame");
        }
        assertRefusedOnce(Refusal.MALFORMED);
    }

    @Test
    void anAuthenticationFrameSentAsARequestIsRefused() throws IOException {
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            var in = new BufferedInputStream(socket.getInputStream());
            byte[] serverNonce = ControlFrames.readHello(ControlFrames.read(in, 64));
            var session = ControlSession.client(ControlFrames.deriveKey(KEY), serverNonce, new byte[ControlFrames.NONCE_BYTES]);
            socket.getOutputStream().write(ControlFrames.encode(Type.REQUEST, session.authBody()));
            assertThat(refusal(in)).isEqualTo("malformed frame");
        }
        assertRefusedOnce(Refusal.MALFORMED);
    }

    @Test
    void aServerSealedAnswerReflectedAsARequestIsRefused() throws IOException {
        // The agent's own answer, byte for byte, sent back to it as a REQUEST on the same
        // connection: only the frame type inside the MAC tells the two directions apart.
        try (var raw = RawClient.connect(address, KEY)) {
            raw.send(STATUS);
            var answer = ControlFrames.read(raw.in, ControlFrames.MAX_ANSWER_FRAME);
            assertThat(answer.type()).isEqualTo(Type.ANSWER);
            raw.sendRaw(ControlFrames.encode(Type.REQUEST, answer.body()));
            // Refused by the tag, before the sequence is even looked at.
            assertThat(raw.refusal()).isEqualTo("authentication failed");
        }
        assertThat(spy.calls).containsExactly("status");
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(Refusal.AUTHENTICATION_FAILED.dropKey(), 1L));
    }

    @Test
    void aServerSealedAnswerIsNeverAcceptedAsARequestEvenWithTheRightSequence() throws Exception {
        // The same reflection where the sequence numbers line up (answer n offered while request
        // n is due), so that nothing but the frame type in the MAC can refuse it.
        byte[] controlKey = ControlFrames.deriveKey(KEY);
        byte[] serverNonce = new byte[ControlFrames.NONCE_BYTES];
        byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];
        serverNonce[0] = 1;
        clientNonce[0] = 2;
        var client = ControlSession.client(controlKey, serverNonce, clientNonce);
        var server = ControlSession.server(controlKey, serverNonce, new ControlFrames.Frame(Type.AUTH, client.authBody()));
        byte[] answer = server.seal(ADMIN);
        assertThatThrownBy(() -> server.open(new ControlFrames.Frame(Type.REQUEST, answer)))
                .isInstanceOf(FrameException.class)
                .satisfies(e -> assertThat(((FrameException) e).refusal()).isEqualTo(Refusal.AUTHENTICATION_FAILED));
        // And the other way round: the client does not take its own request for an answer.
        byte[] request = client.seal(STATUS);
        assertThatThrownBy(() -> client.open(new ControlFrames.Frame(Type.ANSWER, request)))
                .isInstanceOf(FrameException.class)
                .satisfies(e -> assertThat(((FrameException) e).refusal()).isEqualTo(Refusal.AUTHENTICATION_FAILED));
    }

    @Test
    void aWholeRecordedConversationReplayedOnANewConnectionIsRefused() throws IOException {
        // An eavesdropper without the key records every byte a genuine client sent, AUTH included,
        // and plays it back on a connection of its own: the new server nonce makes it worthless.
        byte[] recorded;
        try (var raw = RawClient.connect(address, KEY)) {
            raw.send(ADMIN);
            assertThat(raw.answer()).contains("standby done");
            recorded = raw.sent.toByteArray();
        }
        try (var socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(5000);
            var in = new BufferedInputStream(socket.getInputStream());
            ControlFrames.readHello(ControlFrames.read(in, 64));
            socket.getOutputStream().write(recorded);
            assertThat(refusal(in)).isEqualTo("authentication failed");
        }
        assertThat(spy.calls).containsExactly("admin standby [ha2]");
        assertThat(drops.snapshot()).containsExactly(java.util.Map.entry(Refusal.AUTHENTICATION_FAILED.dropKey(), 1L));
    }

    @Test
    void authenticationAndRequestsAreEachBoundToTheServerNonce() throws Exception {
        // Each layer on its own: a recorded AUTH does not authenticate under a new server nonce,
        // and a recorded request does not open in a session with a new server nonce even when the
        // client nonce is the same (a client that reuses its nonce).
        byte[] controlKey = ControlFrames.deriveKey(KEY);
        byte[] oldServerNonce = new byte[ControlFrames.NONCE_BYTES];
        byte[] newServerNonce = new byte[ControlFrames.NONCE_BYTES];
        newServerNonce[0] = 7;
        byte[] clientNonce = new byte[ControlFrames.NONCE_BYTES];
        var recordedClient = ControlSession.client(controlKey, oldServerNonce, clientNonce);
        var recordedAuth = new ControlFrames.Frame(Type.AUTH, recordedClient.authBody());
        byte[] recordedRequest = recordedClient.seal(ADMIN);
        assertThatThrownBy(() -> ControlSession.server(controlKey, newServerNonce, recordedAuth))
                .isInstanceOf(FrameException.class)
                .satisfies(e -> assertThat(((FrameException) e).refusal()).isEqualTo(Refusal.AUTHENTICATION_FAILED));
        var freshClient = ControlSession.client(controlKey, newServerNonce, clientNonce);
        var server = ControlSession.server(controlKey, newServerNonce, new ControlFrames.Frame(Type.AUTH, freshClient.authBody()));
        assertThatThrownBy(() -> server.open(new ControlFrames.Frame(Type.REQUEST, recordedRequest)))
                .isInstanceOf(FrameException.class)
                .satisfies(e -> assertThat(((FrameException) e).refusal()).isEqualTo(Refusal.AUTHENTICATION_FAILED));
    }

    @Test
    void aRecordedAnswerIsRefusedByAClientOnAnotherConnection() throws Exception {
        // A fake agent replays answers recorded from a genuine one: the client's own nonce in the
        // MAC tells the client they were not made for it.
        byte[] controlKey = ControlFrames.deriveKey(KEY);
        byte[] serverNonce = new byte[ControlFrames.NONCE_BYTES];
        byte[] firstNonce = new byte[ControlFrames.NONCE_BYTES];
        byte[] secondNonce = new byte[ControlFrames.NONCE_BYTES];
        firstNonce[0] = 1;
        secondNonce[0] = 2;
        var first = ControlSession.client(controlKey, serverNonce, firstNonce);
        var genuine = ControlSession.server(controlKey, serverNonce, new ControlFrames.Frame(Type.AUTH, first.authBody()));
        byte[] recordedAnswer = genuine.seal("{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        assertThat(first.open(new ControlFrames.Frame(Type.ANSWER, recordedAnswer.clone()))).isNotEmpty();
        var second = ControlSession.client(controlKey, serverNonce, secondNonce);
        assertThatThrownBy(() -> second.open(new ControlFrames.Frame(Type.ANSWER, recordedAnswer)))
                .isInstanceOf(FrameException.class)
                .satisfies(e -> assertThat(((FrameException) e).refusal()).isEqualTo(Refusal.AUTHENTICATION_FAILED));
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
        /** Every byte this client sent, as an eavesdropper would have recorded it. */
        final java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();

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
            sent.write(bytes);
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
