package dev.vigil.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way Vigil reads a file whose path a user gave (the cluster file, the key file, the file
 * of {@code vigil config apply}) or that it keeps in its state directory: regular files only, and
 * never more than a stated number of bytes.
 *
 * <p>The type is checked before the file is opened, because opening a FIFO for reading blocks
 * until a writer comes, and reading {@code /dev/zero} never ends. The size is checked before
 * reading (a clean refusal instead of an OutOfMemoryError) and enforced again while reading, for
 * a file that grows in between. A symbolic link to a regular file is followed, as editors and
 * configuration management expect. What is left is the window between the check and the open, in
 * which someone with write access to the directory could swap in a FIFO; such a person can
 * already change the file.
 */
public final class BoundedFile {
    /** A cluster file: the same bound as a file the heartbeats can carry to the other nodes. */
    public static final int CLUSTER_FILE_LIMIT = 256 * 1024;
    /** A shared key file: a key is 16 bytes at least and 44 as {@code vigil} makes it. */
    public static final int KEY_FILE_LIMIT = 64 * 1024;
    /** A small state file of the agent (its incarnation number, the operator's requests). */
    public static final int STATE_FILE_LIMIT = 1024 * 1024;

    private BoundedFile() {}

    /** Refused without reading: not a regular file, or larger than allowed. The message names the path. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * @param what how the message names the file, e.g. "cluster file"
     * @throws Refused    when the path is not a regular file or holds more than {@code limit} bytes
     * @throws IOException when it cannot be read (no such file, permission denied)
     */
    public static byte[] readBytes(Path file, int limit, String what) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) {
            throw new Refused(file + " is " + kind(file, attrs) + ", not a regular file; a " + what
                    + " must be a regular file");
        }
        if (attrs.size() > limit) {
            throw tooLarge(file, attrs.size() + " bytes", limit, what);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(limit + 1L, Math.max(attrs.size() + 1, 4096)));
            while (true) {
                if (!buf.hasRemaining()) {
                    if (buf.capacity() > limit) {
                        throw tooLarge(file, "more than " + limit + " bytes", limit, what);
                    }
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(limit + 1L, buf.capacity() * 2L));
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    /** {@link #readBytes} decoded as UTF-8; invalid UTF-8 is refused with a message naming the path. */
    public static String readText(Path file, int limit, String what) throws IOException {
        return decode(readBytes(file, limit, what), file.toString(), what);
    }

    /** A stream (a file on stdin), read up to {@code limit} bytes: the same bound for the same kind of file. */
    public static String readText(InputStream in, int limit, String name, String what) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw tooLarge(name, "more than " + limit + " bytes", limit, what);
        }
        return decode(bytes, name, what);
    }

    private static String decode(byte[] bytes, String name, String what) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(name + " is not UTF-8 text; a " + what + " must be");
        }
    }

    private static Refused tooLarge(Object file, String size, int limit, String what) {
        return new Refused(file + " is " + size + "; a " + what + " may be at most " + limit + " bytes");
    }

    /** What the file is, in the words of ls and stat. */
    static String kind(Path file, BasicFileAttributes attrs) {
        if (attrs.isDirectory()) return "a directory";
        try {
            int type = ((Integer) Files.getAttribute(file, "unix:mode")) & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return attrs.isOther() ? "a special file" : "not a regular file";
        }
    }
}
