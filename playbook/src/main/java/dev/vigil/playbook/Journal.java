package dev.vigil.playbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.steps.FileStep;
import dev.vigil.playbook.steps.Step;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The journal of applies, kept on each host under a state directory (default
 * {@value #DEFAULT_DIR}): one directory per run, {@code RUN/journal.json} listing every file the
 * run created or replaced, in order, with its previous mode and a copy of its previous content
 * ({@code RUN/N.orig}, mode 0600), and the SHA-256 of what the run wrote. The index is rewritten
 * (atomically) before each file is replaced, so a run that dies half-way can still be undone.
 *
 * <p>{@link #undo} walks the files backwards: a replaced file gets its previous content and mode
 * back, a created one is removed. A file that changed again since the run is left alone and
 * reported, unless forced, so that undo never silently throws away a later edit. Commands a run
 * ran and directories it created cannot be undone, and are not recorded.
 */
public final class Journal implements Step.FileWatcher {
    public static final String DEFAULT_DIR = "/var/lib/vigil/playbooks";
    /** How large a journal index may grow (a run replacing thousands of files still fits). */
    static final int INDEX_LIMIT = 4 * 1024 * 1024;
    private static final Pattern RUN_ID = Pattern.compile("[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String stateDir;
    private final String runId;
    private final String playbook;
    /**
     * Per host: hosts run in parallel, each on its own thread, and each host's journal is its own
     * (its index lists its files only), so a host waits only for its own entries.
     */
    private final java.util.Map<String, List<ObjectNode>> files = new java.util.concurrent.ConcurrentHashMap<>();

    /** A journal for the run {@code runId} of {@code playbook}, written when the first file changes. */
    public Journal(String stateDir, String runId, String playbook) {
        this.stateDir = stateDir;
        this.runId = runId;
        this.playbook = playbook;
    }

    private static String runDir(String stateDir, String runId) {
        return stateDir + "/" + runId;
    }

    @Override
    public void replacing(Host host, String path, Optional<byte[]> previous, Optional<Integer> previousMode, byte[] next)
            throws IOException {
        String dir = runDir(stateDir, runId);
        var mine = files.computeIfAbsent(host.name(), h -> new ArrayList<>());
        synchronized (mine) {
            replacing(host, dir, mine, path, previous, previousMode, next);
        }
    }

    private void replacing(Host host, String dir, List<ObjectNode> mine, String path, Optional<byte[]> previous,
                           Optional<Integer> previousMode, byte[] next) throws IOException {
        if (mine.isEmpty()) host.mkdirs(dir, Optional.of(0700));
        var entry = JSON.createObjectNode();
        entry.put("host", host.name());
        entry.put("path", path);
        entry.put("existed", previous.isPresent());
        if (previous.isPresent()) {
            String backup = dir + "/" + mine.size() + ".orig";
            host.write(backup, previous.get(), Optional.of(0600));
            entry.put("backup", backup);
            entry.put("mode", previousMode.orElse(0644));
        }
        entry.put("written", sha256(next));
        mine.add(entry);
        writeIndex(host, dir, mine);
    }

    private void writeIndex(Host host, String dir, List<ObjectNode> mine) throws IOException {
        var root = JSON.createObjectNode();
        root.put("run", runId);
        root.put("playbook", playbook);
        root.put("undone", false);
        ArrayNode list = root.putArray("files");
        mine.forEach(list::add);
        host.write(dir + "/journal.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), Optional.of(0600));
    }

    /** One run as {@code vigil playbook runs} lists it. */
    public record Run(String id, String playbook, int files, boolean undone) {}

    /** The runs journaled on {@code host}, oldest first; runs whose index cannot be read are skipped. */
    public static List<Run> runs(Host host, String stateDir) throws IOException {
        var out = new ArrayList<Run>();
        if (host.kind(stateDir) != Host.Kind.DIRECTORY) return out;
        for (String name : host.list(stateDir, 100_000)) {
            if (!RUN_ID.matcher(name).matches()) continue;
            try {
                JsonNode idx = index(host, stateDir, name);
                out.add(new Run(name, idx.path("playbook").asText(), idx.path("files").size(), idx.path("undone").asBoolean()));
            } catch (IOException e) {
                // A run directory without a readable index: nothing was replaced before it died.
            }
        }
        out.sort(java.util.Comparator.comparing(Run::id));
        return out;
    }

    private static JsonNode index(Host host, String stateDir, String runId) throws IOException {
        return JSON.readTree(host.read(runDir(stateDir, runId) + "/journal.json", INDEX_LIMIT));
    }

    /** What undo did to one file. */
    public record Undone(String path, String what, boolean done) {}

    /**
     * Restores what run {@code runId} replaced on {@code host}, newest first.
     *
     * @param force restore also files that changed again after the run
     * @throws IOException when the run is unknown, already undone, or its journal unreadable
     */
    public static List<Undone> undo(Host host, String stateDir, String runId, boolean force) throws IOException {
        if (!RUN_ID.matcher(runId).matches()) throw new IOException("'" + runId + "' is not a run id (like 20261205T191500Z-3fa2)");
        JsonNode idx;
        try {
            idx = index(host, stateDir, runId);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no run " + runId + " in " + stateDir + " on " + host.name() + " (`vigil playbook runs` lists them)");
        }
        if (idx.path("undone").asBoolean()) throw new IOException("run " + runId + " was undone already");
        var files = new ArrayList<JsonNode>();
        idx.path("files").forEach(files::add);
        var out = new ArrayList<Undone>();
        boolean skipped = false;
        for (int i = files.size() - 1; i >= 0; i--) {
            JsonNode f = files.get(i);
            if (f.path("restored").asBoolean() || !f.has("path")) continue; // the index on a host lists its own files only
            String path = f.path("path").asText();
            // Only the last write of a path in this run is compared with what is there now.
            boolean lastWrite = true;
            for (int j = i + 1; j < files.size(); j++) {
                if (files.get(j).path("path").asText().equals(path)) lastWrite = false;
            }
            if (lastWrite && !force) {
                Optional<String> now = host.kind(path) == Host.Kind.FILE
                        ? Optional.of(sha256(host.read(path, FileStep.LIMIT))) : Optional.empty();
                if (now.isEmpty() || !now.get().equals(f.path("written").asText())) {
                    out.add(new Undone(path, "changed since the run; left alone (--force restores it anyway)", false));
                    skipped = true;
                    // Earlier writes of the same path must then stay too.
                    for (int j = i - 1; j >= 0; j--) {
                        if (files.get(j).path("path").asText().equals(path)) files.set(j, JSON.createObjectNode());
                    }
                    continue;
                }
            }
            if (f.path("existed").asBoolean()) {
                byte[] before = host.read(f.path("backup").asText(), FileStep.LIMIT);
                host.write(path, before, Optional.of(f.path("mode").asInt()));
                out.add(new Undone(path, "restored (" + before.length + " bytes, mode " + Step.octal(f.path("mode").asInt()) + ")", true));
            } else {
                host.delete(path);
                out.add(new Undone(path, "removed (the run created it)", true));
            }
            ((ObjectNode) f).put("restored", true);
        }
        {
            // Restored files are marked, so that undoing again (with --force) does the rest only.
            ((ObjectNode) idx).put("undone", !skipped);
            host.write(runDir(stateDir, runId) + "/journal.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(idx),
                    Optional.of(0600));
        }
        return out;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
