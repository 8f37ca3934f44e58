package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.control.ControlProtocol;
import dev.vigil.model.ResourceStatus;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The streaming codec against Jackson databind, which wrote the gossip before it: agents of both
 * kinds must understand each other during a rolling upgrade, and operator state persisted by one
 * must load in the other.
 */
class GossipJsonTest {
    /** Configured as GossipCodec's mapper was. */
    private final ObjectMapper databind = ControlProtocol.mapper();

    private static NodeReport sparseReport() {
        var resources = new LinkedHashMap<String, ResourceEntry>();
        resources.put("web", new ResourceEntry(ResourceStatus.STOPPED, 0, 0, null));
        resources.put("vip \"quoted\" é", new ResourceEntry(null, -1, Long.MAX_VALUE, "line\nbreak"));
        return new NodeReport("ha1", null, 0, Long.MIN_VALUE, resources, List.of(), null, List.of(), true);
    }

    private static Directive sparseDirective() {
        return new Directive(null, 0, 0, List.of(new DispatchedAction(1, null, null, null, null)), AdminState.INITIAL,
                List.of(new AdminReply(null, 0, false, null)));
    }

    @Test
    void writesByteForByteWhatDatabindWrote() throws IOException {
        for (var report : List.of(GossipCodecTest.fullReport(), sparseReport())) {
            assertThat(new String(GossipJson.write(report), StandardCharsets.UTF_8))
                    .isEqualTo(databind.writeValueAsString(report));
        }
        for (var directive : List.of(GossipCodecTest.fullDirective(), sparseDirective())) {
            assertThat(new String(GossipJson.write(directive), StandardCharsets.UTF_8))
                    .isEqualTo(databind.writeValueAsString(directive));
        }
        for (var admin : List.of(GossipCodecTest.ADMIN, AdminState.INITIAL)) {
            assertThat(new String(GossipJson.write(admin), StandardCharsets.UTF_8))
                    .isEqualTo(databind.writeValueAsString(admin));
        }
    }

    @Test
    void readsWhatDatabindWroteAndDatabindReadsWhatItWrites() throws IOException {
        for (var report : List.of(GossipCodecTest.fullReport(), sparseReport())) {
            assertThat(GossipJson.readReport(databind.writeValueAsBytes(report))).isEqualTo(report);
            assertThat(databind.readValue(GossipJson.write(report), NodeReport.class)).isEqualTo(report);
        }
        for (var directive : List.of(GossipCodecTest.fullDirective(), sparseDirective())) {
            assertThat(GossipJson.readDirective(databind.writeValueAsBytes(directive))).isEqualTo(directive);
            assertThat(databind.readValue(GossipJson.write(directive), Directive.class)).isEqualTo(directive);
        }
        assertThat(GossipJson.readAdmin(databind.writeValueAsBytes(GossipCodecTest.ADMIN))).isEqualTo(GossipCodecTest.ADMIN);
    }

