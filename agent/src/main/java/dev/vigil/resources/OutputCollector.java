package dev.vigil.resources;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * Reads one output stream of an agent: logs its lines, keeps the tail, and notes the last
 * {@code ocf-exit-reason:} line. Everything is bounded, because a broken agent can print forever.
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
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            char[] buf = new char[1024];
            int n;
            while ((n = reader.read(buf)) >= 0) {
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
