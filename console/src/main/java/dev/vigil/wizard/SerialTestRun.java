package dev.vigil.wizard;

import dev.vigil.config.Durations;
import dev.vigil.control.SerialTestReport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One serial link test through two agents, on a thread of its own so the screen never waits: the
 * echoer started on node B (its answer comes once B holds the device open), then the sender on
 * node A, both polled for their counts until each has its verdict. Every wait is bounded by the
 * test's duration; the page reads snapshots and redraws when {@link #revision()} moves.
 */
final class SerialTestRun {
    /** One end of the cable. */
    record End(String node, String device) {}

    /** Between polls: the counts move visibly and the agents are asked ~5 times a second. */
    static final Duration POLL = Duration.ofMillis(200);
    /**
     * How long the echoer waits for the first probe: the sender's start answers once its device is
     * open (the agent waits at most 5 s for that) and probes at once, a control round trip after
     * the echoer's. Not the test's duration plus a slack: the echoer must be done within
     * {@code duration + AFTER} when no probe ever comes (a pulled cable), so the run ends with both
     * ends done and {@code r} right after the verdict finds both agents free.
     */
    static final Duration ECHO_FIRST_PROBE = Duration.ofSeconds(10);
    /** After its last probe the sender waits 2 s for stragglers, the echoer ~3 s of quiet: both done within this. */
    static final Duration AFTER = Duration.ofSeconds(10);

    final End sender;
    final End echoer;
    final int baud;
    final Duration duration;
    private final AtomicLong revision = new AtomicLong(1);
    private volatile SerialTestReport sent;
    private volatile SerialTestReport echoed;
    private volatile String error;
    private volatile boolean finished;

    private SerialTestRun(End sender, End echoer, int baud, Duration duration) {
        this.sender = sender;
        this.echoer = echoer;
        this.baud = baud;
        this.duration = duration;
    }

    /** Starts the test and returns at once; {@code done} is called on the test's thread when it is over. */
    static SerialTestRun start(SerialAgents agents, End sender, End echoer, int baud, Duration duration,
                               java.util.function.Consumer<SerialTestRun> done) {
        var run = new SerialTestRun(sender, echoer, baud, duration);
        var t = new Thread(() -> {
            run.run(agents);
            try {
                done.accept(run);
            } finally {
                run.finished = true;
                run.bump();
            }
        }, "vigil-wizard-serial-test");
        t.setDaemon(true);
        t.start();
        return run;
    }

    private void run(SerialAgents agents) {
        try {
            String b = Integer.toString(baud);
            echoed = agents.call(echoer.node(), "echo", List.of(echoer.device(), b, Durations.format(ECHO_FIRST_PROBE)));
            bump();
            if (echoed.done()) return; // its device could not be opened: that is the verdict
            sent = agents.call(sender.node(), "send", List.of(sender.device(), b, Durations.format(duration)));
            bump();
            long end = System.nanoTime() + duration.plus(AFTER).toNanos();
            while ((!sent.done() || !echoed.done()) && System.nanoTime() < end) {
                Thread.sleep(POLL.toMillis());
                if (!sent.done()) sent = agents.call(sender.node(), "progress", List.of());
                if (!echoed.done()) echoed = agents.call(echoer.node(), "progress", List.of());
                bump();
            }
            if (!sent.done()) error = "the sender on " + sender.node() + " did not finish within " + Durations.format(duration.plus(AFTER));
        } catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
    }

    private void bump() {
        revision.incrementAndGet();
    }

    long revision() {
        return revision.get();
    }

    boolean finished() {
        return finished;
    }

    Optional<SerialTestReport> sent() {
        return Optional.ofNullable(sent);
    }

    Optional<SerialTestReport> echoed() {
        return Optional.ofNullable(echoed);
    }

    /** Why the test could not run (an agent that did not answer or refused); empty otherwise. */
    Optional<String> error() {
        return Optional.ofNullable(error);
    }
}
