package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook against a real HTTP server on loopback: the documented JSON, retries, giving up. */
class WebhookSenderTest {
    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();
    private volatile int failStatus = 503;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            int status = failFirst.getAndDecrement() > 0 ? failStatus : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private static WebhookSender sender() {
        return new WebhookSender(HttpClient.newHttpClient(), System::nanoTime, Duration.ofMillis(50));
    }

    @Test
    void postsTheDocumentedJson() throws Exception {
        sender().send(AlertFixtures.webhook("hook", url(), Duration.ofSeconds(10)),
                AlertFixtures.delivery(AlertFixtures.moved("www", "ha1", "ha2"), 12, null));
        assertThat(bodies).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(bodies.get(0));
        assertThat(json.get("version").asInt()).isEqualTo(1);
        assertThat(json.get("cluster").asText()).isEqualTo("web");
        assertThat(json.get("sender").asText()).isEqualTo("ha2");
        assertThat(json.get("sequence").asLong()).isEqualTo(12);
        assertThat(json.get("event").asText()).isEqualTo("resource-moved");
        assertThat(json.get("kind").asText()).isEqualTo("resource");
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-12-06T03:20:01.123456789Z");
        assertThat(json.get("epoch_ms").asLong()).isEqualTo(AlertFixtures.AT.toEpochMilli());
        assertThat(json.get("node").asText()).isEqualTo("ha2");
        assertThat(json.get("resource").asText()).isEqualTo("www");
        assertThat(json.get("task").asText()).isEqualTo("move");
        assertThat(json.get("rc").asInt()).isZero();
        assertThat(json.get("message").asText()).isEqualTo("www moved from ha1 to ha2");
        assertThat(json.get("details").get("from").asText()).isEqualTo("ha1");
        assertThat(json.get("details").get("to").asText()).isEqualTo("ha2");
    }

    @Test
    void retriesAFailingServerUntilItAnswers() throws Exception {
        failFirst.set(2);
        sender().send(AlertFixtures.webhook("hook", url(), Duration.ofSeconds(10)),
                AlertFixtures.delivery(AlertFixtures.nodeDead("ha1"), 1, null));
        assertThat(bodies).hasSize(3).allSatisfy(b -> assertThat(b).isEqualTo(bodies.get(0)));
    }

    @Test
    void givesUpAtTheTimeout() {
        failFirst.set(Integer.MAX_VALUE);
        Duration timeout = Duration.ofMillis(500);
        long start = System.nanoTime();
        assertThatThrownBy(() -> sender().send(AlertFixtures.webhook("hook", url(), timeout),
                AlertFixtures.delivery(AlertFixtures.nodeDead("ha1"), 1, null)))
                .isInstanceOfSatisfying(AlertSender.AlertFailure.class, f -> {
                    assertThat(f.timedOut()).isTrue();
                    assertThat(f.getMessage()).contains("last: HTTP 503");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
        // Attempts at 0, 50, 150 and 350 ms at most (backoff 50, 100, 200, 400 ms): not a busy loop.
        assertThat(bodies.size()).isBetween(1, 4);
    }

    @Test
    void aRefusalIsNotRetried() {
        failFirst.set(Integer.MAX_VALUE);
        failStatus = 400;
        assertThatThrownBy(() -> sender().send(AlertFixtures.webhook("hook", url(), Duration.ofSeconds(10)),
                AlertFixtures.delivery(AlertFixtures.nodeDead("ha1"), 1, null)))
                .isInstanceOfSatisfying(AlertSender.AlertFailure.class, f -> assertThat(f.timedOut()).isFalse())
                .hasMessageContaining("refused the alert: HTTP 400");
        assertThat(bodies).hasSize(1);
    }
}
