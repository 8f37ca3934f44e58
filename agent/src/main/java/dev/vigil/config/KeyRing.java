package dev.vigil.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The keys one agent holds during a key rotation ({@code vigil key rotate}), an explicit state
 * machine of three steps, each confirmed by every member before the next:
 *
 * <pre>
 *  STEADY --stage(new)--> STAGED: accepts current and new, sends with current; the new key is
 *                                 also written beside the key file (KEYFILE.next, 0600)
 *  STAGED --switchTo(new)--> SWITCHED: sends with new, accepts new and the old one; the key file
 *                                 now holds the new key (replaced atomically, 0600)
 *  SWITCHED --retire()--> STEADY: accepts only the new key; KEYFILE.next removed
 * </pre>
 *
 * Because every member accepts both keys before any sends with the new one, and still accepts the
 * old one until every member sends with the new one, no beat is lost to the rotation.
 * Thread-safe; {@link #accepted()} is read on every packet, so it is a prepared list.
 */
public final class KeyRing {
    public enum Step { STEADY, STAGED, SWITCHED }

    private final Path keyFile;
    private ClusterKey current;
    private ClusterKey other;
    private Step step = Step.STEADY;
    private volatile List<ClusterKey> accepted;

    /** @param keyFile where {@code current} is kept; the rotation writes there (and beside it) */
    public KeyRing(Path keyFile, ClusterKey current) {
        this.keyFile = keyFile;
        this.current = current;
        this.accepted = List.of(current);
    }

    /** The key to send with. */
    public synchronized ClusterKey sending() {
        return current;
    }

    /** The keys a received packet or connection may use, the one to send with first. */
    public List<ClusterKey> accepted() {
        return accepted;
    }

    public synchronized Step step() {
        return step;
    }

    /** First step: accept {@code next} too (idempotent). */
    public synchronized void stage(ClusterKey next) throws IOException {
        if (step == Step.SWITCHED && !next.equals(current)) {
            throw new IllegalStateException("a rotation to another key is half done: finish it first (retire)");
        }
        if (step == Step.STEADY && next.equals(current)) return;
        if (step == Step.STEADY) {
            AtomicFile.write(nextFile(), keyFileBytes(next));
            other = next;
            step = Step.STAGED;
            publish();
        }
    }

    /** Second step: send with {@code next}, still accept the old key; the key file holds {@code next} (idempotent). */
    public synchronized void switchTo(ClusterKey next) throws IOException {
        if (step == Step.SWITCHED && next.equals(current)) return;
        if (step != Step.STAGED || !next.equals(other)) {
            throw new IllegalStateException("switch to a key that was not staged here first");
        }
        AtomicFile.write(keyFile, keyFileBytes(next));
        other = current;
        current = next;
        step = Step.SWITCHED;
        publish();
    }

    /** Last step: the old key is refused from now on (idempotent). */
    public synchronized void retire() throws IOException {
        if (step == Step.STAGED) {
            throw new IllegalStateException("retire before the switch would drop the key in use");
        }
        other = null;
        step = Step.STEADY;
        Files.deleteIfExists(nextFile());
        publish();
    }

    /** Undoes a stage that not every member took (the rotation was abandoned before any switch). */
    public synchronized void unstage() throws IOException {
        if (step == Step.STAGED) {
            other = null;
            step = Step.STEADY;
            Files.deleteIfExists(nextFile());
            publish();
        }
    }

    /** A name for a key that gives nothing of it away: the first 8 bytes of an HMAC of a fixed label, hex. */
    public static String fingerprint(ClusterKey key) {
        return HexFormat.of().formatHex(key.derive("vigil key fingerprint"), 0, 8);
    }


    /** The staged key's file: beside the key file, so an agent restarted mid-rotation can be given it by hand. */
    public Path nextFile() {
        return keyFile.resolveSibling(keyFile.getFileName() + ".next");
    }

    public Path keyFile() {
        return keyFile;
    }

    /** What a key file holds: the key's bytes and a newline (the loader strips trailing white space). */
    static byte[] keyFileBytes(ClusterKey key) {
        byte[] b = key.bytes();
        byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
        out[b.length] = '\n';
        return out;
    }

    private void publish() {
        var keys = new ArrayList<ClusterKey>(2);
        keys.add(current);
        Optional.ofNullable(other).ifPresent(keys::add);
        accepted = List.copyOf(keys);
    }
}
