package dev.vigil.control;

import static dev.vigil.json.StreamingJson.longValue;
import static dev.vigil.json.StreamingJson.number;
import static dev.vigil.json.StreamingJson.object;
import static dev.vigil.json.StreamingJson.skip;
import static dev.vigil.json.StreamingJson.string;
import static dev.vigil.json.StreamingJson.text;

import dev.vigil.config.AtomicFile;
import dev.vigil.json.StreamingJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The drill reports this agent keeps for the cluster (docs/drills.md, "Reports in the cluster"): the
 * drill's runner hands each finished report to every agent it reaches, so the history survives the
 * loss of any one node. A report is opaque here (gzip'd JSON, as the runner sent it) with a one-line
 * summary for {@code vigil drill history}. It travels in parts that fit the control channel's 64 KB
 * request line and is read back in parts, so the agent never holds a whole report; every size and
 * count is bounded, and retention (count and age, from the cluster file's {@code drills: reports:},
 * sent by the runner with each report) is applied when one is complete.
 *
 * <p>Op {@code drill-reports}, verb {@code put ID PART PARTS KEEP MAX-AGE-MS DRILL VERDICT GAP-MS REASON}
 * (text: the part, base64), {@code list}, {@code get ID PART}.
 */
public final class DrillReportShelf {
    /** Raw bytes per part: base64 of it and the request around it stay well under the 64 KB line. */
    public static final int PART_BYTES = 32 * 1024;
    /** Read back in larger parts: an answer may be 8 MB, but the agent holds one part at a time. */
    public static final int GET_PART_BYTES = 256 * 1024;
    /** A gzip'd report: a 10 ms probe over a 5-minute budget compresses to well under this. */
    public static final int MAX_REPORT_BYTES = 8 * 1024 * 1024;
    /** Whatever the cluster file says: at most this many reports and bytes on one node. */
    public static final int MAX_KEEP = 1000;
    public static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;
    private static final int MAX_TEXT = 500;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** What {@code list} gives per report. */
    public record Summary(String id, String drill, String verdict, long gapMs, String reason, long bytes, long storedMs) {}

    private final Path dir;
    private final Clock clock;

    public DrillReportShelf(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** The answer to one request (a JSON text or a word), or an exception whose message is the error. */
    public synchronized String answer(String verb, List<String> args, String text) throws IOException {
        return switch (verb == null ? "" : verb) {
            case "put" -> put(args, text);
            case "list" -> list();
            case "get" -> {
                if (args.size() != 2) throw new IllegalArgumentException("get needs the report id and the part");
                yield get(id(args.get(0)), parse(args.get(1), "part"));
            }
            default -> throw new IllegalArgumentException("drill-reports: unknown verb '" + verb + "'; known: put, list, get");
        };
    }

    private String put(List<String> a, String text) throws IOException {
        if (a.size() != 9) throw new IllegalArgumentException("put needs id, part, parts, keep, max age, drill, verdict, gap, reason");
        String id = id(a.get(0));
        long part = parse(a.get(1), "part");
        long parts = parse(a.get(2), "parts");
        if (parts < 1 || part >= parts || parts * PART_BYTES > MAX_REPORT_BYTES + PART_BYTES) {
            throw new IllegalArgumentException("part " + part + " of " + parts + ": at most " + MAX_REPORT_BYTES + " bytes in parts of " + PART_BYTES);
        }
        byte[] data = Base64.getDecoder().decode(text == null ? "" : text);
        if (data.length > PART_BYTES) throw new IllegalArgumentException("a part holds at most " + PART_BYTES + " bytes");
        if (Files.exists(report(id))) return "kept"; // the same report again (a retried hand-over): nothing to do
        var partial = dir.resolve(".incoming").resolve(id + ".part");
        Files.createDirectories(partial.getParent());
        long have = part == 0 ? 0 : Files.exists(partial) ? Files.size(partial) : -1;
        if (have != part * PART_BYTES) {
            throw new IllegalArgumentException("part " + part + " of " + id + " out of order; send from part 0");
        }
        if (part == 0) {
            Files.write(partial, data);
        } else {
            Files.write(partial, data, StandardOpenOption.APPEND);
        }
        if (part < parts - 1) return "part " + part + " kept";
        var summary = new Summary(id, bounded(a.get(5)), bounded(a.get(6)), parse(a.get(7), "gap"), bounded(a.get(8)),
                Files.size(partial), clock.millis());
        AtomicFile.write(meta(id), StreamingJson.write(summary, DrillReportShelf::write));
        Files.move(partial, report(id), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        retain((int) Math.min(MAX_KEEP, Math.max(1, parse(a.get(3), "keep"))), Duration.ofMillis(parse(a.get(4), "max age")));
        return "kept";
    }

    /** Every complete report's summary, newest first (ids start with the run's UTC start time). */
    private String list() throws IOException {
        return new String(StreamingJson.write(summaries(), (g, all) -> {
            g.writeStartArray();
            for (var s : all) write(g, s);
            g.writeEndArray();
        }), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** One part of a report, base64; {@code {"parts": N, "data": "..."}}. */
    private String get(String id, long part) throws IOException {
        var file = report(id);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no report " + id + " on this node");
        long size = Files.size(file);
        long parts = Math.max(1, (size + GET_PART_BYTES - 1) / GET_PART_BYTES);
        if (part < 0 || part >= parts) throw new IllegalArgumentException("report " + id + " has " + parts + " parts");
        byte[] chunk;
        try (var ch = Files.newByteChannel(file)) {
            ch.position(part * GET_PART_BYTES);
            var buf = java.nio.ByteBuffer.allocate((int) Math.min(GET_PART_BYTES, size - part * GET_PART_BYTES));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read the whole part
            }
            chunk = buf.array();
        }
        String data = Base64.getEncoder().encodeToString(chunk);
        return new String(StreamingJson.write(data, (g, d) -> {
            g.writeStartObject();
            number(g, "parts", parts);
            string(g, "data", d);
            g.writeEndObject();
        }), java.nio.charset.StandardCharsets.UTF_8);
    }

    List<Summary> summaries() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        var out = new ArrayList<Summary>();
        try (Stream<Path> files = Files.list(dir)) {
            for (var m : files.filter(p -> p.getFileName().toString().endsWith(".meta")).toList()) {
                String id = m.getFileName().toString().replaceFirst("\\.meta$", "");
                if (!Files.exists(report(id))) continue;
                try {
                    out.add(StreamingJson.read(dev.vigil.config.BoundedFile.readBytes(m, 4 * MAX_TEXT + 1024, "drill report summary"),
                            DrillReportShelf::read));
                } catch (IOException e) {
                    // a damaged summary hides its report from the list, nothing else
                }
            }
        }
        out.sort(Comparator.comparing(Summary::id).reversed());
        return out;
    }

    /** Newest {@code keep} within {@code maxAge}, and within the node's hard bounds; the rest deleted. */
    private void retain(int keep, Duration maxAge) throws IOException {
        long oldest = clock.millis() - maxAge.toMillis();
        long total = 0;
        int n = 0;
        for (var s : summaries()) {
            n++;
            total += s.bytes();
            if (n > keep || s.storedMs() < oldest || total > MAX_TOTAL_BYTES) {
                Files.deleteIfExists(report(s.id()));
                Files.deleteIfExists(meta(s.id()));
            }
        }
    }

    private Path report(String id) {
        return dir.resolve(id + ".json.gz");
    }

    private Path meta(String id) {
        return dir.resolve(id + ".meta");
    }

    private static String id(String id) {
        if (!ID.matcher(id).matches()) throw new IllegalArgumentException("bad report id '" + bounded(id) + "'");
        return id;
    }

    private static long parse(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": expected a number, not '" + bounded(s) + "'");
        }
    }

    private static String bounded(String s) {
        return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    private static void write(com.fasterxml.jackson.core.JsonGenerator g, Summary s) throws IOException {
        g.writeStartObject();
        string(g, "id", s.id());
        string(g, "drill", s.drill());
        string(g, "verdict", s.verdict());
        number(g, "gapMs", s.gapMs());
        string(g, "reason", s.reason());
        number(g, "bytes", s.bytes());
        number(g, "storedMs", s.storedMs());
        g.writeEndObject();
    }

    private static Summary read(com.fasterxml.jackson.core.JsonParser p) throws IOException {
        var f = new Object() {
            String id, drill, verdict, reason;
            long gapMs, bytes, storedMs;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "id" -> f.id = text(q);
                case "drill" -> f.drill = text(q);
                case "verdict" -> f.verdict = text(q);
                case "reason" -> f.reason = text(q);
                case "gapMs" -> f.gapMs = longValue(q);
                case "bytes" -> f.bytes = longValue(q);
                case "storedMs" -> f.storedMs = longValue(q);
                default -> skip(q);
            }
        });
        return new Summary(f.id, f.drill, f.verdict, f.gapMs, f.reason, f.bytes, f.storedMs);
    }
}
