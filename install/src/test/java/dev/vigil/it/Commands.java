package dev.vigil.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Runs the commands the test beds are built with (ip, nft, vigil-bed, the launcher), bounded in time. */
final class Commands {
    /** Pipe readers; daemon threads, so one stuck on a pipe a stray daemon inherited never blocks exit. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        var t = new Thread(r, "it-command-io");
        t.setDaemon(true);
        return t;
    });

    private Commands() {}

    record Result(int exit, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    /** @param stdin written to the command and closed; null for /dev/null */
    static Result run(List<String> cmd, String stdin, Duration timeout) throws IOException {
        return run(cmd, stdin, timeout, false);
    }

    /**
     * As {@link #run(List, String, Duration)}; {@code dumpOnTimeout}: the command is a JVM (the
     * launcher execs java), so a timed-out one is first sent SIGQUIT, and its thread dump and the
     * rest of its output are in the exception: where it hung.
     */
    static Result run(List<String> cmd, String stdin, Duration timeout, boolean dumpOnTimeout) throws IOException {
        var builder = new ProcessBuilder(cmd);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        var p = builder.start();
        // Both pipes drained concurrently so a chatty command never blocks on a full pipe.
        var out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), READERS);
        var err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), READERS);
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                if (dumpOnTimeout) {
                    new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
                    p.waitFor(2, TimeUnit.SECONDS);
                }
                p.destroyForcibly();
                var output = dumpOnTimeout
                        ? "\n--- its output:\n" + out.completeOnTimeout("", 5, TimeUnit.SECONDS).join()
                                + "\n--- stderr:\n" + err.completeOnTimeout("", 5, TimeUnit.SECONDS).join()
                        : "";
                throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout + output);
            }
            // A daemon the command started (apache) may inherit the pipes; don't wait for it.
            return new Result(p.exitValue(), out.completeOnTimeout("", 2, TimeUnit.SECONDS).join(),
                    err.completeOnTimeout("", 2, TimeUnit.SECONDS).join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
