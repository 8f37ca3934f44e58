package dev.vigil.playbook.host;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A machine steps act on. Every step reaches its host only through this interface, so that the
 * SSH host of a later release (Apache MINA SSHD's client, one connection per host) runs the same
 * steps as {@link LocalHost}. Every method is bounded: reads by a byte limit, commands by a
 * timeout and a cap on captured output.
 */
public interface Host {
    /** The name the playbook and the report use. */
    String name();

    /**
     * @param exitCode  -1 when the command was killed on its timeout
     * @param output    stdout and stderr interleaved; only the last part when longer than the cap (then {@code truncated})
     */
    record Exec(int exitCode, String output, boolean timedOut, boolean truncated) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    /** Runs {@code command} with {@code /bin/sh -c}; kills it (and its process group's leader) on the timeout. */
    Exec shell(String command, Duration timeout) throws IOException;

    /** What is at {@code path}: nothing, a regular file, a directory or something else; links are followed. */
    enum Kind { MISSING, FILE, DIRECTORY, OTHER }

    Kind kind(String path) throws IOException;

    /** A regular file's content; refused when larger than {@code limit} or not a regular file. */
    byte[] read(String path, int limit) throws IOException;

    /**
     * Replaces (or creates) a regular file atomically: a temp file beside it, renamed over it, so
     * that a crash leaves the old content or the new one, never half of it.
     *
     * @param mode the permissions to give it; empty keeps an existing file's, 0644 for a new one
     */
    void write(String path, byte[] content, Optional<Integer> mode) throws IOException;

    /** Permission bits (e.g. 0644) of what is at {@code path}. */
    int mode(String path) throws IOException;

    void chmod(String path, int mode) throws IOException;

    /** Creates the directory and any missing parents. */
    void mkdirs(String path, Optional<Integer> mode) throws IOException;

    /** The names in a directory, sorted; at most {@code limit} of them (refused beyond). */
    java.util.List<String> list(String dir, int limit) throws IOException;

    /** Removes a regular file (for undo of a created file); nothing when it is already gone. */
    void delete(String path) throws IOException;
}
