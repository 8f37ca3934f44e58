package dev.vigil.importer;

import java.time.Duration;

/** Durations as the cluster file writes them: {@code 2s}, {@code 1500ms}. */
public final class Durations {
    private Durations() {}

    public static String yaml(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
