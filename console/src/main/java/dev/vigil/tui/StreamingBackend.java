package dev.vigil.tui;

import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlEvent;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ConsoleBackend} fed by the agents' own event stream ({@link ControlClient#subscribe}):
 * the agent pushes a status snapshot at most 50 ms after anything changed, and this hands it to
 * every session. One subscription serves all sessions, so twenty open consoles cost the agent one
 * stream; it is open only while some session is subscribed.
 *
 * <p>When the stream breaks (the agent died, stopped, or dropped us for falling behind) the reader
 * subscribes again at once, which with {@link ControlClient#anyOf} means the next agent; if none
 * answers it retries with a growing pause ({@link Backoff}). A new subscription starts with a
 * full status, so nothing missed in between stays missed.
 *
 * <p>{@link #status()} answers from the last snapshot while the stream is up and that snapshot
 * is younger than {@code fresh}; otherwise it asks an agent itself and hands the answer to every
 * session too. Sessions ask when they have seen nothing for a while, so on a quiet cluster the
 * link ages keep moving at the cost of one request per {@code fresh} for all sessions together.
 */
public final class StreamingBackend implements ConsoleBackend, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamingBackend.class);

    /** Where the reader is; {@link #state()} for tests and the log. */
    public enum State { IDLE, CONNECTING, STREAMING, WAITING, CLOSED }

    /** The pause before the n-th consecutive failed subscription: first, doubled each time, at most max. */
    public record Backoff(Duration first, Duration max) {
        public Backoff {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < first <= max, not " + first + ", " + max);
            }
        }

        public static Backoff defaults() {
            return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        }

        /** @param failures consecutive failures so far, at least 1 */
        public Duration after(int failures) {
            if (failures < 1) throw new IllegalArgumentException("failures must be at least 1");
            Duration d = first;
            for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(max) > 0 ? max : d;
        }
    }

    private final ControlClient agents;
    private final Backoff backoff;
    private final Duration fresh;
    private final Clock clock;

    private final List<Consumer<StatusReport>> subscribers = new CopyOnWriteArrayList<>();
    /** Guards everything below, and orders deliveries so no session sees an older status after a newer one. */
    private final Object lock = new Object();
    private final ReentrantLock asking = new ReentrantLock();
    private State state = State.IDLE;
    private Thread reader;
    private ControlClient.EventStream stream;
    private StatusReport last;
    private Instant lastAt = Instant.MIN;
    private IOException lastFailure;
    private Instant lastFailureAt = Instant.MIN;
    /** What the console follows, in words, for "trying …" (the addresses of --connect or the cluster file). */
    private final String described;
    /** Non-null while no stream is up: since when (the stream broke, or the first attempt failed). */
    private Instant lostAt;
    private String lostAgent;
    private String lostWhy;
    private int attempts;
    private String following;
    private Failover failover;

    public StreamingBackend(ControlClient agents) {
        this(agents, Backoff.defaults(), Duration.ofSeconds(1), Clock.systemUTC());
    }

    /** @param described the agents in words (e.g. "10.0.0.1:7000,10.0.0.2:7000"), shown while none answers */
    public StreamingBackend(ControlClient agents, String described) {
        this(agents, Backoff.defaults(), Duration.ofSeconds(1), Clock.systemUTC(), described);
    }

    public StreamingBackend(ControlClient agents, Backoff backoff, Duration fresh, Clock clock) {
        this(agents, backoff, fresh, clock, "the agent");
    }

    /**
     * @param agents  the agent(s) to subscribe to; {@link ControlClient#anyOf} for failover
     * @param fresh   how old the last snapshot may be for {@link #status()} to answer with it
     * @param clock   ages snapshots and failures (a hand-moved clock in tests)
     */
    public StreamingBackend(ControlClient agents, Backoff backoff, Duration fresh, Clock clock, String described) {
        this.described = Objects.requireNonNull(described);
        this.agents = Objects.requireNonNull(agents);
        this.backoff = Objects.requireNonNull(backoff);
        this.fresh = Objects.requireNonNull(fresh);
        this.clock = Objects.requireNonNull(clock);
    }

    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    @Override
    public dev.vigil.control.HistoryReport history() throws IOException {
        return agents.history();
    }

    @Override
    public StatusReport status() throws IOException {
        var known = cached();
        if (known != null) return known;
        // One request at a time for all sessions; those that waited take its answer.
        asking.lock();
        try {
            known = cached();
            if (known != null) return known;
            synchronized (lock) {
                if (lastFailure != null && age(lastFailureAt).compareTo(fresh) < 0) {
                    throw new IOException(lastFailure.getMessage(), lastFailure);
                }
            }
            StatusReport now;
            try {
                now = agents.status();
            } catch (IOException e) {
                synchronized (lock) {
                    lastFailure = e;
                    lastFailureAt = clock.instant();
                }
                throw e;
            }
            publish(now);
            return now;
        } finally {
            asking.unlock();
        }
    }

    private StatusReport cached() {
        synchronized (lock) {
            return last != null && state == State.STREAMING && age(lastAt).compareTo(fresh) < 0 ? last : null;
        }
    }

    private Duration age(Instant at) {
        return at.equals(Instant.MIN) ? Duration.ofDays(1) : Duration.between(at, clock.instant());
    }

    @Override
    public ControlProtocol.AdminOutcome admin(String verb, List<String> args) throws IOException {
        return agents.admin(verb, args);
    }

    @Override
    public AutoCloseable subscribe(Consumer<StatusReport> onStatus) {
        Objects.requireNonNull(onStatus);
        synchronized (lock) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("the console's backend is closed");
            }
            subscribers.add(onStatus);
            // Only a status from a stream that is up: a new login must never see a dead agent's last word as current.
            if (last != null && state == State.STREAMING) {
                deliver(onStatus, last);
            }
            if (reader == null) {
                reader = new Thread(this::read, "vigil-console-events");
                reader.setDaemon(true);
                state = State.CONNECTING;
                reader.start();
            }
        }
        return () -> unsubscribe(onStatus);
    }

    private void unsubscribe(Consumer<StatusReport> onStatus) {
        ControlClient.EventStream toClose = null;
        synchronized (lock) {
            subscribers.remove(onStatus);
            if (subscribers.isEmpty()) {
                toClose = stream;
                lock.notifyAll();
            }
        }
        closeQuietly(toClose);
    }

    /** The reader thread: subscribe, pass snapshots on, and subscribe again when the stream breaks. */
    private void read() {
        int failures = 0;
        while (true) {
            synchronized (lock) {
                if (state == State.CLOSED || subscribers.isEmpty()) {
                    if (state != State.CLOSED) state = State.IDLE;
                    reader = null;
                    last = null; // a later session must not be handed a status from before the gap
                    return;
                }
                state = State.CONNECTING;
            }
            ControlClient.EventStream s;
            try {
                s = agents.subscribe();
            } catch (IOException e) {
                failures++;
                synchronized (lock) {
                    if (lostAt == null) lostAt = clock.instant();
                    lostWhy = e.getMessage();
                    attempts = failures;
                }
                if (failures == 1) {
                    log.warn("console: no agent to follow: {}; retrying", e.getMessage());
                }
                pause(backoff.after(failures));
                continue;
            }
            synchronized (lock) {
                if (state == State.CLOSED || subscribers.isEmpty()) {
                    closeQuietly(s);
                    continue;
                }
                stream = s;
                state = State.STREAMING;
                if (lostAgent != null && !lostAgent.equals(s.agent())) {
                    failover = new Failover(lostAt, lostAgent, s.agent());
                }
                following = s.agent();
                lostAt = null;
                lostAgent = null;
                lostWhy = null;
                attempts = 0;
            }
            if (failures > 0) {
                log.info("console: following the agent at {} again", s.agent());
            }
            failures = 0;
            follow(s);
        }
    }

    private void follow(ControlClient.EventStream s) {
        try {
            while (true) {
                ControlEvent e = s.next();
                if (ControlEvent.Kind.STATUS.key().equals(e.kind()) && e.status() != null) {
                    publish(e.status());
                } else if (ControlEvent.Kind.OVERFLOW.key().equals(e.kind())) {
                    log.warn("console: fell behind the agent's events at {}; subscribing again", s.agent());
                    return;
                }
            }
        } catch (IOException e) {
            boolean wanted;
            synchronized (lock) {
                wanted = state != State.CLOSED && !subscribers.isEmpty();
                lostWhy = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            if (wanted) {
                log.warn("console: lost the event stream of the agent at {} ({}); trying the next", s.agent(),
                        e.getMessage());
            }
        } finally {
            closeQuietly(s);
            synchronized (lock) {
                stream = null;
                if (state == State.STREAMING) state = State.CONNECTING;
                // Marked at once, before any reconnect attempt: the sessions grey their screens now.
                lostAt = clock.instant();
                lostAgent = s.agent();
                if (lostWhy == null) lostWhy = "the event stream broke";
            }
        }
    }

    @Override
    public Optional<Outage> outage() {
        synchronized (lock) {
            if (state == State.STREAMING || state == State.IDLE || state == State.CLOSED || lostAt == null) {
                return Optional.empty();
            }
            String trying = "reconnecting to " + described + (attempts > 0 ? " (attempt " + (attempts + 1) + ")" : "");
            return Optional.of(new Outage(lostAt, last == null ? null : lastAt, lostAgent,
                    lostWhy == null ? "no answer" : lostWhy, trying));
        }
    }

    @Override
    public Optional<Failover> lastFailover() {
        synchronized (lock) {
            return Optional.ofNullable(failover);
        }
    }

    /** The agent whose stream the console follows now (HOST:PORT or the socket), null before the first. */
    public String following() {
        synchronized (lock) {
            return following;
        }
    }

    private void pause(Duration d) {
        synchronized (lock) {
            if (state == State.CLOSED || subscribers.isEmpty()) return;
            state = State.WAITING;
            long deadline = System.nanoTime() + d.toNanos();
            // Woken early by close() or the last session leaving; spurious wake-ups wait again.
            while (state == State.WAITING && !subscribers.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    state = State.CLOSED;
                    return;
                }
            }
        }
    }

    private void publish(StatusReport report) {
        synchronized (lock) {
            last = report;
            lastAt = clock.instant();
            lastFailure = null;
            for (var s : subscribers) {
                deliver(s, report);
            }
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

    private static void closeQuietly(ControlClient.EventStream s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException e) {
            log.debug("console: closing an event stream: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        ControlClient.EventStream toClose;
        Thread running;
        synchronized (lock) {
            state = State.CLOSED;
            toClose = stream;
            running = reader;
            lock.notifyAll();
        }
        closeQuietly(toClose);
        if (running != null) {
            try {
                running.join(Duration.ofSeconds(2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
