package dev.vigil.drill.probe;

import dev.vigil.drill.Drill.ProbeSpec;
import dev.vigil.drill.DrillClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One probe's attempts on a fixed grid of its interval, whatever earlier attempts are doing:
 * attempts overlap where one waits longer than an interval, as bench's HttpProbe's do. A connect
 * hanging on an address that just moved (the client's ARP entry still names the old node) must not
 * blind the probe for its whole timeout: a probe that waited for each attempt reported a
 * switchover's gap 263 ms longer than an independent prober beside it (DrillBedIT).
 *
 * <p>Without a hand-off per attempt (it cost a fifth more CPU at 10 ms): each worker thread claims
 * the next slot, sleeps until it, and makes that attempt itself. A worker that wakes for its slot
 * while no other worker holds a later one starts one more first, so the following slot is covered
 * while this attempt runs: two workers take turns while answers are quick, more only while
 * attempts hang, at most {@code timeout / interval + 2}. A slot nobody is free for, or that came
 * while its worker was late, is skipped, not caught up in a burst.
 */
final class ProbeGrid {
    private final ProbeSpec spec;
    private final Check check;
    private final DrillClock clock;
    private final Consumer<ProbeSample> record;
    private final int maxWorkers;
    private final int maxAttempts;
    private final long interval;
    private final List<Thread> workers = new ArrayList<>();
    /** Guarded by this: the next slot to claim, workers sleeping until a claimed slot, attempts made. */
    private long next;
    private int waiting;
    private int attempts;
    private volatile boolean stop;

    ProbeGrid(ProbeSpec spec, Check check, DrillClock clock, int maxAttempts, Consumer<ProbeSample> record) {
        this.spec = spec;
        this.check = check;
        this.clock = clock;
        this.record = record;
        this.maxAttempts = maxAttempts;
        this.interval = spec.interval().toNanos();
        this.maxWorkers = (int) Math.min(1_000, spec.timeout().toNanos() / interval + 2);
    }

    synchronized void start() {
        next = clock.nanos();
        addWorker();
    }

    /** Guarded by this. */
    private void addWorker() {
        if (stop || workers.size() >= maxWorkers) return;
        var t = new Thread(this::work, "drill-probe-" + spec.name() + "-" + (workers.size() + 1));
        t.setDaemon(true);
        workers.add(t);
        t.start();
    }

    /** The next slot, a missed one skipped; or -1 when the probe is done. */
    private synchronized long claim() {
        if (stop || attempts >= maxAttempts) return -1;
        long now = clock.nanos();
        if (next < now - interval / 2) next = now + (interval - (now - next) % interval); // skip missed slots
        long slot = next;
        next += interval;
        attempts++;
        waiting++;
        return slot;
    }

    /** This worker's slot came: it stops waiting; if nobody else waits for a later slot, one more worker will. */
    private synchronized void due() {
        waiting--;
        if (waiting == 0) addWorker();
    }

    private void work() {
        while (true) {
            long slot = claim();
            if (slot < 0) return;
            try {
                long wait = slot - clock.nanos();
                if (wait > 0) clock.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                return;
            }
            due();
            long start = clock.nanos();
            boolean ok;
            String detail;
            try {
                detail = check.attempt(spec.timeout());
                ok = true;
            } catch (InterruptedException e) {
                return; // closed: the drill no longer looks
            } catch (Exception e) {
                ok = false;
                detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            if (stop) return;
            record.accept(new ProbeSample(spec.name(), start, clock.nanos(), ok, detail));
        }
    }

    /** Stops claiming slots, wakes the sleeping workers, and waits a little for them. */
    void close() throws InterruptedException {
        List<Thread> all;
        synchronized (this) {
            stop = true;
            all = List.copyOf(workers);
        }
        all.forEach(Thread::interrupt);
        check.close();
        // A worker hanging in a connect ends at its timeout, on its own: a daemon, it holds nothing.
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        for (var t : all) t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
}
