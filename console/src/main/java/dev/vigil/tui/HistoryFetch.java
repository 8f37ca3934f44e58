package dev.vigil.tui;

import dev.vigil.control.HistoryReport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's kept history for one console session (the event list's start, the history screen,
 * the gap an outage left): fetched on the session's worker thread, never on the UI thread, at
 * login, after an outage and at most every {@link #REFRESH} while statuses keep changing. Each
 * request is numbered, so the session can tell whether an answer came after a given request.
 */
final class HistoryFetch {
    private static final Logger log = LoggerFactory.getLogger(HistoryFetch.class);
    /** How often the history is fetched again while statuses keep changing. */
    static final Duration REFRESH = Duration.ofSeconds(5);

    /** A history and the number of the request that brought it. */
    record Answer(long request, HistoryReport report) {}

    private final ConsoleBackend backend;
    private final Executor worker;
    private final Clock clock;
    private final Runnable wake;
    private final AtomicLong requests = new AtomicLong();
    private volatile Answer latest;
    private volatile Instant askedAt = Instant.MIN;

    /** @param wake called (from the worker) when an answer arrived, so the UI loop paints it */
    HistoryFetch(ConsoleBackend backend, Executor worker, Clock clock, Runnable wake) {
        this.backend = Objects.requireNonNull(backend);
        this.worker = Objects.requireNonNull(worker);
        this.clock = Objects.requireNonNull(clock);
        this.wake = Objects.requireNonNull(wake);
    }

    /** Asks now; returns the request's number. */
    long ask() {
        askedAt = clock.instant();
        long request = requests.incrementAndGet();
        worker.execute(() -> {
            try {
                var h = backend.history();
                if (h != null) {
                    latest = new Answer(request, h);
                    wake.run();
                }
            } catch (IOException | RuntimeException e) {
                // an older agent without history, or none reachable: the session works without it
                log.debug("console: no history from the agent: {}", e.toString());
            }
        });
        return request;
    }

    /** Asks again if the last request is older than {@link #REFRESH}. */
    void refreshIfDue() {
        if (Duration.between(askedAt, clock.instant()).compareTo(REFRESH) >= 0) {
            ask();
        }
    }

    /** The newest answer, or null before the first. */
    Answer latest() {
        return latest;
    }
}
