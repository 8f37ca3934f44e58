package dev.vigil.drill.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.control.DrillReportShelf;
import dev.vigil.drill.ClusterAccess.Named;
import dev.vigil.drill.schedule.DrillSchedule.Retention;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Drill reports in the cluster (docs/drills.md, "Reports in the cluster"): the runner hands each
 * finished report to every agent it reaches, each keeps it with the cluster's retention, and the
 * history is read from all of them and merged by id, so it survives the loss of any one node.
 */
public final class ClusterReports {
    private ClusterReports() {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int MAX_REASON = 300;

    /** One report in the merged history, with the agents that hold it. */
    public record Entry(String id, String drill, String verdict, long gapMs, String reason, List<String> heldBy) {}

    /** Hands the report to every agent; returns, per agent, "kept" or why not. */
    public static LinkedHashMap<String, String> handOut(DrillReport report, List<Named> agents, Retention retention) {
        var out = new LinkedHashMap<String, String>();
        byte[] gz;
        try {
            gz = gzip(JSON.writeValueAsBytes(report));
        } catch (IOException e) {
            agents.forEach(a -> out.put(a.name(), "not kept: " + e.getMessage()));
            return out;
        }
        int parts = Math.max(1, (gz.length + DrillReportShelf.PART_BYTES - 1) / DrillReportShelf.PART_BYTES);
        String reason = report.reason() == null ? "" : report.reason();
        if (reason.length() > MAX_REASON) reason = reason.substring(0, MAX_REASON);
        for (var a : agents) {
            try {
                for (int p = 0; p < parts; p++) {
                    int from = p * DrillReportShelf.PART_BYTES;
                    int to = Math.min(gz.length, from + DrillReportShelf.PART_BYTES);
                    String data = Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(gz, from, to));
                    a.client().drillReports("put", List.of(report.id(), Integer.toString(p), Integer.toString(parts),
                            Integer.toString(retention.keep()), Long.toString(retention.maxAge().toMillis()), report.drill(),
                            report.verdict(), Long.toString(report.gapMs() == null ? -1 : report.gapMs()),
                            reason.isEmpty() ? "-" : reason), data);
                }
                out.put(a.name(), "kept");
            } catch (IOException e) {
                out.put(a.name(), "not kept: " + e.getMessage());
            }
        }
        return out;
    }

    /** Every agent's reports, merged by id (one entry per report, with who holds it), oldest first (ids start with the run's UTC start). */
    public static List<Entry> history(List<Named> agents) {
        var byId = new java.util.TreeMap<String, Entry>();
        for (var a : agents) {
            List<DrillReportShelf.Summary> listed;
            try {
                listed = JSON.readValue(a.client().drillReports("list", List.of(), null), new TypeReference<>() {});
            } catch (IOException e) {
                continue; // a node down: the others hold its copies
            }
            for (var s : listed) {
                var known = byId.get(s.id());
                var holders = new TreeSet<String>(known == null ? List.of() : known.heldBy());
                holders.add(a.name());
                byId.put(s.id(), new Entry(s.id(), s.drill(), s.verdict(), s.gapMs(), s.reason(), List.copyOf(holders)));
            }
        }
        return List.copyOf(byId.values());
    }

    /** The report from the first agent that holds it. */
    public static Optional<DrillReport> fetch(String id, List<Named> agents) {
        for (var a : agents) {
            try {
                var buf = new ByteArrayOutputStream();
                int parts = 1;
                for (int p = 0; p < parts; p++) {
                    var part = JSON.readTree(a.client().drillReports("get", List.of(id, Integer.toString(p)), null));
                    parts = part.get("parts").asInt();
                    buf.write(Base64.getDecoder().decode(part.get("data").asText()));
                }
                return Optional.of(JSON.readValue(gunzip(buf.toByteArray()), DrillReport.class));
            } catch (IOException | RuntimeException e) {
                // not there (or that node is down): the next one
            }
        }
        return Optional.empty();
    }

    static byte[] gzip(byte[] data) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var z = new GZIPOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    static byte[] gunzip(byte[] data) throws IOException {
        try (var z = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return z.readNBytes(256 * 1024 * 1024);
        }
    }
}
