package dev.vigil.resources;

import dev.vigil.time.LogRateLimiter;
import dev.vigil.time.MonotonicClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * Reads one output stream of an agent: logs its lines, keeps the tail, and notes the last
 * {@code ocf-exit-reason:} line. Everything is bounded, because a broken agent can print forever.
 *
 * <p>An operation's result must not wait for its output to close: a background child the agent
 * started (IPaddr2's {@code send_arp}, a daemon) inherits the pipe and may hold it for seconds.
 * Pacemaker's executor reports when the agent exits and reads what the pipe holds at that moment;
 * {@link #settle} does the same with a blocking reader: it waits until each reader has reached
 * the end of its stream, or sits blocked in a read with nothing more arriving. Output written
 * later is still read and logged (bounded like the rest) until {@link #LATE_OUTPUT_WINDOW} after
 * the exit, when the stream is closed, as Pacemaker closes it at once.
 *
 * <p>Public because fence agents ({@code dev.vigil.fencing}) are read the same way; they pass a
 * filter so that a secret an agent echoes does not reach the log.
 */
public final class OutputCollector implements Runnable {
    static final String EXIT_REASON_PREFIX = "ocf-exit-reason:";
    private static final int MAX_LINE_CHARS = 4096;
    private static final int MAX_LOGGED_LINES = 200;

    private final InputStream in;
    private final int tailChars;
    private final Logger log;
    private final String tag;
    private final boolean stderr;
    private final UnaryOperator<String> logFilter;
    private final StringBuilder tail = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private int loggedLines;
    private String exitReason;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** True while the reader is inside a read call: it has taken in all it was given before. */
    private volatile boolean blockedInRead;
    /** /proc/PID/task/TID/syscall of the reader's thread once it runs; null before, or without /proc. */
    private volatile Path readerSyscall;
    private volatile boolean started;
    /** {@link System#nanoTime()} when the last read returned. */
    private volatile long lastReadNanos = System.nanoTime();

    /** A reader blocked this long with nothing arriving is taken to have read all there was. */
    static final Duration QUIET = Duration.ofMillis(5);
    /** At most this long after the exit before the result goes out whatever the readers do. */
    static final Duration SETTLE_LIMIT = Duration.ofMillis(15);
    /**
     * At most this long after the exit for a reader the kernel has woken but not yet run: on a
     * loaded machine the reader's thread can wait for a CPU far longer than {@link #SETTLE_LIMIT},
     * and reporting then would lose output the agent wrote before it exited (a meta-data answer).
     */
    static final Duration STARVED_LIMIT = Duration.ofSeconds(2);
    /** How long output of a background child is still read after the agent exited. */
    static final Duration LATE_OUTPUT_WINDOW = Duration.ofSeconds(10);

    OutputCollector(InputStream in, int tailChars, Logger log, String tag, boolean stderr) {
        this(in, tailChars, log, tag, stderr, UnaryOperator.identity());
    }

    /** @param logFilter applied to each line before it is logged; the tail keeps the raw output */
    public OutputCollector(InputStream in, int tailChars, Logger log, String tag, boolean stderr,
            UnaryOperator<String> logFilter) {
        this.logFilter = logFilter;
        this.in = in;
        this.tailChars = tailChars;
        this.log = log;
        this.tag = tag;
        this.stderr = stderr;
    }

    @Override
    public void run() {
        try {
            readerSyscall = Path.of("/proc/thread-self").toRealPath().resolve("syscall");
        } catch (IOException | RuntimeException e) {
            readerSyscall = null; // no procfs: the time-based judgement alone
        }
        started = true;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[1024];
            int n;
            while (true) {
                blockedInRead = true;
                n = reader.read(buf);
                blockedInRead = false;
                lastReadNanos = System.nanoTime();
                if (n < 0) break;
                synchronized (this) {
                    for (int i = 0; i < n; i++) {
                        accept(buf[i]);
                    }
                }
            }
        } catch (IOException e) {
            // The stream is closed under us when we stop waiting for a background process's output.
            log.debug("{}: output stream ended: {}", tag, e.toString());
        }
        synchronized (this) {
            if (!line.isEmpty()) {
                endLine();
            }
        }
        blockedInRead = false;
        finished.countDown();
    }

    /**
     * Waits, after the agent exited at {@code exitNanos}, until every collector has read what the
     * agent wrote: it reached the end of its stream, or it has sat blocked in a read for
     * {@link #QUIET} since the exit and its last read (a background child holds the pipe and is
     * silent) — judged by the kernel where it can tell ({@code /proc/thread-self/syscall}: asleep in
     * read(2) means the pipe is empty), by time otherwise. Never longer than {@link #SETTLE_LIMIT},
     * except for a reader the kernel shows running or waiting for a CPU, or one out of read(2)
     * handling what it read: it still has output to take in, and is waited for up to
     * {@link #STARVED_LIMIT}. Collectors still open afterwards keep
     * reading until {@link #LATE_OUTPUT_WINDOW} after the exit and are then closed.
     *
     * @return true if every stream had ended
     */
    public static boolean settle(List<OutputCollector> collectors, long exitNanos, Logger log, String tag)
            throws InterruptedException {
        return settle(collectors, exitNanos, log, tag, BACKGROUND_LOG);
    }

    /**
     * A monitor that leaves a background child behind does so on every run: one line per
     * operation (its tag) and kind per interval, with a count of the runs not logged.
     */
    static final Duration BACKGROUND_LOG_INTERVAL = Duration.ofMinutes(1);
    private static final LogRateLimiter BACKGROUND_LOG =
            new LogRateLimiter(MonotonicClock.create(), BACKGROUND_LOG_INTERVAL);

    static boolean settle(List<OutputCollector> collectors, long exitNanos, Logger log, String tag,
                          LogRateLimiter logLimit) throws InterruptedException {
        long limit = exitNanos + SETTLE_LIMIT.toNanos();
        boolean allEnded = true;
        for (var c : collectors) {
            // The usual case: no background child, the stream ends as the agent exits.
            if (c.finished.await(Math.max(0, Math.min(QUIET.toNanos(), limit - System.nanoTime())), TimeUnit.NANOSECONDS)) {
                continue;
            }
            while (c.finished.getCount() > 0 && System.nanoTime() < limit && !c.idleSince(exitNanos)) {
                LockSupport.parkNanos(500_000);
            }
            // However long since the exit: a reader the kernel has woken but not yet run still has
            // the agent's output to take in, and so has one out of read(2) handling what it read —
            // even asleep (on the log's lock, at a safepoint), where the kernel cannot tell it from
            // a reader idle elsewhere.
            long starved = exitNanos + STARVED_LIMIT.toNanos();
            while (c.finished.getCount() > 0 && System.nanoTime() < starved && c.busy()) {
                LockSupport.parkNanos(500_000);
            }
            if (c.finished.getCount() > 0) {
                allEnded = false;
                c.closeLater(log, tag, logLimit);
            }
        }
        if (!allEnded) {
            long skipped = logLimit.admit("held:" + tag);
            if (skipped >= 0) {
                log.info("{}: a background process still holds the agent's output; reporting the result now, "
                        + "reading its output for up to {} s more{}", tag, LATE_OUTPUT_WINDOW.toSeconds(),
                        LogRateLimiter.suppressed(skipped));
            }
        }
        return allEnded;
    }

    /** What the kernel says the reader's thread is doing. */
    enum ReaderThread {
        /** Running or waiting for a CPU (or not started yet): it has something to read or to handle. */
        RUNNABLE,
        /** Asleep in read(2): the pipe is empty, all written so far has been taken in. */
        IN_READ,
        /** Asleep elsewhere (a lock, a safepoint, a Java pipe): only time tells. */
        ELSEWHERE,
        UNKNOWN
    }

    /** read(2)'s number on this machine's architecture; -2 (never matched) where not known. */
    private static final int READ_SYSCALL = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 0;
        case "aarch64" -> 63;
        default -> -2;
    };

    ReaderThread readerThread() {
        if (!started) {
            return ReaderThread.RUNNABLE;
        }
        Path file = readerSyscall;
        if (file == null) {
            return ReaderThread.UNKNOWN;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            return ReaderThread.UNKNOWN; // the thread has ended, or /proc refuses
        }
        // "running" for a runnable thread; "-1 sp pc" blocked outside a system call (a page
        // fault); otherwise the number of the call it is asleep in, then its arguments.
        int space = text.indexOf(' ');
        String first = space < 0 ? text : text.substring(0, space);
        if (first.equals("running") || first.equals("-1")) {
            return ReaderThread.RUNNABLE;
        }
        try {
            return Integer.parseInt(first) == READ_SYSCALL ? ReaderThread.IN_READ : ReaderThread.ELSEWHERE;
        } catch (NumberFormatException e) {
            return ReaderThread.UNKNOWN;
        }
    }

    /** Handling output it read (by its own word), or running or waiting for a CPU (by the kernel's). */
    private boolean busy() {
        return !blockedInRead || readerThread() == ReaderThread.RUNNABLE;
    }

    private boolean idleSince(long exitNanos) {
        return blockedInRead && System.nanoTime() - Math.max(exitNanos, lastReadNanos) >= QUIET.toNanos();
    }

    /**
     * Closes the stream once the late-output window has passed. A reader blocked in read() on a
     * pipe is not woken by the close; its next read fails, and the writer then gets EPIPE.
     */
    private void closeLater(Logger log, String tag, LogRateLimiter logLimit) {
        CompletableFuture.delayedExecutor(LATE_OUTPUT_WINDOW.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (finished.getCount() == 0) return;
            long skipped = logLimit.admit("closed:" + tag);
            if (skipped >= 0) {
                log.info("{}: closing the agent's output: a background process held it for {} s{}", tag,
                        LATE_OUTPUT_WINDOW.toSeconds(), LogRateLimiter.suppressed(skipped));
            }
            try {
                in.close();
            } catch (IOException e) {
                log.debug("{}: closing output: {}", tag, e.toString());
            }
        });
    }

    /** True once the stream has ended (or failed). */
    public boolean ended() {
        return finished.getCount() == 0;
    }

    private void accept(char c) {
        tail.append(c);
        if (tail.length() > 2 * tailChars) {
            tail.delete(0, tail.length() - tailChars);
        }
        if (c == '\n') {
            endLine();
        } else if (line.length() < MAX_LINE_CHARS) {
            line.append(c);
        }
    }

    private void endLine() {
        String text = line.toString();
        line.setLength(0);
        if (stderr && text.startsWith(EXIT_REASON_PREFIX)) {
            exitReason = text.substring(EXIT_REASON_PREFIX.length()).strip();
        }
        loggedLines++;
        if (loggedLines <= MAX_LOGGED_LINES) {
            log.info("{} {}: {}", tag, stderr ? "stderr" : "stdout", logFilter.apply(text));
        } else if (loggedLines == MAX_LOGGED_LINES + 1) {
            log.info("{} {}: further output not logged (see the operation's output tail)", tag,
                    stderr ? "stderr" : "stdout");
        }
    }

    public synchronized String tail() {
        return tail.length() <= tailChars ? tail.toString() : tail.substring(tail.length() - tailChars);
    }

    public synchronized Optional<String> exitReason() {
        return Optional.ofNullable(exitReason);
    }
}
