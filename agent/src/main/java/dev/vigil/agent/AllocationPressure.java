package dev.vigil.agent;

import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BENCHMARK-ONLY: makes garbage inside the agent so {@code bench/no-false-death.sh} can check that
 * GC pauses under allocation pressure do not cost false deaths. Off unless the environment
 * variable {@value #ENV} is set to a positive number of megabytes per second; never set it in
 * production.
 *
 * <p>A normal-priority daemon thread wakes every {@value #TICK_MS} ms and allocates its share of
 * the rate as short-lived byte arrays of mixed sizes (young-generation garbage), and replaces one
 * slot of a small retained ring (about 1/64 of the rate) so some objects survive, get promoted and
 * eventually force old-generation collections too.
 */
public final class AllocationPressure {
    public static final String ENV = "VIGIL_BENCH_ALLOC_MB_PER_S";
    private static final Logger LOG = LoggerFactory.getLogger(AllocationPressure.class);
    private static final long TICK_MS = 10;
    /** Retained ring: 256 slots, at most 8 MB in all with a 48 MB heap. */
    private static final int RING_SLOTS = 256;
    private static final int MAX_RING_SLOT_BYTES = 32 * 1024;

    private final long bytesPerTick;
    private final byte[][] ring = new byte[RING_SLOTS][];
    private volatile boolean running = true;
    /** Keeps the allocations observable so no compiler can elide them. */
    private volatile Object sink;
    private Thread thread;

    private AllocationPressure(double mbPerSecond) {
        this.bytesPerTick = Math.max(1, (long) (mbPerSecond * 1024 * 1024 * TICK_MS / 1000));
    }

    /** Starts the generator when {@value #ENV} asks for it; empty (and nothing started) otherwise. */
    public static Optional<AllocationPressure> startFromEnvironment() {
        String value = System.getenv(ENV);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        double rate;
        try {
            rate = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a number; benchmark allocation pressure stays off", ENV, value);
            return Optional.empty();
        }
        if (!(rate > 0)) {
            return Optional.empty();
        }
        var p = new AllocationPressure(rate);
        p.start();
        LOG.warn("BENCHMARK ONLY: {}={} set, allocating ~{} MB/s of garbage in this agent; never use in production",
                ENV, value.trim(), rate);
        return Optional.of(p);
    }

    private void start() {
        thread = new Thread(this::run, "vigil-bench-alloc");
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY);
        thread.start();
    }

    private void run() {
        long tick = TICK_MS * 1_000_000L;
        long next = System.nanoTime();
        int size = 64;
        int slot = 0;
        while (running) {
            long left = bytesPerTick;
            Object last = null;
            while (left > 0) {
                // Sizes cycle 64 B .. 32 KB: many small objects and a few larger arrays.
                size = size >= MAX_RING_SLOT_BYTES ? 64 : size * 2;
                int n = (int) Math.min(left, size);
                byte[] b = new byte[n];
                b[0] = (byte) n;
                last = b;
                left -= n;
            }
            sink = last;
            // The retained churn: one slot per tick outlives many young collections.
            ring[slot] = new byte[(int) Math.min(MAX_RING_SLOT_BYTES, Math.max(64, bytesPerTick / 64))];
            slot = (slot + 1) % RING_SLOTS;
            next += tick;
            long now = System.nanoTime();
            if (now - next > tick) {
                next = now; // behind (starved): don't burst to catch up
            }
            while (running && (now = System.nanoTime()) < next) {
                LockSupport.parkNanos(next - now);
            }
        }
    }

    public void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
