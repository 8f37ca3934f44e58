package dev.vigil.agent;

import dev.vigil.config.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Hands out this node's incarnation: a number that is higher on every agent start, even when the
 * wall clock went back. Peers use it to tell a restart from a replay of an old life, so it must
 * never repeat: the last value is persisted (written to a temp file, fsynced, renamed) before use.
 */
public final class IncarnationStore {
    private static final String FILE = "incarnation";

    private IncarnationStore() {}

    /** The next incarnation: the wall-clock milliseconds, or last + 1 if that is not higher. */
    public static long next(Path stateDir, Clock wallClock) throws IOException {
        Files.createDirectories(stateDir);
        var file = stateDir.resolve(FILE);
        long last = 0;
        if (Files.exists(file)) {
            try {
                last = Long.parseLong(dev.vigil.config.BoundedFile.readText(file, 64, "incarnation file").trim());
            } catch (NumberFormatException e) {
                // A torn write cannot happen (rename is atomic); a hand-edited file gets the clock.
                last = 0;
            }
        }
        long next = Math.max(last + 1, wallClock.millis());
        AtomicFile.write(file, (next + "\n").getBytes(StandardCharsets.US_ASCII));
        return next;
    }
}
