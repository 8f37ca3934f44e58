package dev.vigil.drill.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.config.AtomicFile;
import dev.vigil.config.BoundedFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Drill reports and the one-drill-at-a-time lock, in a state directory on the machine that runs
 * the drills ({@code <dir>/reports/<id>.json}, written atomically; {@code <dir>/drill.lock}).
 * This is the first step: the issue wants the history replicated in the cluster (surviving the
 * loss of any one node) and one drill at a time in the whole cluster; here both hold for drills
 * run from this state directory only.
 */
public final class ReportStore {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Big enough for a 10 ms probe over a few minutes. */
    private static final int REPORT_LIMIT = 64 * 1024 * 1024;
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ReportStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public ObjectMapper mapper() {
        return json;
    }

    public Path save(DrillReport report) throws IOException {
        var file = reports().resolve(report.id() + ".json");
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, json.writeValueAsBytes(report));
        return file;
    }

    public Optional<DrillReport> load(String id) throws IOException {
        if (!ID.matcher(id).matches()) return Optional.empty();
        var file = reports().resolve(id + ".json");
        if (!Files.isRegularFile(file)) return Optional.empty();
        return Optional.of(json.readValue(BoundedFile.readBytes(file, REPORT_LIMIT, "drill report"), DrillReport.class));
    }

    /** Every report's id, oldest first (ids start with the UTC time of the run). */
    public List<String> ids() throws IOException {
        if (!Files.isDirectory(reports())) return List.of();
        try (Stream<Path> files = Files.list(reports())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted(Comparator.naturalOrder()).toList();
        }
    }

    private Path reports() {
        return dir.resolve("reports");
    }

    /** Held while a drill runs; {@link #tryLock} of another run (this process or another) fails meanwhile. */
    public interface Lock extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /** The lock, or empty with who holds it (the holder's drill and process, as it wrote them). */
    public Optional<Lock> tryLock(String drill) throws IOException {
        Files.createDirectories(dir);
        var file = dir.resolve("drill.lock");
        var channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(("drill " + drill + ", pid " + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8)), 0);
        var held = lock;
        return Optional.of(() -> {
            held.release();
            channel.close();
        });
    }

    /**
     * Asks the drill running from this state directory to abort (and restore): {@code vigil drill
     * abort}, or Ctrl-C of {@code vigil drill run}. The run looks at every poll.
     */
    public void requestAbort() throws IOException {
        Files.createDirectories(dir);
        AtomicFile.write(dir.resolve("drill.abort"), ("abort requested by pid " + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    public boolean abortRequested() {
        return Files.exists(dir.resolve("drill.abort"));
    }

    /** Forgets an abort request: when a run starts (an old request is not for it) and when it ends. */
    public void clearAbort() throws IOException {
        Files.deleteIfExists(dir.resolve("drill.abort"));
    }

    /** The holder of the lock when a drill runs now, else empty. */
    public Optional<String> running() throws IOException {
        var lock = tryLock("-");
        if (lock.isPresent()) {
            lock.get().close();
            return Optional.empty();
        }
        return Optional.of(holder());
    }

    /** Who holds the lock, as written in it; for the refusal message. */
    public String holder() {
        try {
            return Files.readString(dir.resolve("drill.lock")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
