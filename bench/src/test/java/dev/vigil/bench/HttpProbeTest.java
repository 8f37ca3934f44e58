package dev.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The prober against a tiny loopback server whose answer the test switches. */
class HttpProbeTest {
    private ServerSocket server;
    private final AtomicReference<String> answer = new AtomicReference<>("");
    private Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (var s = server.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    var a = answer.get();
                    if (a.equals("hang")) {
                        Thread.sleep(300);
                        continue;
                    }
                    s.getOutputStream().write(a.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException | InterruptedException e) {
                    // closed
                }
            }
        }, "probe-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(2_000);
    }

    private HttpProbe.Options options(String... extra) {
        var args = new java.util.ArrayList<String>();
        args.add("http://127.0.0.1:" + server.getLocalPort() + "/");
        args.addAll(java.util.List.of(extra));
        return HttpProbe.parse(args.toArray(String[]::new));
    }

    @Test
    void aGoodAnswerNamesTheNode() {
        answer.set("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>node=ha2</p>\n");
        var r = HttpProbe.once(options("--timeout", "2s"), 42);
        assertThat(r).isEqualTo(ProbeRecord.ok(42, "ha2"));
    }

    @Test
    void notFoundOrNoNameOrSilenceFail() {
        answer.set("HTTP/1.1 404 Not Found\r\n\r\nnode=ha1");
        assertThat(HttpProbe.once(options("--timeout", "2s"), 1).detail()).isEqualTo("status HTTP/1.1 404 Not Found");
        answer.set("HTTP/1.1 200 OK\r\n\r\nhello");
        assertThat(HttpProbe.once(options("--timeout", "2s"), 1).detail()).isEqualTo("no node name in the answer");
        answer.set("hang");
        var slow = HttpProbe.once(options("--timeout", "100ms"), 1);
        assertThat(slow.ok()).isFalse();
        assertThat(slow.detail()).isEqualTo("timeout");
    }

    @Test
    void aClosedPortIsRefused() throws Exception {
        var o = options("--timeout", "1s");
        server.close();
        acceptor.join(2_000); // the listening socket is really closed once accept() has returned
        var r = HttpProbe.once(o, 1);
        assertThat(r.ok()).isFalse();
        assertThat(r.detail()).startsWith("refused");
    }

    @Test
    void probesRunOnTheGridForTheDuration() throws Exception {
        answer.set("HTTP/1.0 200 OK\r\n\r\nnode=ha1");
        var records = HttpProbe.probe(options("--interval", "20ms", "--timeout", "500ms", "--duration", "400ms"));
        assertThat(records).hasSize(20);
        assertThat(records).allMatch(ProbeRecord::ok);
        long span = records.get(19).epochMillis() - records.get(0).epochMillis();
        assertThat(Duration.ofMillis(span)).isBetween(Duration.ofMillis(330), Duration.ofMillis(600));
    }
}
