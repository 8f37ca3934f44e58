package dev.vigil.alerts;

import dev.vigil.resources.OutputCollector;
import dev.vigil.resources.ProcessSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an alert agent or a notify script the way resource and fence agents run: in its own session
 * (util-linux {@code setsid}), stdin from /dev/null, killed with everything it started at its timeout.
 *
 * <p>Its stderr is drained by the alert thread itself while it waits ({@link #POLL}), not by a reader
 * thread of its own: four hung alerts were four more threads (~0.1 MB each with their stacks and
 * malloc arenas) in an agent with a 64 MB budget. The lines are logged when the agent has ended,
 * which for an alert (not on any failover's path) is soon enough. Output beyond {@link #KEPT} bytes
 * is skipped but for its last {@link #STDERR_TAIL} (the failure message's tail).
 */
final class SessionCommand {
    private static final Logger LOG = LoggerFactory.getLogger(SessionCommand.class);
    private static final Duration KILL_GRACE = Duration.ofMillis(200);
    private static final int STDERR_TAIL = 512;
    /** How often a waiting alert thread takes in what its agent wrote; a pipe holds 64 KiB meanwhile. */
    static final Duration POLL = Duration.ofMillis(50);
    /** Stderr kept for the log: far more than an alert agent writes; the rest is skipped. */
    static final int KEPT = 64 * 1024;

    private SessionCommand() {}

    /** Returns when it exited 0; throws when it did not, or did not exit within {@code timeout}. */
    static void run(List<String> argv, Map<String, String> env, Duration timeout, String tag)
            throws AlertSender.AlertFailure, InterruptedException {
        var command = new ArrayList<String>(List.of("setsid", "-w"));
        command.addAll(argv);
        var builder = new ProcessBuilder(command).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AlertSender.AlertFailure("cannot run " + argv.get(0) + ": " + e.getMessage(), false);
        }
        var err = new Drain(process.getErrorStream());
        ProcessSession.Ending ending;
        try {
            ending = ProcessSession.await(process, timeout, KILL_GRACE, List.of(), LOG, tag, POLL, err::take);
        } catch (InterruptedException e) {
            err.finish(); // closes the pipe; the session was killed
            throw e;
        }
        var stderr = new OutputCollector(err.finish(), STDERR_TAIL, LOG, tag, true, s -> s);
        stderr.run();
        if (ending.timedOut()) {
            throw AlertSender.AlertFailure.timedOut(timeout);
        }
        int code = ending.exitCode().orElse(-1);
        if (code != 0) {
            String tail = stderr.tail().strip();
            throw new AlertSender.AlertFailure(argv.get(0) + " exited with " + code + (tail.isEmpty() ? "" : ": " + tail),
                    false);
        }
    }

    /**
     * What an agent has written to stderr so far, taken without blocking: the first {@link #KEPT}
     * bytes and, past them, the last {@link #STDERR_TAIL}. A background child that keeps the pipe
     * after the agent exited is not waited for (as Pacemaker closes it at once).
     */
    private static final class Drain {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final byte[] last = new byte[STDERR_TAIL];
        private final byte[] chunk = new byte[4096];
        private long skipped;
        private int lastLength;

        Drain(InputStream in) {
            this.in = in;
        }

        void take() {
            try {
                int n;
                while (in.available() > 0 && (n = in.read(chunk, 0, Math.min(chunk.length, in.available()))) > 0) {
                    int keep = Math.min(n, KEPT - kept.size());
                    kept.write(chunk, 0, keep);
                    if (keep < n) remember(keep, n);
                }
            } catch (IOException e) {
                // closed: nothing more to take
            }
        }

        /** chunk[from..to) was not kept: its end joins the last bytes seen. */
        private void remember(int from, int to) {
            skipped += to - from;
            int take = Math.min(to - from, last.length);
            int drop = Math.max(0, lastLength + take - last.length);
            System.arraycopy(last, drop, last, 0, lastLength - drop);
            lastLength -= drop;
            System.arraycopy(chunk, to - take, last, lastLength, take);
            lastLength += take;
        }

        /** Everything taken, the stream closed: the stderr to log, with a note where bytes were skipped. */
        InputStream finish() {
            take();
            try {
                in.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
            if (skipped > 0) {
                long notShown = skipped - lastLength;
                kept.writeBytes(("\n[" + notShown + " bytes of stderr skipped]\n").getBytes(StandardCharsets.UTF_8));
                kept.write(last, 0, lastLength);
            }
            return new ByteArrayInputStream(kept.toByteArray());
        }
    }
}
