package dev.vigil.playbook.host;

import dev.vigil.config.AtomicFile;
import dev.vigil.config.BoundedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** This machine, without SSH: the {@code local} host. */
public final class LocalHost implements Host {
    /** How much of a command's output is kept: the last 64 KiB; the rest is read and dropped so the command never blocks. */
    public static final int OUTPUT_CAP = 64 * 1024;

    private final String name;

    public LocalHost(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Exec shell(String command, Duration timeout) throws IOException {
        var pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        var tail = new Tail(OUTPUT_CAP);
        Thread reader = new Thread(() -> drain(p.getInputStream(), tail), "playbook-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            // A background child may keep the pipe open; its output after this is not waited for.
            reader.join(2000);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running: " + command, e);
        }
        synchronized (tail) {
            return new Exec(finished ? p.exitValue() : -1, tail.text(), !finished, tail.total > tail.buf.length);
        }
    }

    /** The last {@code cap} bytes of a stream: what a failing command says last is what explains it. */
    private static final class Tail {
        final byte[] buf;
        long total;

        Tail(int cap) {
            buf = new byte[cap];
        }

        synchronized void write(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                buf[(int) (total++ % buf.length)] = b[i];
            }
        }

        synchronized String text() {
            if (total <= buf.length) return new String(buf, 0, (int) total, StandardCharsets.UTF_8);
            int start = (int) (total % buf.length);
            var out = new ByteArrayOutputStream(buf.length);
            out.write(buf, start, buf.length - start);
            out.write(buf, 0, start);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static void drain(InputStream in, Tail tail) {
        byte[] b = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(b)) >= 0) tail.write(b, n);
        } catch (IOException e) {
            // The process was killed; what was read so far is the output.
        }
    }

    @Override
    public Kind kind(String path) {
        Path p = Path.of(path);
        if (Files.isRegularFile(p)) return Kind.FILE;
        if (Files.isDirectory(p)) return Kind.DIRECTORY;
        if (Files.exists(p) || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return Kind.OTHER;
        return Kind.MISSING;
    }

    @Override
    public byte[] read(String path, int limit) throws IOException {
        return BoundedFile.readBytes(Path.of(path), limit, "file a playbook manages");
    }

    @Override
    public void write(String path, byte[] content, Optional<Integer> mode) throws IOException {
        Path p = Path.of(path);
        if (Files.isSymbolicLink(p)) {
            // Steps read through a link (BoundedFile follows it), so they write through it too,
            // rather than replace the link with a file. A dangling link fails here, naming the path.
            p = p.toRealPath();
        }
        int m = mode.isPresent() ? mode.get() : Files.isRegularFile(p) ? mode(path) : 0644;
        // AtomicFile creates its temp file 0600 and renames it over the target; the mode is set
        // after, so the file is never more open than asked, only briefly more closed.
        AtomicFile.write(p, content);
        chmod(p.toString(), m);
    }

    @Override
    public int mode(String path) throws IOException {
        return toBits(Files.getPosixFilePermissions(Path.of(path)));
    }

    @Override
    public void chmod(String path, int mode) throws IOException {
        Files.setPosixFilePermissions(Path.of(path), fromBits(mode));
    }

    @Override
    public void mkdirs(String path, Optional<Integer> mode) throws IOException {
        Path p = Path.of(path);
        Files.createDirectories(p);
        if (mode.isPresent()) chmod(path, mode.get());
    }

    @Override
    public java.util.List<String> list(String dir, int limit) throws IOException {
        try (var s = Files.list(Path.of(dir))) {
            var names = s.limit(limit + 1L).map(p -> p.getFileName().toString()).sorted().toList();
            if (names.size() > limit) throw new IOException(dir + " holds more than " + limit + " entries");
            return names;
        }
    }

    @Override
    public void delete(String path) throws IOException {
        Files.deleteIfExists(Path.of(path));
    }

    private static final PosixFilePermission[] BITS = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    public static int toBits(Set<PosixFilePermission> perms) {
        int m = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) m |= 1 << i;
        }
        return m;
    }

    static Set<PosixFilePermission> fromBits(int mode) {
        var s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) s.add(BITS[i]);
        }
        return s;
    }
}
