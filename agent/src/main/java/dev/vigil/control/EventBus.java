package dev.vigil.control;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the agent's events out to subscribers of the control API (the console, {@code vigil}).
 *
 * <p>Publishing never blocks and never fails: each subscriber has a bounded queue, and one that
 * lets it fill up is dropped (its stream ends with an {@code overflow} event) rather than slowing
 * down the membership or coordination thread that published. Besides the events themselves the
 * bus pushes a fresh status snapshot after anything changed: at once if none went out in the last
 * {@code statusInterval}, else when that interval is up, so a dashboard is never more than one
 * interval behind and a burst of changes costs at most one snapshot per interval. Snapshots are
 * taken on the bus's own thread, which exists only while someone is subscribed.
 */
public final class EventBus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofMillis(50);

    private final Clock wallClock;
    private final Supplier<StatusReport> snapshot;
    private final Duration statusInterval;
    private final int queueCapacity;
    private final AtomicLong seq = new AtomicLong();
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dirtyOrClosed = lock.newCondition();
    private boolean dirty;
    private boolean closed;
    private Thread pump;

    /** Where every published event is also kept (the agent's persisted event log); must not block. */
    public interface Journal {
        void append(HistoryReport.EventRecord event);
    }

    private volatile Journal journal = e -> { };

    /** Every event published from now on also goes to {@code journal}. */
    public void journal(Journal journal) {
        this.journal = journal;
    }

    public EventBus(Clock wallClock, Supplier<StatusReport> snapshot, Duration statusInterval, int queueCapacity) {
        this.wallClock = wallClock;
        this.snapshot = snapshot;
        this.statusInterval = statusInterval;
        this.queueCapacity = queueCapacity;
    }

    /** An event; also schedules a status snapshot, since whatever it reports changed the status. */
    public void publish(ControlEvent.Kind kind, String node, String message) {
        // The journal first, subscribers or not: the event log outlives every console session.
        journal.append(new HistoryReport.EventRecord(wallClock.millis(), kind.key(), node, message));
        if (subscribers.isEmpty()) return;
        deliver(new ControlEvent(seq.incrementAndGet(), kind.key(), wallClock.millis(), node, message, null));
        changed();
    }

    /** Something in the status changed that deserves no event of its own: subscribers get a snapshot. */
    public void changed() {
        if (subscribers.isEmpty()) return;
        lock.lock();
        try {
            dirty = true;
            dirtyOrClosed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A new subscriber; its first event is the current status. */
    public Subscription subscribe() {
        var s = new Subscription(new ArrayBlockingQueue<>(queueCapacity));
        lock.lock();
        try {
            if (closed) {
                s.end(Ended.CLOSED);
                return s;
            }
            subscribers.add(s);
            if (pump == null) {
                pump = new Thread(this::pumpLoop, "vigil-events");
                pump.setDaemon(true);
                pump.start();
            }
            dirty = true;
            dirtyOrClosed.signal();
        } finally {
            lock.unlock();
        }
        return s;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    private void deliver(ControlEvent event) {
        for (var s : subscribers) {
            if (!s.queue.offer(event)) {
                subscribers.remove(s);
                s.end(Ended.OVERFLOW);
                LOG.warn("an event subscriber fell {} events behind; dropped it", queueCapacity);
            }
        }
    }

    private void pumpLoop() {
        long lastSent = System.nanoTime() - statusInterval.toNanos();
        while (true) {
            lock.lock();
            try {
                while (!dirty && !closed) {
                    if (subscribers.isEmpty()) {
                        // Nobody listens: the thread goes away and the next subscriber starts a new one.
                        pump = null;
                        return;
                    }
                    dirtyOrClosed.await(1, TimeUnit.SECONDS);
                }
                if (closed) return;
                long due = lastSent + statusInterval.toNanos();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    // Changes arriving meanwhile ride on this same snapshot.
                    dirtyOrClosed.awaitNanos(wait);
                    continue;
                }
                dirty = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            lastSent = System.nanoTime();
            try {
                var report = snapshot.get();
                deliver(new ControlEvent(seq.incrementAndGet(), ControlEvent.Kind.STATUS.key(), wallClock.millis(),
                        null, "status", report));
            } catch (RuntimeException e) {
                LOG.error("cannot take a status snapshot for event subscribers", e);
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            dirtyOrClosed.signalAll();
        } finally {
            lock.unlock();
        }
        for (var s : subscribers) {
            s.end(Ended.CLOSED);
        }
        subscribers.clear();
    }

    private enum Ended { NO, OVERFLOW, CLOSED, CANCELLED }

    /** One subscriber's stream. {@link #next} is meant for one consuming thread. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<ControlEvent> queue;
        private volatile Ended ended = Ended.NO;
        private boolean overflowReported;

        private Subscription(BlockingQueue<ControlEvent> queue) {
            this.queue = queue;
        }

        private void end(Ended why) {
            if (ended == Ended.NO) ended = why;
        }

        /**
         * The next event, waiting at most {@code timeout}: null when none came in time. After an
         * overflow, an {@code overflow} event; after the end of the stream, {@link StreamEnded}.
         */
        public ControlEvent next(Duration timeout) throws InterruptedException, StreamEnded {
            if (ended == Ended.OVERFLOW) {
                if (overflowReported) throw new StreamEnded("fell behind");
                overflowReported = true;
                return new ControlEvent(seq.incrementAndGet(), ControlEvent.Kind.OVERFLOW.key(), wallClock.millis(), null,
                        "this subscriber fell more than " + queueCapacity + " events behind and was dropped", null);
            }
            if (ended != Ended.NO) {
                throw new StreamEnded(ended == Ended.CLOSED ? "agent stopping" : "cancelled");
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            // Short polls, so an overflow or close is noticed without a wake-up call.
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                var e = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (e != null) return e;
                if (ended != Ended.NO) return next(Duration.ZERO);
            }
        }

        @Override
        public void close() {
            subscribers.remove(this);
            end(Ended.CANCELLED);
        }
    }

    /** The stream is over: the agent stops, or the subscriber fell behind or cancelled. */
    public static final class StreamEnded extends Exception {
        StreamEnded(String why) {
            super(why);
        }
    }
}
