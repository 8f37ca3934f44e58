package dev.vigil.drill.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a hook through {@code sh -c}, its output in a temporary file (so a background child that
 * keeps the output open, such as an agent a restart hook starts, cannot hold the drill), killed
 * with its children when it outlives its timeout.
 */
public final class ShellCommands implements CommandRunner {
    private static final int KEEP_CHARS = 2000;

    @Override
    public Result run(String command, Map<String, String> env, Duration timeout) throws IOException, InterruptedException {
        var out = Files.createTempFile("vigil-drill-", ".out");
        try {
            var pb = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            var p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (text.length() > KEEP_CHARS) text = "…" + text.substring(text.length() - KEEP_CHARS);
            return done ? new Result(p.exitValue(), text.strip())
                    : new Result(-1, ("timed out after " + timeout.toMillis() + " ms; killed. " + text).strip());
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
