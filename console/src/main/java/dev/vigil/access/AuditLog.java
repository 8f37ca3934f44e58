package dev.vigil.access;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Append-only record of every action that changes something, or was refused: one JSON object per
 * line with time, user (key fingerprint and comment), role, action, target and outcome. Opened in
 * append mode and written with one write per line, so concurrent sessions never interleave
 * within a line and nothing already written is ever rewritten.
 */
public final class AuditLog implements AutoCloseable {
    private final Path file;
    private final Clock clock;
    private final OutputStream out;

    /** One line of the log, as read back by the console's audit screen. */
    public record Entry(String time, String user, String keyFingerprint, String keyComment, String role,
                        String action, String target, String outcome) {}

    public AuditLog(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        var dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        this.out = Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    public synchronized void record(Operator who, String action, String target, String outcome) throws IOException {
        var line = new LinkedHashMap<String, String>();
        line.put("time", clock.instant().toString());
        line.put("user", who.user());
        line.put("keyFingerprint", who.keyFingerprint());
        line.put("keyComment", who.keyComment());
        line.put("role", who.role().configName());
        line.put("action", action);
        line.put("target", target);
        line.put("outcome", outcome);
        byte[] bytes = (dev.vigil.control.ControlProtocol.mapper().writeValueAsString(line) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        out.flush();
    }

    /** The last {@code max} entries, oldest first; lines that do not parse are skipped. */
    public List<Entry> tail(int max) throws IOException {
        var lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        var out = new ArrayList<Entry>();
        for (int i = Math.max(0, lines.size() - max); i < lines.size(); i++) {
            try {
                @SuppressWarnings("unchecked")
                Map<String, String> m = dev.vigil.control.ControlProtocol.mapper().readValue(lines.get(i), Map.class);
                out.add(new Entry(m.get("time"), m.get("user"), m.get("keyFingerprint"), m.get("keyComment"),
                        m.get("role"), m.get("action"), m.get("target"), m.get("outcome")));
            } catch (IOException e) {
                // a torn last line after a crash: skip it
            }
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
