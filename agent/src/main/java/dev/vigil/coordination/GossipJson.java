package dev.vigil.coordination;

import static dev.vigil.json.StreamingJson.array;
import static dev.vigil.json.StreamingJson.bool;
import static dev.vigil.json.StreamingJson.enumName;
import static dev.vigil.json.StreamingJson.enumValue;
import static dev.vigil.json.StreamingJson.intValue;
import static dev.vigil.json.StreamingJson.list;
import static dev.vigil.json.StreamingJson.longValue;
import static dev.vigil.json.StreamingJson.map;
import static dev.vigil.json.StreamingJson.number;
import static dev.vigil.json.StreamingJson.object;
import static dev.vigil.json.StreamingJson.skip;
import static dev.vigil.json.StreamingJson.string;
import static dev.vigil.json.StreamingJson.stringList;
import static dev.vigil.json.StreamingJson.strings;
import static dev.vigil.json.StreamingJson.text;
import static dev.vigil.json.StreamingJson.value;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import dev.vigil.json.StreamingJson;
import dev.vigil.model.ResourceStatus;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.AdminState.DrillLock;
import dev.vigil.scheduler.AdminState.TemporaryConstraint;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of node reports, directives and operator state, field for field what Jackson databind
 * wrote for these records (record component order, nulls written), without databind's reflection.
 * Reading skips unknown fields and leaves missing ones null/0, so a record whose compact
 * constructor refuses a null (e.g. a directive read as a report) fails as malformed.
 */
public final class GossipJson {
    private GossipJson() {}

    public static byte[] write(NodeReport r) throws IOException {
        return StreamingJson.write(r, GossipJson::report);
    }

    public static byte[] write(Directive d) throws IOException {
        return StreamingJson.write(d, GossipJson::directive);
    }

    public static byte[] write(AdminState a) throws IOException {
        return StreamingJson.write(a, GossipJson::admin);
    }

    public static NodeReport readReport(byte[] json) throws IOException {
        return StreamingJson.read(json, GossipJson::report);
    }

    public static Directive readDirective(byte[] json) throws IOException {
        return StreamingJson.read(json, GossipJson::directive);
    }

    public static AdminState readAdmin(byte[] json) throws IOException {
        return StreamingJson.read(json, GossipJson::admin);
    }

    // ---- writers

    static void report(JsonGenerator g, NodeReport r) throws IOException {
        g.writeStartObject();
        string(g, "node", r.node());
        string(g, "coordinator", r.coordinator());
        number(g, "coordinatorIncarnation", r.coordinatorIncarnation());
        number(g, "probeGeneration", r.probeGeneration());
        object(g, "resources", r.resources(), GossipJson::entry);
        array(g, "completed", r.completed(), GossipJson::completion);
        value(g, "admin", r.admin(), GossipJson::admin);
        array(g, "requests", r.requests(), GossipJson::request);
        bool(g, "pingOk", r.pingOk());
        if (!r.attributes().isEmpty()) {
            object(g, "attributes", r.attributes(), JsonGenerator::writeString);
        }
        if (!r.permanentAttributes().isEmpty()) {
            array(g, "permanentAttributes", r.permanentAttributes(), GossipJson::permanent);
        }
        g.writeEndObject();
    }

    private static void permanent(JsonGenerator g, NodeAttributes.Permanent a) throws IOException {
        g.writeStartObject();
        string(g, "scope", a.scope());
        string(g, "node", a.node());
        string(g, "name", a.name());
        string(g, "value", a.value());
        number(g, "stamp", a.stamp());
        string(g, "writer", a.writer());
        g.writeEndObject();
    }

