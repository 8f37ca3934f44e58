package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code auth: {keyfile: ...}}: finds the shared key file (a relative path is relative to the
 * cluster file's directory) and checks that it exists, is private to its owner (0600 or 0400) and holds a key long enough to sign
 * heartbeats with; each refusal says how to make a good key.
 */
final class KeyFileSection extends SectionReader {

    static final int MIN_KEY_BYTES = 16;

    private static final List<String> AUTH_KEYS = List.of("keyfile", "encrypt");
    private static final String DEFAULT_KEY_FILE = "/etc/vigil/authkey";
    private static final String MAKE_KEY = "head -c 32 /dev/urandom | base64 > %1$s; chmod 600 %1$s";

    /** The cluster file: a relative {@code keyfile} is resolved against its directory. */
    private final Path file;
    /** False when the file is checked away from its nodes (a playbook's controller): the key is not looked at. */
    private final boolean keyFileHere;

    KeyFileSection(SectionReader shared, Path file, boolean keyFileHere) {
        super(shared);
        this.file = file;
        this.keyFileHere = keyFileHere;
    }

    /** @param encrypt {@code encrypt: true}: heartbeats are encrypted, not only authenticated */
    record KeyFile(Path path, ClusterKey key, boolean encrypt) {
        KeyFile(Path path, ClusterKey key) {
            this(path, key, false);
        }
    }

    /** The {@code auth:} section. */
    Optional<KeyFile> read(Entry authEntry) {
        Optional<MapNode> am = map(authEntry.value(), "auth", "a map such as {keyfile: /etc/vigil/authkey}");
        if (am.isEmpty()) {
            return Optional.empty();
        }
        checkKeys(am.get(), "auth", AUTH_KEYS);
        boolean encrypt = am.get().entry("encrypt").flatMap(e -> bool(e.value(), "encrypt")).orElse(false);
        return required(am.get(), "keyfile", "auth", "the path of the shared key file, e.g. /etc/vigil/authkey")
                .flatMap(e -> keyFile(e.value()))
                .map(k -> new KeyFile(k.path(), k.key(), encrypt));
    }

    /** One key file named at {@code value}: checked as {@code auth.keyfile} is (also for the arbitrator's keys). */
    Optional<KeyFile> keyFile(Node value) {
        Optional<String> text = string(value, "keyfile", "a file path such as /etc/vigil/authkey");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            Path dir = file.toAbsolutePath().getParent();
            path = (dir == null ? Path.of(text.get()) : dir.resolve(text.get())).normalize();
        } catch (InvalidPathException e) {
            error(value.pos(), "keyfile `" + text.get() + "` is not a valid path: " + e.getReason());
            return Optional.empty();
        }
        if (!keyFileHere) {
            // Only the shape was checked; this stand-in key never leaves ConfigLoader.checkAwayFromNodes.
            return Optional.of(new KeyFile(path, new ClusterKey(new byte[MIN_KEY_BYTES])));
        }
        Pos at = value.pos();
        // Never a hint to write into /dev, /proc or /sys: followed as root, that can harm the machine.
        boolean special = path.startsWith("/dev") || path.startsWith("/proc") || path.startsWith("/sys");
        String make = String.format(MAKE_KEY, special ? DEFAULT_KEY_FILE : path.toString())
                + (special ? " and point keyfile at it" : "");
        if (!Files.exists(path)) {
            error(at, "key file " + path + " does not exist; make one with: " + make);
            return Optional.empty();
        }
        try {
            var attrs = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
            if (!attrs.isRegularFile()) {
                // Never suggest writing a key over a device or a FIFO: followed as root, that harms.
                error(at, "key file " + path + " is " + BoundedFile.kind(path, attrs)
                        + ", not a regular file; point keyfile at a regular file, made for example with: "
                        + String.format(MAKE_KEY, DEFAULT_KEY_FILE));
                return Optional.empty();
            }
        } catch (IOException e) {
            error(at, "cannot read key file " + path + ": " + describe(e));
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))
                    && !perms.equals(Set.of(PosixFilePermission.OWNER_READ))) {
                error(at, "key file " + path + " has mode " + octal(perms)
                        + "; it must be 0600 or 0400 so that no one but its owner can read or change it: chmod 600 "
                        + path);
            }
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        } catch (IOException e) {
            error(at, "cannot read the mode of key file " + path + ": " + describe(e));
        }
        byte[] bytes;
        try {
            bytes = BoundedFile.readBytes(path, BoundedFile.KEY_FILE_LIMIT, "key file");
        } catch (BoundedFile.Refused e) {
            error(at, "key file " + e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            error(at, "cannot read key file " + path + ": " + describe(e));
            return Optional.empty();
        }
        int end = bytes.length;
        while (end > 0 && Character.isWhitespace(bytes[end - 1])) {
            end--;
        }
        if (end == 0) {
            error(at, "key file " + path + " is empty; make a key with: " + make);
            return Optional.empty();
        }
        if (end < MIN_KEY_BYTES) {
            error(at, "the key in " + path + " is only " + end + " bytes; it must be at least " + MIN_KEY_BYTES
                    + ". Make a new one with: " + make);
            return Optional.empty();
        }
        return Optional.of(new KeyFile(path, new ClusterKey(Arrays.copyOf(bytes, end))));
    }

    private static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }
}
