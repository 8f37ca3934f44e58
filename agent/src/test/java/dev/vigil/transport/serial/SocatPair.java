package dev.vigil.transport.serial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A null-modem cable made of two ptys joined by socat, reachable through stable symlinks. Killing
 * it is a cable pull; starting another on the same paths is plugging the cable back in (with new
 * /dev/pts numbers behind the links).
 */
public final class SocatPair implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(5);

    public final Path a;
    public final Path b;
    private final Path log;
    private Process process;

    public SocatPair(Path dir) {
        this.a = dir.resolve("ttyA");
        this.b = dir.resolve("ttyB");
        this.log = dir.resolve("socat.log");
    }

    public static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "socat"))) {
                return true;
            }
        }
        return false;
    }

    /** Starts socat and waits (bounded) for both links to appear. */
    public void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("socat already running");
        }
        process = new ProcessBuilder(List.of("socat", "-d", "-d",
                "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!(Files.exists(a) && Files.exists(b))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("socat did not create " + a + " and " + b + " within " + READY_TIMEOUT
                        + ": " + Files.readString(log));
            }
            Thread.sleep(10);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Kills this socat (by its own PID only) and waits, bounded, for it to exit. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(2, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
