package dev.vigil.control;

import static dev.vigil.json.StreamingJson.array;
import static dev.vigil.json.StreamingJson.bool;
import static dev.vigil.json.StreamingJson.number;
import static dev.vigil.json.StreamingJson.object;
import static dev.vigil.json.StreamingJson.skip;
import static dev.vigil.json.StreamingJson.string;
import static dev.vigil.json.StreamingJson.stringList;
import static dev.vigil.json.StreamingJson.strings;
import static dev.vigil.json.StreamingJson.text;
import static dev.vigil.json.StreamingJson.value;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.vigil.json.StreamingJson;
import java.io.IOException;
import java.util.List;

/**
 * The agent's side of the control protocol in JSON: requests in, answers and events out, byte for
 * byte what Jackson databind wrote for these records (component order, nulls written), without
 * loading databind into the agent. Clients may still read it with databind.
 */
final class ControlJson {
    private ControlJson() {}

    /**
     * A request; unknown fields are ignored and scalars stand for strings, as with databind.
     * Null when the document is JSON {@code null}.
     */
    static ControlProtocol.Request readRequest(byte[] json) throws IOException {
        return StreamingJson.read(json, ControlJson::request);
    }

    static byte[] write(ControlProtocol.Response<?> response) throws IOException {
        return StreamingJson.write(response, ControlJson::response);
    }

    static byte[] write(ControlEvent event) throws IOException {
        return StreamingJson.write(event, ControlJson::event);
    }

    static byte[] write(ControlProtocol.Request request) throws IOException {
        return StreamingJson.write(request, ControlJson::request);
    }

