package dev.vigil.playbook.steps;

import dev.vigil.config.BoundedFile;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * {@code authkey}: the cluster's shared key. The key lives on the operator's machine ({@code
 * source}, relative to the playbook), made once when missing (32 random bytes, base64, as the
 * cluster file's example makes it), and is copied to {@code path} on every host with mode 0600.
 * The key is a secret: its content never appears in a diff or a message. The run journal keeps
 * the previous key of a host (mode 0600, in its 0700 run directory) so that undo can put it back.
 */
final class AuthKeyStep implements Step {
    static final String DEFAULT_PATH = "/etc/vigil/authkey";
    static final String DEFAULT_SOURCE = "authkey";
    /** The agent's minimum (KeyFileSection.MIN_KEY_BYTES, not visible from here). */
    static final int MIN_KEY_BYTES = 16;
    static final int NEW_KEY_BYTES = 32;
    static final String HIDDEN = "content hidden: a key";
    /** One creation at a time in this JVM; across processes the hard link below decides. */
    private static final Object CREATING = new Object();

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        var params = new java.util.HashMap<>(p);
        params.putIfAbsent("path", DEFAULT_PATH);
        String path = Step.path(params, "path");
        String sourceText = p.getOrDefault("source", DEFAULT_SOURCE);
        if (sourceText.isBlank() || sourceText.contains("\0")) throw new Failure("`source` must name a file, got '" + sourceText + "'");
        Path source = ctx.dir().resolve(sourceText).normalize();

        String created = "";
        if (!Files.exists(source)) {
            if (!apply) {
                return new Outcome(true, "would create the key " + source + " (" + NEW_KEY_BYTES
                        + " random bytes, base64, mode 0600) and copy it to " + path + " (" + HIDDEN + ")", "");
            }
            created = create(source) ? "created the key " + source + "; " : "";
        }
        byte[] key = readSource(source);

        Host.Kind kind = host.kind(path);
        if (kind == Host.Kind.DIRECTORY || kind == Host.Kind.OTHER) {
            throw new Failure(path + " is " + (kind == Host.Kind.DIRECTORY ? "a directory" : "not a regular file")
                    + "; the key must be a regular file");
        }
        String parent = FileStep.parent(path);
        if (kind == Host.Kind.MISSING) {
            if (!apply) return new Outcome(true, "would copy the key to " + path + ", mode 0600 (" + HIDDEN + ")", "");
            if (host.kind(parent) == Host.Kind.MISSING) host.mkdirs(parent, Optional.of(0755));
            ctx.before().replacing(host, path, Optional.empty(), Optional.empty(), key);
            host.write(path, key, Optional.of(0600));
            return new Outcome(true, created + "copied the key to " + path + ", mode 0600 (" + HIDDEN + ")", "");
        }
        byte[] current = host.read(path, BoundedFile.KEY_FILE_LIMIT);
        int mode = host.mode(path);
        boolean same = java.security.MessageDigest.isEqual(current, key);
        boolean ownerWrong = !ownedByRootIfRoot(host, path);
        if (same && mode == 0600 && !ownerWrong) return Outcome.ok("up to date (" + HIDDEN + ")");
        String what = !same ? "a different key in " + path + ": replace" + (apply ? "d" : "") + " it"
                : mode != 0600 ? "mode " + Step.octal(mode) + " → 0600 of " + path
                : "owner of " + path + " → root";
        if (!apply) return new Outcome(true, "would change: " + what + " (" + HIDDEN + ")", "");
        ctx.before().replacing(host, path, Optional.of(current), Optional.of(mode), key);
        if (same && !ownerWrong) {
            host.chmod(path, 0600);
        } else {
            // A new file (temp file renamed over it) belongs to whoever writes it: root, when running as root.
            host.write(path, key, Optional.of(0600));
        }
        return new Outcome(true, created + what + " (" + HIDDEN + ")", "");
    }

    /**
     * Creates the key at {@code source}, atomically and only once: written to a temp file beside
     * it (0600 from the start), then hard-linked to its name, which fails when another run made it
     * first; the loser uses the winner's key.
     *
     * @return whether this call made it
     */
    static boolean create(Path source) throws IOException, Failure {
        Path dir = source.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new Failure("cannot create the key " + source + ": no directory " + dir);
        byte[] random = new byte[NEW_KEY_BYTES];
        new SecureRandom().nextBytes(random);
        byte[] text = (Base64.getEncoder().encodeToString(random) + "\n").getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(random, (byte) 0);
        synchronized (CREATING) {
            Path tmp = Files.createTempFile(dir, ".authkey-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(text));
                    ch.force(true);
                }
                Files.createLink(source, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The operator's key: a regular file, private to its owner, long enough for the agent. */
    static byte[] readSource(Path source) throws Failure, IOException {
        if (!Files.isRegularFile(source)) throw new Failure("the key " + source + " is not a regular file");
        var perms = Files.getPosixFilePermissions(source);
        if (LocalHost.toBits(perms) != 0600 && LocalHost.toBits(perms) != 0400) {
            throw new Failure("the key " + source + " has mode " + Step.octal(LocalHost.toBits(perms))
                    + "; it must be 0600 or 0400 so that no one else can read it: chmod 600 " + source);
        }
        byte[] key = BoundedFile.readBytes(source, BoundedFile.KEY_FILE_LIMIT, "key file");
        int end = key.length;
        while (end > 0 && Character.isWhitespace(key[end - 1])) end--;
        if (end < MIN_KEY_BYTES) {
            throw new Failure("the key " + source + " is " + end + " bytes; the agent needs at least " + MIN_KEY_BYTES
                    + " (delete it and a new one is made, or: head -c 32 /dev/urandom | base64 > " + source + ")");
        }
        return key;
    }

    /** False only when the step runs as root on the host and the file belongs to someone else. */
    private static boolean ownedByRootIfRoot(Host host, String path) throws IOException {
        var r = host.shell("id -u; stat -L -c %u " + Quoting.sh(path), java.time.Duration.ofSeconds(30));
        if (!r.ok()) return true; // cannot tell: the content and mode are still checked
        var lines = r.output().strip().split("\\s+");
        return lines.length != 2 || !lines[0].equals("0") || lines[1].equals("0");
    }
}
