package dev.vigil.control;

import dev.vigil.config.BoundedFile;
import dev.vigil.config.ClusterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster key a long-running client (the console, its SSH sessions, a drill runner) connects
 * with, read again from its file when {@code vigil key rotate} replaces it, so the client
 * survives a rotation without a restart. Before each connection one stat (no fork, no read)
 * tells whether the file changed (its time, size or inode); after an agent refused the key, the
 * file is read once more whatever the stat says (a copy that kept the old time). A file that
 * cannot be read or holds no key (too short) keeps the key in use: the agent says what is wrong.
 */
public final class KeyFileSource {
    /** The agents' minimum (KeyFileSection): a shorter file is a mistake, not a key. */
    private static final int MIN_KEY_BYTES = 16;

    /** What was read and the file's stamp when it was. */
    private record Loaded(ClusterKey key, byte[] controlKey, Stamp stamp) {}

    private record Stamp(FileTime modified, long size, Object fileKey) {}

    private final Path file;
    private volatile Loaded loaded;

    /** {@code key} as read from {@code file} when the client started (the cluster file's loader read it). */
    public KeyFileSource(Path file, ClusterKey key) {
        this.file = Objects.requireNonNull(file, "file");
        this.loaded = new Loaded(key, ControlFrames.deriveKey(key), stamp().orElse(null));
    }

    /** A key that is never read again (a test, or a key that has no file). */
    public static KeyFileSource fixed(ClusterKey key) {
        return new KeyFileSource(Path.of("/nonexistent/vigil-fixed-key"), key);
    }

    public ClusterKey key() {
        return current().key();
    }

    /** The control channel's key, derived from the cluster key: the file read again first if it changed. */
    byte[] controlKey() {
        return current().controlKey();
    }

    /**
     * After an agent refused {@code refused} as not the cluster's: the file read again. True when
     * it now holds another key, worth one more attempt.
     */
    boolean reloadAfterRefusal(byte[] refused) {
        var now = read(stamp().orElse(null));
        if (now.isEmpty()) return false;
        loaded = now.get();
        return !Arrays.equals(now.get().controlKey(), refused);
    }

    private Loaded current() {
        var l = loaded;
        var stamp = stamp();
        if (stamp.isPresent() && !stamp.get().equals(l.stamp())) {
            // A changed file that holds no key yet keeps the old one; the next stamp differs again.
            l = read(stamp.get()).orElse(l);
            loaded = l;
        }
        return l;
    }

    private Optional<Loaded> read(Stamp stamp) {
        try {
            byte[] bytes = BoundedFile.readBytes(file, BoundedFile.KEY_FILE_LIMIT, "key file");
            int end = bytes.length;
            while (end > 0 && Character.isWhitespace(bytes[end - 1])) end--;
            if (end < MIN_KEY_BYTES) return Optional.empty();
            var key = new ClusterKey(Arrays.copyOf(bytes, end));
            return Optional.of(new Loaded(key, ControlFrames.deriveKey(key), stamp));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Optional<Stamp> stamp() {
        try {
            var a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Stamp(a.lastModifiedTime(), a.size(), a.fileKey()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