    private static ControlProtocol.Request request(JsonParser p) throws IOException {
        if (p.currentToken() == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
            // Databind took a bare string for Request(String op), so `"status"` is a status request.
            return new ControlProtocol.Request(p.getText());
        }
        var f = new Object() {
            String op, verb, text;
            List<String> args;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "op" -> f.op = text(q);
                case "verb" -> f.verb = text(q);
                case "args" -> f.args = stringList(q);
                case "text" -> f.text = text(q);
                default -> skip(q);
            }
        });
        return new ControlProtocol.Request(f.op, f.verb, f.args, f.text);
    }

    private static void request(JsonGenerator g, ControlProtocol.Request r) throws IOException {
        g.writeStartObject();
        string(g, "op", r.op());
        string(g, "verb", r.verb());
        strings(g, "args", r.args());
        string(g, "text", r.text());
        g.writeEndObject();
    }

    private static void response(JsonGenerator g, ControlProtocol.Response<?> r) throws IOException {
        g.writeStartObject();
        bool(g, "ok", r.ok());
        g.writeFieldName("result");
        result(g, r.result());
        string(g, "error", r.error());
        g.writeEndObject();
    }

    /** The results the agent answers with; anything else is a programming error, caught by the tests. */
    private static void result(JsonGenerator g, Object result) throws IOException {
        if (result == null) {
            g.writeNull();
        } else if (result instanceof String s) {
            g.writeString(s);
        } else if (result instanceof StatusReport s) {
            status(g, s);
        } else if (result instanceof HistoryReport h) {
            HistoryJson.history(g, h);
        } else if (result instanceof SerialTestReport r) {
            serialTest(g, r);
        } else if (result instanceof KeyReport k) {
            g.writeStartObject();
            string(g, "node", k.node());
            string(g, "step", k.step());
            string(g, "fingerprint", k.fingerprint());
            strings(g, "rotated", k.rotated());
            strings(g, "missed", k.missed());
            string(g, "message", k.message());
            g.writeEndObject();
        } else if (result instanceof ControlProtocol.AdminOutcome o) {
            g.writeStartObject();
            bool(g, "ok", o.ok());
            string(g, "message", o.message());
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("no JSON form for a " + result.getClass().getName());
        }
    }

    private static void serialTest(JsonGenerator g, SerialTestReport r) throws IOException {
        g.writeStartObject();
        string(g, "state", r.state());
        string(g, "role", r.role());
        string(g, "device", r.device());
        number(g, "baud", r.baud());
        number(g, "sent", r.sent());
        number(g, "received", r.received());
        number(g, "corrupted", r.corrupted());
        number(g, "lost", r.lost());
        for (var e : new Object[][] {{"rttMinMs", r.rttMinMs()}, {"rttP50Ms", r.rttP50Ms()}, {"rttP99Ms", r.rttP99Ms()},
                {"rttMaxMs", r.rttMaxMs()}}) {
            if (e[1] != null) g.writeNumberField((String) e[0], (Double) e[1]);
        }
        string(g, "verdict", r.verdict());
        string(g, "explanation", r.explanation());
        g.writeEndObject();
    }

    private static void event(JsonGenerator g, ControlEvent e) throws IOException {
        g.writeStartObject();
        number(g, "seq", e.seq());
        string(g, "kind", e.kind());
        number(g, "atMs", e.atMs());
        string(g, "node", e.node());
        string(g, "message", e.message());
        value(g, "status", e.status(), ControlJson::status);
        g.writeEndObject();
    }

    static void status(JsonGenerator g, StatusReport s) throws IOException {
        g.writeStartObject();
        string(g, "cluster", s.cluster());
        string(g, "node", s.node());
        number(g, "incarnation", s.incarnation());
        number(g, "view", s.view());
        strings(g, "members", s.members());
        number(g, "configVersion", s.configVersion());
        value(g, "timing", s.timing(), ControlJson::timing);
        value(g, "votes", s.votes(), (h, v) -> {
            h.writeStartObject();
            number(h, "present", v.present());
            number(h, "total", v.total());
            h.writeEndObject();
        });
        array(g, "nodes", s.nodes(), ControlJson::node);
        object(g, "drops", s.drops(), (h, v) -> h.writeNumber(v.longValue()));
        value(g, "heartbeat", s.heartbeat(), (h, b) -> {
            h.writeStartObject();
            number(h, "sent", b.sent());
            number(h, "slips", b.slips());
            number(h, "maxSlipMs", b.maxSlipMs());
            number(h, "stalls", b.stalls());
            h.writeEndObject();
        });
        value(g, "resources", s.resources(), ControlJson::resources);
        object(g, "alerts", s.alerts(), (h, v) -> h.writeNumber(v.longValue()));
        value(g, "arbitrator", s.arbitrator(), ControlJson::arbitrator);
        value(g, "watchdog", s.watchdog(), (h, w) -> {
            h.writeStartObject();
            string(h, "device", w.device());
            h.writeBooleanField("standIn", w.standIn());
            number(h, "timeoutMs", w.timeoutMs());
            string(h, "state", w.state());
            h.writeFieldName("lastPetAgeMs");
            if (w.lastPetAgeMs() == null) h.writeNull(); else h.writeNumber(w.lastPetAgeMs());
            string(h, "reason", w.reason());
            number(h, "selfFenceWaitMs", w.selfFenceWaitMs());
            h.writeEndObject();
        });
        g.writeEndObject();
    }

    private static void arbitrator(JsonGenerator g, StatusReport.ArbitratorReport a) throws IOException {
        g.writeStartObject();
        string(g, "address", a.address());
        string(g, "algorithm", a.algorithm());
        string(g, "tieBreaker", a.tieBreaker());
        number(g, "votes", a.votes());
        number(g, "leaseMs", a.leaseMs());
        bool(g, "connected", a.connected());
        string(g, "verdict", a.verdict());
        bool(g, "holdsVote", a.holdsVote());
        strings(g, "partition", a.partition());
        number(g, "leaseLeftMs", a.leaseLeftMs());
        string(g, "detail", a.detail());
        object(g, "refused", a.refused(), (h, v) -> h.writeNumber(v.longValue()));
        g.writeEndObject();
    }

    private static void timing(JsonGenerator g, StatusReport.TimingReport t) throws IOException {
        g.writeStartObject();
        string(g, "preset", t.preset());
        number(g, "keepaliveMs", t.keepaliveMs());
        number(g, "warntimeMs", t.warntimeMs());
        number(g, "deadtimeMs", t.deadtimeMs());
        number(g, "initdeadMs", t.initdeadMs());
        g.writeEndObject();
    }

    private static void node(JsonGenerator g, StatusReport.NodeReport n) throws IOException {
        g.writeStartObject();
        string(g, "name", n.name());
        string(g, "state", n.state());
        bool(g, "self", n.self());
        number(g, "incarnation", n.incarnation());
        number(g, "lastHeardMs", n.lastHeardMs());
        array(g, "links", n.links(), (h, l) -> {
            h.writeStartObject();
            string(h, "link", l.link());
            number(h, "index", l.index());
            string(h, "state", l.state());
            number(h, "lastHeardMs", l.lastHeardMs());
            h.writeEndObject();
        });
        g.writeEndObject();
    }

    private static void resources(JsonGenerator g, StatusReport.ResourcesReport r) throws IOException {
        g.writeStartObject();
        string(g, "coordinator", r.coordinator());
        bool(g, "quorate", r.quorate());
        string(g, "quorum", r.quorum());
        bool(g, "maintenance", r.maintenance());
        strings(g, "standby", r.standby());
        strings(g, "constraints", r.constraints());
        string(g, "waitingFor", r.waitingFor());
        strings(g, "pending", r.pending());
        strings(g, "notes", r.notes());
        strings(g, "lost", r.lost());
        strings(g, "fenced", r.fenced());
        array(g, "resources", r.resources(), ControlJson::row);
        value(g, "drill", r.drill(), ControlJson::runningDrill);
        if (r.drillFires() != null) object(g, "drillFires", r.drillFires(), (h, v) -> h.writeNumber(v.longValue()));
        value(g, "fencing", r.fencing(), ControlJson::fencing);
        g.writeEndObject();
    }

    private static void fencing(JsonGenerator g, StatusReport.FencingReport f) throws IOException {
        g.writeStartObject();
        number(g, "priorityFencingDelayMs", f.priorityFencingDelayMs());
        array(g, "devices", f.devices(), (h, d) -> {
            h.writeStartObject();
            string(h, "id", d.id());
            string(h, "rule", d.rule());
            number(h, "baseMs", d.baseMs());
            object(h, "baseByNodeMs", d.baseByNodeMs(), (j, v) -> j.writeNumber(v.longValue()));
            number(h, "maxMs", d.maxMs());
            h.writeEndObject();
        });
        array(g, "nodes", f.nodes(), (h, n) -> {
            h.writeStartObject();
            string(h, "name", n.name());
            number(h, "priority", n.priority());
            number(h, "priorityDelayMs", n.priorityDelayMs());
            string(h, "device", n.device());
            number(h, "minDelayMs", n.minDelayMs());
            number(h, "maxDelayMs", n.maxDelayMs());
            h.writeEndObject();
        });
        g.writeEndObject();
    }

    private static void runningDrill(JsonGenerator g, StatusReport.RunningDrill d) throws IOException {
        g.writeStartObject();
        string(g, "runId", d.runId());
        string(g, "drill", d.drill());
        string(g, "runner", d.runner());
        string(g, "fire", d.fire());
        number(g, "sinceMs", d.sinceMs());
        number(g, "leaseUntilMs", d.leaseUntilMs());
        string(g, "abortBy", d.abortBy());
        g.writeEndObject();
    }

    private static void row(JsonGenerator g, StatusReport.ResourceRow r) throws IOException {
        g.writeStartObject();
        string(g, "id", r.id());
        string(g, "agent", r.agent());
        string(g, "group", r.group());
        bool(g, "cloned", r.cloned());
        strings(g, "runningOn", r.runningOn());
        object(g, "states", r.states(), JsonGenerator::writeString);
        object(g, "failures", r.failures(), (h, v) -> h.writeNumber(v.intValue()));
        object(g, "lastOperations", r.lastOperations(), JsonGenerator::writeString);
        if (r.failedOperations() != null) object(g, "failedOperations", r.failedOperations(), JsonGenerator::writeString);
        if (r.failedAtMs() != null) object(g, "failedAtMs", r.failedAtMs(), (h, v) -> h.writeNumber(v.longValue()));
        if (r.transitions() != null) object(g, "transitions", r.transitions(), JsonGenerator::writeString);
        bool(g, "unmanaged", r.unmanaged());
        bool(g, "multipleActive", r.multipleActive());
        if (r.roles() != null) object(g, "roles", r.roles(), JsonGenerator::writeString);
        if (r.promotionScores() != null) object(g, "promotionScores", r.promotionScores(), JsonGenerator::writeString);
        g.writeEndObject();
    }
}