    private static NodeAttributes.Permanent permanent(JsonParser p) throws IOException {
        var f = new Object() {
            String scope, node, name, value, writer;
            long stamp;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "scope" -> f.scope = text(q);
                case "node" -> f.node = text(q);
                case "name" -> f.name = text(q);
                case "value" -> f.value = text(q);
                case "stamp" -> f.stamp = longValue(q);
                case "writer" -> f.writer = text(q);
                default -> skip(q);
            }
        });
        return new NodeAttributes.Permanent(f.scope, f.node, f.name, f.value, f.stamp, f.writer);
    }

    static void directive(JsonGenerator g, Directive d) throws IOException {
        g.writeStartObject();
        string(g, "coordinator", d.coordinator());
        number(g, "coordinatorIncarnation", d.coordinatorIncarnation());
        number(g, "probeGeneration", d.probeGeneration());
        array(g, "actions", d.actions(), GossipJson::action);
        value(g, "admin", d.admin(), GossipJson::admin);
        array(g, "replies", d.replies(), GossipJson::reply);
        g.writeEndObject();
    }

    static void admin(JsonGenerator g, AdminState a) throws IOException {
        g.writeStartObject();
        number(g, "version", a.version());
        strings(g, "standby", a.standby());
        bool(g, "maintenance", a.maintenance());
        array(g, "temporary", a.temporary(), GossipJson::constraint);
        value(g, "drill", a.drill(), GossipJson::drillLock);
        object(g, "fires", a.fires(), (h, v) -> h.writeNumber(v));
        g.writeEndObject();
    }

    private static void drillLock(JsonGenerator g, DrillLock d) throws IOException {
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

    private static DrillLock drillLock(JsonParser p) throws IOException {
        var f = new Object() {
            String runId, drill, runner, fire, abortBy;
            long sinceMs, leaseUntilMs;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "runId" -> f.runId = text(q);
                case "drill" -> f.drill = text(q);
                case "runner" -> f.runner = text(q);
                case "fire" -> f.fire = text(q);
                case "sinceMs" -> f.sinceMs = longValue(q);
                case "leaseUntilMs" -> f.leaseUntilMs = longValue(q);
                case "abortBy" -> f.abortBy = text(q);
                default -> skip(q);
            }
        });
        return new DrillLock(f.runId, f.drill, f.runner, f.fire, f.sinceMs, f.leaseUntilMs, f.abortBy);
    }

    private static void constraint(JsonGenerator g, TemporaryConstraint c) throws IOException {
        g.writeStartObject();
        string(g, "target", c.target());
        string(g, "node", c.node());
        enumName(g, "kind", c.kind());
        g.writeEndObject();
    }

    private static void entry(JsonGenerator g, ResourceEntry e) throws IOException {
        g.writeStartObject();
        enumName(g, "status", e.status());
        number(g, "failCount", e.failCount());
        number(g, "lastFailureMs", e.lastFailureMs());
        string(g, "lastOperation", e.lastOperation());
        string(g, "lastFailure", e.lastFailure());
        number(g, "lastRc", e.lastRc() == null ? null : Long.valueOf(e.lastRc()));
        g.writeEndObject();
    }

    private static void completion(JsonGenerator g, Completion c) throws IOException {
        g.writeStartObject();
        number(g, "seq", c.seq());
        bool(g, "ok", c.ok());
        string(g, "outcome", c.outcome());
        g.writeEndObject();
    }

    private static void request(JsonGenerator g, AdminRequest r) throws IOException {
        g.writeStartObject();
        number(g, "id", r.id());
        string(g, "verb", r.verb());
        strings(g, "args", r.args());
        g.writeEndObject();
    }

    private static void action(JsonGenerator g, DispatchedAction a) throws IOException {
        g.writeStartObject();
        number(g, "seq", a.seq());
        string(g, "id", a.id());
        string(g, "op", a.op() == null ? null : a.op().wire());
        string(g, "resource", a.resource());
        string(g, "node", a.node());
        if (!a.meta().isEmpty()) {
            g.writeObjectFieldStart("meta");
            for (var e : a.meta().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void reply(JsonGenerator g, AdminReply r) throws IOException {
        g.writeStartObject();
        string(g, "node", r.node());
        number(g, "id", r.id());
        bool(g, "ok", r.ok());
        string(g, "message", r.message());
        g.writeEndObject();
    }

    // ---- readers: one mutable holder per record, so fields may come in any order

    static NodeReport report(JsonParser p) throws IOException {
        var f = new Object() {
            String node, coordinator;
            long coordinatorIncarnation, probeGeneration;
            Map<String, ResourceEntry> resources;
            List<Completion> completed;
            AdminState admin;
            List<AdminRequest> requests;
            boolean pingOk;
            Map<String, String> attributes;
            List<NodeAttributes.Permanent> permanentAttributes;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "node" -> f.node = text(q);
                case "coordinator" -> f.coordinator = text(q);
                case "coordinatorIncarnation" -> f.coordinatorIncarnation = longValue(q);
                case "probeGeneration" -> f.probeGeneration = longValue(q);
                case "resources" -> f.resources = map(q, GossipJson::entry);
                case "completed" -> f.completed = list(q, GossipJson::completion);
                case "admin" -> f.admin = StreamingJson.nullable(q, GossipJson::admin);
                case "requests" -> f.requests = list(q, GossipJson::request);
                case "pingOk" -> f.pingOk = bool(q);
                case "attributes" -> f.attributes = map(q, StreamingJson::text);
                case "permanentAttributes" -> f.permanentAttributes = list(q, GossipJson::permanent);
                default -> skip(q);
            }
        });
        return construct(p, () -> new NodeReport(f.node, f.coordinator, f.coordinatorIncarnation, f.probeGeneration,
                f.resources, f.completed, f.admin, f.requests, f.pingOk, f.attributes, f.permanentAttributes));
    }

    static Directive directive(JsonParser p) throws IOException {
        var f = new Object() {
            String coordinator;
            long coordinatorIncarnation, probeGeneration;
            List<DispatchedAction> actions;
            AdminState admin;
            List<AdminReply> replies;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "coordinator" -> f.coordinator = text(q);
                case "coordinatorIncarnation" -> f.coordinatorIncarnation = longValue(q);
                case "probeGeneration" -> f.probeGeneration = longValue(q);
                case "actions" -> f.actions = list(q, GossipJson::action);
                case "admin" -> f.admin = StreamingJson.nullable(q, GossipJson::admin);
                case "replies" -> f.replies = list(q, GossipJson::reply);
                default -> skip(q);
            }
        });
        return construct(p, () -> new Directive(f.coordinator, f.coordinatorIncarnation, f.probeGeneration,
                f.actions, f.admin, f.replies));
    }

    static AdminState admin(JsonParser p) throws IOException {
        var f = new Object() {
            long version;
            Set<String> standby;
            boolean maintenance;
            List<TemporaryConstraint> temporary;
            DrillLock drill;
            Map<String, Long> fires;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "version" -> f.version = longValue(q);
                case "standby" -> {
                    var items = stringList(q);
                    f.standby = items == null ? null : new LinkedHashSet<>(items);
                }
                case "maintenance" -> f.maintenance = bool(q);
                case "temporary" -> f.temporary = list(q, GossipJson::constraint);
                case "drill" -> f.drill = StreamingJson.nullable(q, GossipJson::drillLock);
                case "fires" -> f.fires = map(q, StreamingJson::longValue);
                default -> skip(q);
            }
        });
        return construct(p, () -> new AdminState(f.version, f.standby, f.maintenance, f.temporary,
                f.drill, f.fires));
    }

    private static TemporaryConstraint constraint(JsonParser p) throws IOException {
        var f = new Object() {
            String target, node;
            TemporaryConstraint.Kind kind;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "target" -> f.target = text(q);
                case "node" -> f.node = text(q);
                case "kind" -> f.kind = enumValue(q, TemporaryConstraint.Kind.class);
                default -> skip(q);
            }
        });
        return new TemporaryConstraint(f.target, f.node, f.kind);
    }

    private static ResourceEntry entry(JsonParser p) throws IOException {
        var f = new Object() {
            ResourceStatus status;
            int failCount;
            long lastFailureMs;
            String lastOperation;
            String lastFailure;
            Integer lastRc;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "status" -> f.status = enumValue(q, ResourceStatus.class);
                case "failCount" -> f.failCount = intValue(q);
                case "lastFailureMs" -> f.lastFailureMs = longValue(q);
                case "lastOperation" -> f.lastOperation = text(q);
                case "lastFailure" -> f.lastFailure = text(q);
                case "lastRc" -> f.lastRc = StreamingJson.nullable(q, StreamingJson::intValue);
                default -> skip(q);
            }
        });
        return new ResourceEntry(f.status, f.failCount, f.lastFailureMs, f.lastOperation, f.lastFailure, f.lastRc);
    }

    private static Completion completion(JsonParser p) throws IOException {
        var f = new Object() {
            long seq;
            boolean ok;
            String outcome;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "seq" -> f.seq = longValue(q);
                case "ok" -> f.ok = bool(q);
                case "outcome" -> f.outcome = text(q);
                default -> skip(q);
            }
        });
        return new Completion(f.seq, f.ok, f.outcome);
    }

    private static AdminRequest request(JsonParser p) throws IOException {
        var f = new Object() {
            long id;
            String verb;
            List<String> args;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "id" -> f.id = longValue(q);
                case "verb" -> f.verb = text(q);
                case "args" -> f.args = stringList(q);
                default -> skip(q);
            }
        });
        return construct(p, () -> new AdminRequest(f.id, f.verb, f.args));
    }

    private static DispatchedAction action(JsonParser p) throws IOException {
        var f = new Object() {
            long seq;
            String id, resource, node;
            Operation op;
            final java.util.Map<String, String> meta = new java.util.TreeMap<>();
        };
        object(p, (name, q) -> {
            switch (name) {
                case "seq" -> f.seq = longValue(q);
                case "id" -> f.id = text(q);
                case "op" -> f.op = operation(q);
                case "resource" -> f.resource = text(q);
                case "node" -> f.node = text(q);
                case "meta" -> object(q, (k, v) -> f.meta.put(k, text(v)));
                default -> skip(q);
            }
        });
        return new DispatchedAction(f.seq, f.id, f.op, f.resource, f.node, f.meta);
    }

    /** An unknown operation is a malformed directive, as an unknown enum constant is elsewhere here. */
    private static Operation operation(JsonParser p) throws IOException {
        String text = text(p);
        if (text == null) return null;
        try {
            return Operation.fromWire(text);
        } catch (IllegalArgumentException e) {
            throw new JsonParseException(p, e.getMessage());
        }
    }

    private static AdminReply reply(JsonParser p) throws IOException {
        var f = new Object() {
            String node, message;
            long id;
            boolean ok;
        };
        object(p, (name, q) -> {
            switch (name) {
                case "node" -> f.node = text(q);
                case "id" -> f.id = longValue(q);
                case "ok" -> f.ok = bool(q);
                case "message" -> f.message = text(q);
                default -> skip(q);
            }
        });
        return new AdminReply(f.node, f.id, f.ok, f.message);
    }

    private interface Construction<T> {
        T get();
    }

    /** A compact constructor's refusal (a required list or map absent) as a parse error, as databind reported it. */
    private static <T> T construct(JsonParser p, Construction<T> make) throws IOException {
        try {
            return make.get();
        } catch (RuntimeException e) {
            throw new com.fasterxml.jackson.core.JsonParseException(p,
                    "cannot build the value: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }
}
