package dev.vigil.control;

import static dev.vigil.json.StreamingJson.array;
import static dev.vigil.json.StreamingJson.bool;
import static dev.vigil.json.StreamingJson.boxedLong;
import static dev.vigil.json.StreamingJson.number;
import static dev.vigil.json.StreamingJson.object;
import static dev.vigil.json.StreamingJson.skip;
import static dev.vigil.json.StreamingJson.string;
import static dev.vigil.json.StreamingJson.strings;
import static dev.vigil.json.StreamingJson.text;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.vigil.json.StreamingJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link HistoryReport} in JSON without databind (the agent does not load it): the control answer
 * and the history file in the state directory are the same document. Byte for byte what databind
 * writes for the records, so clients read it with databind.
 */
public final class HistoryJson {
    private HistoryJson() {}

    public static byte[] write(HistoryReport h) throws IOException {
        return StreamingJson.write(h, HistoryJson::history);
    }

    /** Unknown fields are skipped, missing lists read as empty: a newer or older file still loads. */
    public static HistoryReport read(byte[] json) throws IOException {
        return StreamingJson.read(json, HistoryJson::history);
    }

    static void history(JsonGenerator g, HistoryReport h) throws IOException {
        g.writeStartObject();
        string(g, "node", h.node());
        array(g, "operations", h.operations(), (q, o) -> {
            q.writeStartObject();
            number(q, "atMs", o.atMs());
            string(q, "node", o.node());
            string(q, "resource", o.resource());
            string(q, "operation", o.operation());
            string(q, "outcome", o.outcome());
            if (o.rc() == null) {
                q.writeNullField("rc");
            } else {
                q.writeNumberField("rc", o.rc());
            }
            string(q, "reason", o.reason());
            number(q, "durationMs", o.durationMs());
            bool(q, "failed", o.failed());
            q.writeEndObject();
        });
        array(g, "fencing", h.fencing(), (q, f) -> {
            q.writeStartObject();
            number(q, "atMs", f.atMs());
            string(q, "target", f.target());
            string(q, "by", f.by());
            string(q, "action", f.action());
            strings(q, "devices", f.devices());
            bool(q, "fenced", f.fenced());
            string(q, "reason", f.reason());
            q.writeEndObject();
        });
        array(g, "events", h.events(), (q, e) -> {
            q.writeStartObject();
            number(q, "atMs", e.atMs());
            string(q, "kind", e.kind());
            string(q, "node", e.node());
            string(q, "message", e.message());
            q.writeEndObject();
        });
        g.writeEndObject();
    }

    private static HistoryReport history(JsonParser p) throws IOException {
        var f = new Object() {
            String node;
            List<HistoryReport.OperationRecord> ops = new ArrayList<>();
            List<HistoryReport.FenceRecord> fences = new ArrayList<>();
            List<HistoryReport.EventRecord> events = new ArrayList<>();
        };
        object(p, (name, q) -> {
            switch (name) {
                case "node" -> f.node = text(q);
                case "operations" -> f.ops = orEmpty(StreamingJson.list(q, HistoryJson::operation));
                case "fencing" -> f.fences = orEmpty(StreamingJson.list(q, HistoryJson::fence));
                case "events" -> f.events = orEmpty(StreamingJson.list(q, HistoryJson::event));
                default -> skip(q);
            }
        });
        return new HistoryReport(f.node, f.ops, f.fences, f.events);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list.stream().filter(java.util.Objects::nonNull).toList();
    }

    private static HistoryReport.OperationRecord operation(JsonParser p) throws IOException {
        var f = new Object() {
            long atMs;
            String node, resource, operation, outcome, reason;
            Long rc, durationMs;
            boolean failed;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "atMs" -> f.atMs = StreamingJson.longValue(q);
                case "node" -> f.node = text(q);
                case "resource" -> f.resource = text(q);
                case "operation" -> f.operation = text(q);
                case "outcome" -> f.outcome = text(q);
                case "rc" -> f.rc = boxedLong(q);
                case "reason" -> f.reason = text(q);
                case "durationMs" -> f.durationMs = boxedLong(q);
                case "failed" -> f.failed = StreamingJson.bool(q);
                default -> skip(q);
            }
        });
        return new HistoryReport.OperationRecord(f.atMs, f.node, f.resource, f.operation, f.outcome,
                f.rc == null ? null : f.rc.intValue(), f.reason, f.durationMs, f.failed);
    }

    private static HistoryReport.FenceRecord fence(JsonParser p) throws IOException {
        var f = new Object() {
            long atMs;
            String target, by, action, reason;
            List<String> devices = List.of();
            boolean fenced;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "atMs" -> f.atMs = StreamingJson.longValue(q);
                case "target" -> f.target = text(q);
                case "by" -> f.by = text(q);
                case "action" -> f.action = text(q);
                case "devices" -> f.devices = orEmpty(StreamingJson.stringList(q));
                case "fenced" -> f.fenced = StreamingJson.bool(q);
                case "reason" -> f.reason = text(q);
                default -> skip(q);
            }
        });
        return new HistoryReport.FenceRecord(f.atMs, f.target, f.by, f.action, f.devices, f.fenced, f.reason);
    }

    private static HistoryReport.EventRecord event(JsonParser p) throws IOException {
        var f = new Object() {
            long atMs;
            String kind, node, message;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "atMs" -> f.atMs = StreamingJson.longValue(q);
                case "kind" -> f.kind = text(q);
                case "node" -> f.node = text(q);
                case "message" -> f.message = text(q);
                default -> skip(q);
            }
        });
        return new HistoryReport.EventRecord(f.atMs, f.kind, f.node, f.message);
    }
}