    @Test
    void operationsTravelAsTheLowerCaseTextTheyWereWhenTheyWereStrings() throws IOException {
        for (var op : Operation.values()) {
            var directive = new Directive("ha1", 7, 1, List.of(new DispatchedAction(1, "x", op, "web", "ha2")),
                    AdminState.INITIAL, List.of());
            String json = new String(GossipJson.write(directive), StandardCharsets.UTF_8);
            assertThat(json).contains("\"op\":\"" + op.name().toLowerCase(java.util.Locale.ROOT) + "\"");
            assertThat(GossipJson.readDirective(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(directive);
        }
        assertThat(List.of(Operation.values()).stream().map(Operation::wire))
                .containsExactly("probe", "start", "stop", "promote", "demote", "notify", "cleanup");
        String unknown = new String(GossipJson.write(new Directive("ha1", 7, 1,
                List.of(new DispatchedAction(1, "x", Operation.START, "web", "ha2")), AdminState.INITIAL, List.of())),
                StandardCharsets.UTF_8).replace("\"start\"", "\"migrate\"");
        assertThatThrownBy(() -> GossipJson.readDirective(unknown.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("migrate");
    }

    @Test
    void fieldsAddedByANewerAgentAreSkippedWhereverTheyAre() throws IOException {
        String json = """
                {"future": {"a": [1, {"b": null}], "c": "d"}, "node": "ha2", "coordinator": "ha1",
                 "coordinatorIncarnation": 5, "probeGeneration": 6,
                 "resources": {"vip": {"status": "STARTED", "failCount": 1, "lastFailureMs": 2,
                                       "lastOperation": "start: SUCCESS", "extra": [[]]}},
                 "completed": [{"seq": 3, "ok": true, "outcome": "SUCCESS", "more": {}}],
                 "admin": {"version": 1, "standby": ["ha3"], "maintenance": false,
                           "temporary": [{"target": "www", "node": "ha2", "kind": "BAN", "why": "x"}], "x": 1},
                 "requests": [{"id": 4, "verb": "move", "args": ["www"], "y": true}], "pingOk": true, "z": 1.5}
                """;
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        var ours = GossipJson.readReport(bytes);
        assertThat(ours).isEqualTo(databind.readValue(bytes, NodeReport.class));
        assertThat(ours.resources()).containsEntry("vip", new ResourceEntry(ResourceStatus.STARTED, 1, 2, "start: SUCCESS"));
        assertThat(ours.admin().standby()).isEqualTo(Set.of("ha3"));
    }

    @Test
    void aNewerCoordinatorsDirectiveWithAddedFieldsIsReadByTodaysAgent() throws IOException {
        // Mixed versions during a rolling upgrade: the coordinator may be the upgraded node.
        String json = """
                {"coordinator": "ha1", "coordinatorIncarnation": 5, "probeGeneration": 6, "epoch": 9,
                 "actions": [{"seq": 7, "id": "a7", "op": "start", "resource": "vip", "node": "ha2", "deadlineMs": 20000}],
                 "admin": {"version": 3, "standby": ["ha3"], "maintenance": false, "temporary": [], "drill": null,
                           "fires": {}, "upgrading": {"node": "ha3", "to": "0.2.0"}},
                 "replies": [{"node": "ha2", "id": 4, "ok": true, "message": "done", "code": 0}], "formatRevision": 2}
                """;
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        var ours = GossipJson.readDirective(bytes);
        assertThat(ours).isEqualTo(databind.readValue(bytes, Directive.class));
        assertThat(ours.actions()).containsExactly(new DispatchedAction(7, "a7", Operation.fromWire("start"), "vip", "ha2"));
        assertThat(ours.admin().standby()).containsExactly("ha3");
        assertThat(ours.replies()).containsExactly(new AdminReply("ha2", 4, true, "done"));
        // ... and what today's agent writes back holds all of it that it knows: nothing it understood is lost.
        assertThat(GossipJson.readDirective(GossipJson.write(ours))).isEqualTo(ours);
    }

    @Test
    void aNewValueOfAnExistingEnumIsNotACompatibleChange() {
        // Documented rule (docs/install.md, "Rolling upgrade"): a new resource status or operation
        // makes today's agent refuse the whole message, so a newer agent must not send one while
        // older agents remain; new information travels in new fields instead.
        byte[] newOp = """
                {"coordinator": "ha1", "actions": [{"seq": 1, "op": "migrate_to", "resource": "vip", "node": "ha2"}],
                 "replies": []}
                """.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> GossipJson.readDirective(newOp)).isInstanceOf(IOException.class);
    }

    @Test
    void missingFieldsReadAsDatabindReadThem() throws IOException {
        // Scalars absent: null and 0. Required collections absent: refused, by both.
        String scalarsMissing = """
                {"resources": {"x": {}}, "completed": [{}], "requests": [{"args": []}]}
                """;
        byte[] bytes = scalarsMissing.getBytes(StandardCharsets.UTF_8);
        assertThat(GossipJson.readReport(bytes)).isEqualTo(databind.readValue(bytes, NodeReport.class));

        for (String bad : List.of("{\"node\": \"ha1\"}", "{\"resources\": {}, \"completed\": [], \"requests\": [{}]}",
                "{\"actions\": [], \"replies\": null}", "[1, 2]", "{\"resources\": {\"x\": {\"status\": \"EXPLODED\"}},"
                        + " \"completed\": [], \"requests\": []}", "{\"node\": ", "")) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> databind.readValue(b, NodeReport.class)).as(bad).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> GossipJson.readReport(b)).as(bad).isInstanceOf(IOException.class);
        }
    }

    @Test
    void mapOrderIsTheMapsOwn() throws IOException {
        var resources = new LinkedHashMap<String, ResourceEntry>();
        for (String id : List.of("zeta", "alpha", "mid")) {
            resources.put(id, ResourceEntry.UNKNOWN);
        }
        // NodeReport copies into Map.copyOf, whose order is per JVM: compare against that instance.
        var report = new NodeReport("n", "c", 1, 1, resources, List.of(), null, List.of(), false);
        String ours = new String(GossipJson.write(report), StandardCharsets.UTF_8);
        assertThat(ours).isEqualTo(databind.writeValueAsString(report));
        List<String> order = List.copyOf(report.resources().keySet());
        assertThat(ours.indexOf(order.get(0))).isLessThan(ours.indexOf(order.get(1)));
        assertThat(Map.copyOf(GossipJson.readReport(ours.getBytes(StandardCharsets.UTF_8)).resources()))
                .isEqualTo(report.resources());
    }
}
