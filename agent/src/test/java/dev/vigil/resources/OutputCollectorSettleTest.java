package dev.vigil.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When an agent has exited, its output is all reported unless a background child still holds the
 * pipe: a reader that has not yet taken in what the agent wrote (busy, or waiting for a CPU on a
 * loaded machine) is waited for, however long after the exit, as the kernel shows it is not idle.
 */
class OutputCollectorSettleTest {
    private final Logger log = LoggerFactory.getLogger("dev.vigil.test.output-settle");

    @Test
    void aReaderStillBusyWithTheAgentsOutputIsWaitedFor() throws Exception {
        var process = new ProcessBuilder("sh", "-c", "echo first; echo second; echo third").start();
        // The reader's thread is kept running on the first line for far longer than the settle's
        // time-based limit, as a starved thread on a loaded machine would be.
        Duration busy = OutputCollector.SETTLE_LIMIT.multipliedBy(10);
        UnaryOperator<String> slowOnFirst = line -> {
            if (line.equals("first")) {
                long end = System.nanoTime() + busy.toNanos();
                while (System.nanoTime() < end) Thread.onSpinWait();
            }
            return line;
        };
        assertSettleWaitsForTheWholeOutput(process, slowOnFirst, "busy");
    }

    /**
     * The same reader asleep, not running, while it handles the agent's output: waiting for a lock
     * (the log appender's, held by a thread that has no CPU), or stopped at a safepoint while the
     * JVM collects (a CI failure of the test above). The kernel shows it asleep elsewhere than in
     * read(2), and it was taken for a reader that a background child keeps waiting.
     */
    @Test
    void aReaderAsleepOnALockWhileHandlingTheAgentsOutputIsWaitedFor() throws Exception {
        var lock = new java.util.concurrent.locks.ReentrantLock();
        var holderHasIt = new java.util.concurrent.CountDownLatch(1);
        var holder = new Thread(() -> {
            lock.lock();
            try {
                holderHasIt.countDown();
                Thread.sleep(OutputCollector.SETTLE_LIMIT.multipliedBy(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }, "test-lock-holder");
        holder.start();
        holderHasIt.await();
        UnaryOperator<String> waitsOnFirst = line -> {
            if (line.equals("first")) {
                lock.lock();
                lock.unlock();
            }
            return line;
        };
        var process = new ProcessBuilder("sh", "-c", "echo first; echo second; echo third").start();
        assertSettleWaitsForTheWholeOutput(process, waitsOnFirst, "locked");
        holder.join();
    }

    /** The agent's three lines, read with {@code onEachLine} in the reader's way, all in once settled. */
    private void assertSettleWaitsForTheWholeOutput(Process process, UnaryOperator<String> onEachLine, String tag)
            throws InterruptedException {
        var out = new OutputCollector(process.getInputStream(), 256, log, tag, false, onEachLine);
        var reader = new Thread(out, "test-" + tag + "-reader");
        reader.setDaemon(true);
        reader.start();
        process.waitFor();

        boolean ended = OutputCollector.settle(List.of(out), System.nanoTime(), log, tag);

        assertThat(ended).as("the stream ended: nothing held the pipe").isTrue();
        assertThat(out.tail()).contains("first", "second", "third");
    }

    @Test
    void aReaderAsleepInReadOnAPipeABackgroundChildHoldsIsIdle() throws Exception {
        // The agent's background child keeps the pipe open, silent, after the agent exits.
        var process = new ProcessBuilder("sh", "-c", "sleep 5 & echo started $!; read go").start();
        var out = new OutputCollector(process.getInputStream(), 256, log, "held", false);
        var reader = new Thread(out, "test-held-reader");
        reader.setDaemon(true);
        reader.start();
        // The agent exits only once its output reader sleeps in read(2). (Had the reader not got
        // there, the JDK would drain the pipe at the exit and hand it an end of stream.)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(out.tail().contains("started") && out.readerThread() == OutputCollector.ReaderThread.IN_READ)
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(out.readerThread()).isEqualTo(OutputCollector.ReaderThread.IN_READ);
        process.getOutputStream().write("go\n".getBytes());
        process.getOutputStream().close();
        process.waitFor();
        long exit = System.nanoTime();

        boolean ended = OutputCollector.settle(List.of(out), exit, log, "held");

        assertThat(ended).as("the child still holds the pipe").isFalse();
        assertThat(out.tail()).contains("started");
        assertThat(Duration.ofNanos(System.nanoTime() - exit)).as("not held to the starved reader's limit")
                .isLessThan(OutputCollector.STARVED_LIMIT);
        long child = Long.parseLong(out.tail().strip().split(" ")[1]);
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroy);
    }
}
