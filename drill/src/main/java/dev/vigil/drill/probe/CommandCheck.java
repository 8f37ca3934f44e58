package dev.vigil.drill.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A command run through {@code sh -c}; exit 0 is success. The one probe that forks (about 25 ms
 * of CPU per attempt on a small machine), so give it an interval of a second or more; HTTP and
 * TCP probes run in-process.
 */
public final class CommandCheck implements Check {
    private static final int MAX_OUTPUT = 200;
    private final String command;

    public CommandCheck(String command) {
        this.command = command;
    }

    @Override
    public String attempt(Duration timeout) throws IOException, InterruptedException {
        var p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("timed out after " + timeout.toMillis() + " ms");
            }
            byte[] out = p.getInputStream().readNBytes(MAX_OUTPUT);
            String text = new String(out, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
            if (p.exitValue() != 0) throw new IOException("exit " + p.exitValue() + (text.isEmpty() ? "" : ": " + text));
            return text.isEmpty() ? "exit 0" : text;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
