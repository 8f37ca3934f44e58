package dev.vigil.importer;

import dev.vigil.config.BoundedFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a file an import follows from another (keepalived's {@code include}, heartbeat's
 * {@code stonith TYPE FILE}): bounded and regular files only in production; tests pass their own,
 * so that the importers stay pure.
 */
@FunctionalInterface
public interface Loader {
    String read(Path file) throws IOException;

    /** The files on this machine, at most a cluster file's size; {@code what} names the kind in refusals. */
    static Loader bounded(String what) {
        return f -> BoundedFile.readText(f, BoundedFile.CLUSTER_FILE_LIMIT, what);
    }

    /** Why {@code e} kept a file from being read, in a few words (the path is named by the caller). */
    static String why(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
