package dev.vigil.drill.schedule;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.config.AtomicFile;
import dev.vigil.config.BoundedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every fire the runner decided on, with its outcome ({@code <state-dir>/schedule.json}, written
 * atomically, the newest {@value #KEEP}). A fire is recorded <em>before</em> its drill starts, so a
 * runner that dies mid-drill leaves a record and its successor does not run that fire again; the
 * successor reads the log to know which fires since the last record were missed. Its state directory
 * therefore belongs on storage that moves with the runner (docs/drills.md, "Scheduled drills").
 */
public final class FireLog {
    static final int KEEP = 500;
    private static final int LIMIT = 4 * 1024 * 1024;

    /**
     * One fire. Times are ISO-8601 instants (text, so the file reads without a Jackson time module).
     *
     * @param outcome RUN, SKIPPED_BLACKOUT, SKIPPED_LATE or SKIPPED_RUNNING
     * @param result  for a run, the drill's verdict and report id once it ended ({@code running} until then)
     */
    public record Fire(String entry, String drill, String scheduled, String decided, String runner, String outcome,
                       String reason, String result) {
        public Instant scheduledAt() {
            return Instant.parse(scheduled);
        }

        Fire withResult(String r) {
            return new Fire(entry, drill, scheduled, decided, runner, outcome, reason, r);
        }
    }

    /** The file's content. */
    public record State(List<Fire> fires) {}

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final List<Fire> fires = new ArrayList<>();

    private FireLog(Path file) {
        this.file = file;
    }

    /** The log in {@code stateDir}; empty when there is none yet. A file that cannot be read is an error, not an empty log: it would make every fire look missed. */
    public static FireLog open(Path stateDir) throws IOException {
        var log = new FireLog(stateDir.resolve("schedule.json"));
        if (Files.isRegularFile(log.file)) {
            var s = log.json.readValue(BoundedFile.readBytes(log.file, LIMIT, "fire log"), State.class);
            if (s.fires() != null) log.fires.addAll(s.fires());
        }
        return log;
    }

    public Path file() {
        return file;
    }

    public synchronized List<Fire> fires() {
        return List.copyOf(fires);
    }

    /** The latest fire recorded for this entry (by scheduled time). */
    public synchronized Optional<Fire> last(String entry) {
        return fires.stream().filter(f -> f.entry().equals(entry)).max(Comparator.comparing(Fire::scheduledAt));
    }

    public synchronized boolean has(String entry, Instant scheduled) {
        return fires.stream().anyMatch(f -> f.entry().equals(entry) && f.scheduledAt().equals(scheduled));
    }

    public synchronized void add(Fire f) throws IOException {
        fires.add(f);
        while (fires.size() > KEEP) fires.remove(0);
        save();
    }

    /** Sets the result of the fire of {@code entry} at {@code scheduled}. */
    public synchronized void result(String entry, Instant scheduled, String result) throws IOException {
        for (int i = fires.size() - 1; i >= 0; i--) {
            var f = fires.get(i);
            if (f.entry().equals(entry) && f.scheduledAt().equals(scheduled)) {
                fires.set(i, f.withResult(result));
                save();
                return;
            }
        }
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFile.write(file, json.writeValueAsBytes(new State(List.copyOf(fires))));
    }
}
