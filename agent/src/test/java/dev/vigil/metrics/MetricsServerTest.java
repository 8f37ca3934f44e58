package dev.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The endpoint's HTTP/1.1 responder: what it answers, and that no client holds it up for longer than its timeout. */
class MetricsServerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** Far above TIMEOUT: a bound on a slow machine, not a measurement. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static MetricsServer server() throws IOException {
        return new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), r -> switch (r.path()) {
            case "/broken" -> throw new IllegalStateException("a collector's bug");
            case "/metrics" -> new MetricsServer.Response(TextFormat.wantsOpenMetrics(r.accept()) ? TextFormat.OPENMETRICS : TextFormat.TEXT,
                    "body\n".getBytes(StandardCharsets.UTF_8));
            default -> null;
        }, TIMEOUT);
    }

    private static HttpResponse<String> get(int port, String path, String accept, String method) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(PATIENCE)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) b.header("Accept", accept);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersMetricsInTheFormatAskedForAndNothingElse() throws Exception {
        try (var s = server()) {
            var text = get(s.port(), "/metrics?name[]=x", "text/plain", "GET");
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("Content-Type")).hasValue(TextFormat.TEXT);
            assertThat(text.body()).isEqualTo("body\n");
            // What Prometheus 2.x sends.
            var om = get(s.port(), "/metrics", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "GET");
            assertThat(om.headers().firstValue("Content-Type")).hasValue(TextFormat.OPENMETRICS);
            var head = get(s.port(), "/metrics", null, "HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).hasValue("5");
            assertThat(get(s.port(), "/other", null, "GET").statusCode()).isEqualTo(404);
            assertThat(get(s.port(), "/metrics", null, "POST").statusCode()).isEqualTo(405);
            assertThat(get(s.port(), "/broken", null, "GET").statusCode()).as("a failing scrape is an error, not a hang").isEqualTo(500);
            assertThat(get(s.port(), "/metrics", null, "GET").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSilentClientIsDroppedAtTheTimeoutAndTheNextScrapeIsAnswered() throws Exception {
        try (var s = server(); var silent = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
            silent.setSoTimeout((int) PATIENCE.toMillis());
            long start = System.nanoTime();
            String answer = new String(silent.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer).startsWith("HTTP/1.1 400 ");
            assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50)).isLessThan(PATIENCE);
            assertThat(get(s.port(), "/metrics", null, "GET").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anOversizedOrGarbledRequestIsRefused() throws Exception {
        try (var s = server()) {
            // Exactly MAX_HEAD bytes and no end of the head: all read, none left to reset the connection.
            String start = "GET /metrics HTTP/1.1\r\nX: ";
            assertThat(raw(s.port(), start + "a".repeat(MetricsServer.MAX_HEAD - start.length()))).startsWith("HTTP/1.1 400 ");
            assertThat(raw(s.port(), "hello\r\n\r\n")).startsWith("HTTP/1.1 400 ");
            assertThat(raw(s.port(), "GET /metrics HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200 ");
        }
    }

    @Test
    void closingStopsServing() throws Exception {
        var s = server();
        int port = s.port();
        s.close();
        // Binding the same port again succeeds only when nothing listens on it any more. (Not a
        // connect: a connect to a free port in the ephemeral range can connect to itself, when the
        // kernel happens to pick that very port as its source — TCP's simultaneous open.) Awaited,
        // not asserted at once: a process another test forks in that instant holds a copy of the
        // listening descriptor until it has closed its inherited ones, which keeps the port bound.
        org.awaitility.Awaitility.await("port " + port + " free again").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
                    try (var again = new java.net.ServerSocket()) {
                        again.setReuseAddress(true);
                        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                        return again.getLocalPort() == port;
                    }
                });
    }

    private static String raw(int port, String request) throws IOException {
        try (var c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = c.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // the server may answer and close before reading it all
            }
            InputStream in = c.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
