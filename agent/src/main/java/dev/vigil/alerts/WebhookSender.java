package dev.vigil.alerts;

import dev.vigil.config.AlertSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@code kind: webhook}: POSTs {@link WebhookBody} and retries what failed (no connection, a 5xx,
 * a 429) with exponential backoff (0.5 s, 1 s, 2 s, ... at most 8 s) until the alert's timeout is
 * used up. A 4xx other than 408 and 429 is the receiver refusing this body: retrying cannot help.
 */
final class WebhookSender implements AlertSender {
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

    private final HttpClient client;
    private final LongSupplier nanoTime;
    private final Duration firstBackoff;

    WebhookSender() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build(), System::nanoTime, FIRST_BACKOFF);
    }

    WebhookSender(HttpClient client, LongSupplier nanoTime, Duration firstBackoff) {
        this.client = client;
        this.nanoTime = nanoTime;
        this.firstBackoff = firstBackoff;
    }

    @Override
    public void send(AlertSpec spec, Delivery d) throws AlertFailure, InterruptedException {
        byte[] body = WebhookBody.of(d);
        long deadline = nanoTime.getAsLong() + spec.timeout().toNanos();
        Duration backoff = firstBackoff;
        String last = "not tried";
        for (int attempt = 1; ; attempt++) {
            long left = deadline - nanoTime.getAsLong();
            if (left <= 0) {
                throw new AlertFailure("timed out after " + dev.vigil.config.Durations.format(spec.timeout())
                        + " and " + (attempt - 1) + " attempts; last: " + last, true);
            }
            var request = HttpRequest.newBuilder(spec.url().orElseThrow())
                    .timeout(Duration.ofNanos(left))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "vigil-alerts")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return;
                }
                last = "HTTP " + status;
                if (status / 100 == 4 && status != 408 && status != 429) {
                    throw new AlertFailure(spec.url().get() + " refused the alert: " + last, false);
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            long sleep = Math.min(backoff.toNanos(), deadline - nanoTime.getAsLong());
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }
}
