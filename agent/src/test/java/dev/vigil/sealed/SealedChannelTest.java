package dev.vigil.sealed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SealedChannelTest {
    private static final byte[] KEY = "a shared key of at least 16 bytes".getBytes(StandardCharsets.US_ASCII);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final SealedCounters serverCounters = new SealedCounters();
    private final SealedCounters clientCounters = new SealedCounters();

    /** Runs the server's handshake on one accepted connection, answering what it reads with "echo ". */
    private CompletableFuture<String> serve(ServerSocket ss, byte[] serverKey) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = ss.accept();
                 var ch = SealedChannel.server(s, hello -> new String(hello, StandardCharsets.UTF_8).equals("web")
                         ? Optional.of(serverKey) : Optional.empty(), TIMEOUT, 1024, serverCounters)) {
                var got = ch.read().orElseThrow();
                ch.write(("echo " + new String(got, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                return new String(ch.hello(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "refused: " + e.getMessage();
            }
        });
    }

    @Test
    void bothSidesWithTheKeyTalk() throws Exception {
        try (var ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var server = serve(ss, KEY);
            try (var ch = SealedChannel.client(new Socket(ss.getInetAddress(), ss.getLocalPort()),
                    "web".getBytes(StandardCharsets.UTF_8), KEY, TIMEOUT, 1024, clientCounters)) {
                ch.write("hi".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(ch.read().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("echo hi");
            }
            assertThat(server.get(10, TimeUnit.SECONDS)).isEqualTo("web");
        }
    }

    @Test
    void aWrongKeyIsRefusedByTheServerBeforeAnyPayload() throws Exception {
        byte[] wrong = KEY.clone();
        wrong[0] ^= 1;
        assertHandshakeRefused("web", wrong, SealedCounters.Reason.FORGED);
    }

    @Test
    void anUnknownHelloIsRefused() throws Exception {
        assertHandshakeRefused("other", KEY, SealedCounters.Reason.HANDSHAKE);
    }

    private void assertHandshakeRefused(String hello, byte[] clientKey, SealedCounters.Reason reason) throws Exception {
        try (var ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var server = serve(ss, KEY);
            assertThatThrownBy(() -> SealedChannel.client(new Socket(ss.getInetAddress(), ss.getLocalPort()),
                    hello.getBytes(StandardCharsets.UTF_8), clientKey, TIMEOUT, 1024, clientCounters))
                    .isInstanceOf(IOException.class);
            assertThat(server.get(10, TimeUnit.SECONDS)).startsWith("refused: " + reason.word());
            assertThat(serverCounters.get(reason)).isEqualTo(1);
        }
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        try (var ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             var silent = new Socket(ss.getInetAddress(), ss.getLocalPort());
             var accepted = ss.accept()) {
            assertThatThrownBy(() -> SealedChannel.server(accepted, h -> Optional.of(KEY), Duration.ofMillis(200),
                    1024, serverCounters)).isInstanceOfSatisfying(SealedRefusal.class,
                    e -> assertThat(e.reason()).isEqualTo(SealedCounters.Reason.TIMEOUT));
            assertThat(silent.isConnected()).isTrue();
        }
    }
}
