package dev.vigil.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file so that a crash leaves either the old content or the new one, never a mix: the
 * bytes go to a temp file beside it, which is fsynced, renamed over the target, and the directory
 * fsynced. Readers therefore never need to cope with a torn file.
 *
 * <p>This is the one atomic-write helper of the agent and the console (the persisted cluster
 * file, the incarnation number, the operator state, the console's host key). When a write fails
 * (a full disk, a read-only file system) the temp file is removed again, so a full disk does
 * not leave an empty temp file ({@code .cluster.yaml.NNN.vigil-tmp}) behind, and the exception names the file that
 * could not be written.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes {@code content} to {@code file} (mode 0600: state files may hold secrets). */
    public static void write(Path file, byte[] content) throws IOException {
        var dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failed(file, "cannot create the directory " + dir, e);
        }
        // A name of its own, created exclusively: "NAME.tmp" could be a file of the user's (a
        // playbook writing into /etc), and deleting it first would lose it.
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".vigil-tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (var ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw failed(file, null, e);
        }
        try (var d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some filesystems cannot fsync a directory; the rename is still atomic.
        }
    }

    /** "cannot write PATH: REASON", where the JDK's own message often has no path at all. */
    private static IOException failed(Path file, String step, IOException e) {
        String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return new IOException("cannot write " + file + ": " + (step == null ? "" : step + ": ") + reason, e);
    }
}
