package dev.vigil.tui;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConsoleBackend} over the local agent's Unix control socket, which has no event stream:
 * it asks for the status every {@code interval} and pushes it only when it differs from the last
 * one. One poller serves every subscribed session, so twenty open consoles cost the agent five
 * status requests a second, not a hundred; it runs only while someone is subscribed.
 * Stands in until the agents' TCP channel pushes events itself.
 */
public final class PollingBackend implements ConsoleBackend, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PollingBackend.class);

    /** The two requests this backend makes; {@link ControlClient} in production. */
    public interface Requests {
        StatusReport status() throws IOException;

        ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException;
    }

    private final Requests requests;
    private final Duration interval;
    private final List<Consumer<StatusReport>> subscribers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;
    private volatile StatusReport last;
    private volatile String problem;

    public PollingBackend(ControlClient client) {
        this(new Requests() {
            @Override
            public StatusReport status() throws IOException {
                return client.status();
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException {
                return client.admin(verb, args);
            }
        }, Duration.ofMillis(200));
    }

    public PollingBackend(Requests requests, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, not " + interval);
        }
        this.requests = Objects.requireNonNull(requests);
        this.interval = interval;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "vigil-console-poll");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public StatusReport status() throws IOException {
        return requests.status();
    }

    @Override
    public ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException {
        return requests.admin(verb, args);
    }

    @Override
    public synchronized AutoCloseable subscribe(Consumer<StatusReport> onStatus) {
        Objects.requireNonNull(onStatus);
        subscribers.add(onStatus);
        var known = last;
        if (known != null) {
            poller.execute(() -> deliver(onStatus, known));
        }
        if (polling == null) {
            polling = poller.scheduleWithFixedDelay(this::poll, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        }
        return () -> unsubscribe(onStatus);
    }

    /** Why the last poll failed, or null when it succeeded. */
    public String problem() {
        return problem;
    }

    private synchronized void unsubscribe(Consumer<StatusReport> onStatus) {
        subscribers.remove(onStatus);
        if (subscribers.isEmpty() && polling != null) {
            polling.cancel(false);
            polling = null;
            last = null; // a later subscriber must not be handed a status from before the gap
        }
    }

    private void poll() {
        StatusReport now;
        try {
            now = requests.status();
            problem = null;
        } catch (IOException | RuntimeException e) {
            if (!Objects.equals(problem, e.getMessage())) {
                log.warn("console: status request failed: {}", e.getMessage());
            }
            problem = String.valueOf(e.getMessage());
            return;
        }
        if (now.equals(last)) {
            return;
        }
        last = now;
        for (var s : subscribers) {
            deliver(s, now);
        }
    }

    private static void deliver(Consumer<StatusReport> s, StatusReport r) {
        try {
            s.accept(r);
        } catch (RuntimeException e) {
            // one broken session must not stop the pushes to the others
            log.warn("console: a status subscriber failed", e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
