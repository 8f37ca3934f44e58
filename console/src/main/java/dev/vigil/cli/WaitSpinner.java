package dev.vigil.cli;

import dev.vigil.control.StatusReport;
import dev.vigil.status.StatusSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.function.BooleanSupplier;

/**
 * While a verb waits for the cluster to settle (a move takes seconds: stops, then starts), one
 * line on the terminal says what it is waiting for, as the agent's status shows it: a spinner,
 * the time waited, and the resources in transition ({@code web Stopping ha1}) or the pending
 * actions. Issue 18 item 4: before, the CLI printed nothing for the 5 s a move takes.
 *
 * <p>Only on a terminal, and never for verbs run over the SSH console (their output is the
 * channel, not this process's terminal): elsewhere — a script, a pipe, a test — it prints
 * nothing at all, so the verbs' output stays exactly as documented. It writes to standard error
 * and erases its line before the verb prints its outcome.
 */
final class WaitSpinner implements AutoCloseable {
    /** Whether this process talks to a terminal; a field so tests can say yes. */
    static volatile BooleanSupplier terminal = () -> System.console() != null;

    static final Duration FRAME = Duration.ofMillis(200);
    /** How often the status is asked for while waiting: each ask is a connection to the agent. */
    static final int FRAMES_PER_STATUS = 3;
    private static final String SPIN = "|/-\\";

    private final Thread thread;
    private final PrintWriter err;
    private volatile boolean done;
    private int shownWidth;

    private WaitSpinner(Thread thread, PrintWriter err) {
        this.thread = thread;
        this.err = err;
    }

    /** Starts spinning for {@code verb} when this is a local terminal; otherwise does nothing. */
    static WaitSpinner start(AgentConnection agent, PrintWriter err, boolean overConsole) {
        if (overConsole || !terminal.getAsBoolean()) {
            return new WaitSpinner(null, err);
        }
        var holder = new WaitSpinner[1];
        var t = new Thread(() -> holder[0].spin(agent), "vigil-wait-spinner");
        t.setDaemon(true);
        holder[0] = new WaitSpinner(t, err);
        t.start();
        return holder[0];
    }

    private void spin(AgentConnection agent) {
        long started = System.nanoTime();
        StatusReport last = null;
        int width = columns();
        for (int frame = 0; !done; frame++) {
            if (frame % FRAMES_PER_STATUS == 1) {
                try {
                    last = agent.status();
                } catch (java.io.IOException | RuntimeException e) {
                    // the verb itself reports a lost agent; the line keeps what it knew
                }
            }
            var text = line(frame, Duration.ofNanos(System.nanoTime() - started), last, width);
            synchronized (this) {
                if (done) return;
                err.print("\r" + text + " ".repeat(Math.max(0, shownWidth - text.length())));
                err.flush();
                shownWidth = text.length();
            }
            try {
                Thread.sleep(FRAME.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One frame: {@code | 2s waiting for: web Stopping ha1; vip Started ha1}, cut to {@code width}.
     * The resources in transition first (crm_mon's words); without any, the pending actions; with
     * neither (the status not fetched yet, or the coordinator deciding), what the coordinator waits for.
     */
    static String line(int frame, Duration waited, StatusReport status, int width) {
        var sb = new StringBuilder().append(SPIN.charAt(Math.floorMod(frame, SPIN.length()))).append(' ')
                .append(waited.toSeconds()).append("s waiting for the cluster");
        var what = new ArrayList<String>();
        if (status != null && status.resources() != null) {
            var r = status.resources();
            for (var row : r.resources()) {
                var state = StatusSummary.resourceState(row);
                if (state.inTransition()) what.add(row.id() + " " + state.words());
            }
            if (what.isEmpty()) what.addAll(r.pending());
            if (what.isEmpty() && !r.waitingFor().isEmpty()) what.add(r.waitingFor());
        }
        if (!what.isEmpty()) sb.append(": ").append(String.join("; ", what));
        String s = sb.toString();
        int max = Math.max(10, width - 1); // the last column would wrap on some terminals
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static int columns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80"));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** Stops and erases the line, so the verb's outcome starts at the left margin. */
    @Override
    public void close() {
        if (thread == null) return;
        synchronized (this) {
            done = true;
            if (shownWidth > 0) {
                err.print("\r" + " ".repeat(shownWidth) + "\r");
                err.flush();
            }
        }
        thread.interrupt();
    }
}
