package dev.vigil.drill.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP probe against a loopback server written here, which counts connections and answers
 * each request with what the test says (Content-Length or chunked bodies, {@code Connection:
 * close}, a close without a word, no answer at all).
 */
class HttpGetTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final String PAGE = "HTTP/1.1 200 OK\r\nContent-Length: 21\r\n\r\n<html>node=ha7</html>";
    private Server server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
    }

    @Test
    void answersReuseTheirConnectionAndAFreshOneIsOpenedAtLeastEveryRefreshPeriod() throws Exception {
        server = new Server(n -> PAGE);
        var get = new HttpGet(server.uri(), true);
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) assertThat(get.attempt(TIMEOUT)).isEqualTo("200 node=ha7");
        long elapsed = System.nanoTime() - start;
        assertThat(server.connections.get()).as("connections for 20 GETs in %d ms", elapsed / 1_000_000)
                .isBetween(1, (int) (elapsed / HttpGet.REFRESH.toNanos()) + 1);
        assertThat(server.requests).allMatch(r -> !r.toLowerCase().contains("connection: close"));
        int before = server.connections.get();
        Thread.sleep(HttpGet.REFRESH.toMillis() + 20);
        get.attempt(TIMEOUT);
        assertThat(server.connections.get()).as("a connection older than the refresh period is not used").isEqualTo(before + 1);
        get.close();
    }

    @Test
    void withoutReuseEachGetHasItsOwnConnection() throws Exception {
        server = new Server(n -> PAGE);
        var get = new HttpGet(server.uri(), false);
        for (int i = 0; i < 5; i++) get.attempt(TIMEOUT);
        assertThat(server.connections.get()).isEqualTo(5);
        assertThat(server.requests).allMatch(r -> r.startsWith("GET / HTTP/1.1\r\n") && r.contains("Connection: close\r\n"));
    }

    @Test
    void aChunkedPageIsReadWholeAndTheNodeHeaderWins() throws Exception {
        server = new Server(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Vigil-Node: ha2\r\n\r\n"
                + "6\r\n<html>\r\n" + "f\r\nnode=ha9</html>\r\n" + "0\r\nX-Trailer: x\r\n\r\n");
        var get = new HttpGet(server.uri(), true);
        assertThat(get.attempt(TIMEOUT)).isEqualTo("200 node=ha2");
        assertThat(get.attempt(TIMEOUT)).isEqualTo("200 node=ha2");
        assertThat(server.connections.get()).as("the chunked answer was read to its end, the connection reused").isEqualTo(1);
    }

    @Test
    void aConnectionTheServerClosesIsNotReusedAndOneItClosedSilentlyIsRetriedFreshAtOnce() throws Exception {
        server = new Server(n -> n % 2 == 0 ? PAGE.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n") : PAGE + Server.CLOSE);
        var get = new HttpGet(server.uri(), true);
        for (int i = 0; i < 6; i++) assertThat(get.attempt(TIMEOUT)).isEqualTo("200 node=ha7");
        // Every other attempt found its reused connection closed and was answered on a fresh one.
        assertThat(server.connections.get()).isEqualTo(6);
        assertThat(server.requests).hasSize(6);
    }

    @Test
    void anErrorStatusIsAFailureAndAnAnswerThatNeverComesTimesOutAndTheConnectionIsDropped() throws Exception {
        server = new Server(n -> switch (n) {
            case 0 -> "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
            case 1 -> Server.HANG;
            default -> "HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: /x\r\n\r\n";
        });
        var get = new HttpGet(server.uri(), true);
        assertThatThrownBy(() -> get.attempt(TIMEOUT)).hasMessage("HTTP 503");
        long start = System.nanoTime();
        assertThatThrownBy(() -> get.attempt(Duration.ofMillis(200))).hasMessageContaining("timed out");
        assertThat(System.nanoTime() - start).as("waited its timeout").isGreaterThanOrEqualTo(Duration.ofMillis(190).toNanos());
        assertThat(get.attempt(TIMEOUT)).isEqualTo("302");
        assertThat(server.connections.get()).as("the 503's connection carried the hung request; after the timeout, a new one").isEqualTo(2);
    }

    @Test
    void notHttpIsAFailureSayingWhatCame() throws Exception {
        server = new Server(n -> "SSH-2.0-OpenSSH_9.2\r\n\r\n");
        assertThatThrownBy(() -> new HttpGet(server.uri(), true).attempt(TIMEOUT)).hasMessage("not an HTTP answer: SSH-2.0-OpenSSH_9.2");
    }

    /** One thread per connection; answer n (over all connections) is {@code answers.apply(n)}. */
    private static final class Server implements AutoCloseable {
        /** Appended to an answer: close the connection after it, saying nothing. */
        static final String CLOSE = "<close>";
        /** As an answer: never answer. */
        static final String HANG = "<hang>";
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger answered = new AtomicInteger();
        private final IntFunction<String> answers;
        private final List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());

        Server(IntFunction<String> answers) throws IOException {
            this.answers = answers;
            this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            var t = new Thread(this::accept, "http-get-test-server");
            t.setDaemon(true);
            t.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }

        private void accept() {
            try {
                while (true) {
                    var s = socket.accept();
                    connections.incrementAndGet();
                    open.add(s);
                    var t = new Thread(() -> serve(s), "http-get-test-conn");
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(Socket s) {
            try (s) {
                var in = s.getInputStream();
                var request = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    request.append((char) b);
                    if (request.length() < 4 || !request.substring(request.length() - 4).equals("\r\n\r\n")) continue;
                    requests.add(request.toString());
                    request.setLength(0);
                    String answer = answers.apply(answered.getAndIncrement());
                    if (answer.equals(HANG)) continue;
                    boolean close = answer.endsWith(CLOSE);
                    s.getOutputStream().write(answer.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    if (close || answer.contains("Connection: close")) return;
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (open) {
                for (var s : open) s.close();
            }
        }
    }
}
