package dev.vigil.coordination;

import dev.vigil.config.AtomicFile;
import dev.vigil.control.HistoryJson;
import dev.vigil.control.HistoryReport;
import dev.vigil.control.HistoryReport.EventRecord;
import dev.vigil.control.HistoryReport.FenceRecord;
import dev.vigil.control.HistoryReport.OperationRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's history as this agent keeps it (issue 18, item 6): the latest operations per
 * resource, the fences, and the event log. Kept by the agent, not by whoever looks, so a console
 * that reconnects and an agent that restarts see what happened before; persisted in
 * {@value #FILE} in the state directory with {@link AtomicFile}.
 *
 * <p>Every list is bounded, oldest dropped first: a flapping resource or a chatty cluster cannot
 * fill the disk or the control answer. Writes are coalesced on a thread of their own, at most one
 * per {@link #WRITE_DELAY}: the callers include the real-time coordination thread, which must
 * never wait for an fsync. A crash loses at most that last second.
 */
public final class ClusterHistory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHistory.class);

    public static final String FILE = "history.json";
    /** Operations kept per resource (all nodes together), like Pacemaker's per-resource op history. */
    public static final int OPERATIONS_PER_RESOURCE = 20;
    /** Resources whose operations are kept: ids removed from the cluster file age out. */
    static final int RESOURCES = 256;
    public static final int FENCES = 50;
    public static final int EVENTS = 500;
    /** Far above what the bounds above can fill (about 1.5 MB at most). */
    static final int FILE_LIMIT = 4 * 1024 * 1024;
    static final Duration WRITE_DELAY = Duration.ofSeconds(1);

    private final String self;
    private final Path file;
    private final Map<String, Deque<OperationRecord>> operations = new LinkedHashMap<>();
    private final Deque<FenceRecord> fencing = new ArrayDeque<>();
    private final Deque<EventRecord> events = new ArrayDeque<>();
    private final ScheduledExecutorService writer;
    private boolean writeScheduled;

    private ClusterHistory(String self, Path file) {
        this.self = self;
        this.file = file;
        if (file == null) {
            writer = null;
        } else {
            // Started here, on the thread that builds the agent, never from the real-time
            // coordination thread: a thread inherits its creator's scheduling policy.
            var pool = new ScheduledThreadPoolExecutor(1, r -> {
                var t = new Thread(r, "vigil-history-writer");
                t.setDaemon(true);
                return t;
            });
            pool.prestartAllCoreThreads();
            writer = pool;
        }
    }

    /** Kept in memory only (tests, and an agent without a state directory). */
    public static ClusterHistory inMemory(String self) {
        return new ClusterHistory(self, null);
    }

    /**
     * The history in {@code stateDir}, with what an earlier life of this agent kept. A file that
     * cannot be read is set aside as {@code history.json.bad} and the history starts empty: a
     * torn or foreign file must not keep the agent from starting.
     */
    public static ClusterHistory open(String self, Path stateDir) {
        var history = new ClusterHistory(self, stateDir.resolve(FILE));
        var file = history.file;
        if (Files.exists(file)) {
            try {
                var old = HistoryJson.read(dev.vigil.config.BoundedFile.readBytes(file, FILE_LIMIT, "the cluster history"));
                old.operations().forEach(history::addOperation);
                old.fencing().forEach(history::addFence);
                old.events().forEach(history::addEvent);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read the cluster history {} ({}); starting an empty one, the old file kept as {}.bad",
                        file, e.getMessage(), file.getFileName());
                try {
                    Files.move(file, file.resolveSibling(FILE + ".bad"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // the next write replaces it anyway
                }
            }
        }
        return history;
    }

    public void operation(OperationRecord r) {
        synchronized (this) {
            addOperation(r);
        }
        tap.operation(r);
        changed();
    }

    public void fence(FenceRecord r) {
        synchronized (this) {
            addFence(r);
        }
        tap.fence(r);
        changed();
    }

    /**
     * Told of each operation and fence as it is recorded, not of what an earlier life kept: the
     * agent's metrics count them. Called on the recording thread (the coordination thread, which
     * runs real-time), so it must only count, never block.
     */
    public interface Tap {
        void operation(OperationRecord r);

        void fence(FenceRecord r);
    }

    private volatile Tap tap = new Tap() {
        @Override
        public void operation(OperationRecord r) {}

        @Override
        public void fence(FenceRecord r) {}
    };

    public void tap(Tap tap) {
        this.tap = tap;
    }

    public void event(EventRecord r) {
        synchronized (this) {
            addEvent(r);
        }
        changed();
    }

    /** Operations oldest first (all resources merged by time), fences and events oldest first. */
    public synchronized HistoryReport snapshot() {
        var ops = new ArrayList<OperationRecord>();
        operations.values().forEach(ops::addAll);
        ops.sort(Comparator.comparingLong(OperationRecord::atMs));
        return new HistoryReport(self, ops, new ArrayList<>(fencing), new ArrayList<>(events));
    }

    private void addOperation(OperationRecord r) {
        var list = operations.remove(r.resource());
        if (list == null) {
            list = new ArrayDeque<>();
            if (operations.size() >= RESOURCES) {
                operations.remove(operations.keySet().iterator().next());
            }
        }
        operations.put(r.resource(), list); // the most recently active resource last: the oldest ages out first
        bounded(list, r, OPERATIONS_PER_RESOURCE);
    }

    private void addFence(FenceRecord r) {
        bounded(fencing, r, FENCES);
    }

    private void addEvent(EventRecord r) {
        bounded(events, r, EVENTS);
    }

    private static <T> void bounded(Deque<T> deque, T item, int limit) {
        deque.addLast(item);
        while (deque.size() > limit) {
            deque.removeFirst();
        }
    }

    private void changed() {
        if (writer == null) return;
        synchronized (this) {
            if (writeScheduled) return;
            writeScheduled = true;
        }
        try {
            writer.schedule(this::write, WRITE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: close() writes the last state itself
        }
    }

    private void write() {
        HistoryReport now;
        synchronized (this) {
            writeScheduled = false;
            now = snapshot();
        }
        try {
            AtomicFile.write(file, HistoryJson.write(now));
        } catch (IOException e) {
            LOG.warn("cannot save the cluster history: {}", e.getMessage());
        }
    }

    /** Writes what is pending now (for tests, and on the way out). */
    public void flush() {
        if (writer != null) write();
    }

    @Override
    public void close() {
        if (writer == null) return;
        writer.shutdownNow();
        write();
    }
}
