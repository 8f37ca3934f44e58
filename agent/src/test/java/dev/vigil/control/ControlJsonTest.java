package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The agent's control JSON against Jackson databind, which the agent used before and clients
 * (the console, scripts reading {@code vigil status --json}) still parse with.
 */
class ControlJsonTest {
    private final ObjectMapper databind = ControlProtocol.mapper();

    static StatusReport fullReport() {
        var drops = new LinkedHashMap<String, Long>();
        drops.put("bad-hmac", 3L);
        drops.put("replay", 0L);
        var states = new LinkedHashMap<String, String>();
        states.put("ha1", "STARTED");
        states.put("ha2", "STOPPED");
        var failures = new LinkedHashMap<String, Integer>();
        failures.put("ha2", 2);
        return new StatusReport("web", "ha1", 1767225600123L, 9, List.of("ha1", "ha2"), 4,
                new StatusReport.TimingReport("instant", 5, 15, 30, 2000), new StatusReport.VotesReport(2, 2),
                List.of(new StatusReport.NodeReport("ha1", "alive", true, 1767225600123L, null, List.of()),
                        new StatusReport.NodeReport("ha2", "dead", false, 7, 1234L,
                                List.of(new StatusReport.LinkReport("udp 10.0.0.2:694", 0, "down", 1234L),
                                        new StatusReport.LinkReport("serial /dev/ttyS0", 1, "up", null)))),
                drops, new StatusReport.SenderReport(100, 1, 12, 0),
                new StatusReport.ResourcesReport("ha1", true, "2 of 2 votes", false, List.of("ha3"),
                        List.of("vip-with-web: vip with web (INFINITY)"), "probes of ha2", List.of("vip:start@ha1"),
                        List.of("a \"note\" with\ttabs and ünïcode"), List.of(), List.of("ha2"),
                        List.of(new StatusReport.ResourceRow("vip", "ocf:vigil:IPaddr", "www", false, List.of("ha1"),
                                        states, failures, Map.of("ha1", "start: SUCCESS")),
                                new StatusReport.ResourceRow("web", "ocf:vigil:apache", null, true, List.of(),
                                        Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("ha1", "starting"),
                                        true, false)),
                        new StatusReport.RunningDrill("20260101T000000.000Z-tick", "tick", "4242@ops1", "nightly@1767225600000",
                                1767225600000L, 1767226080000L), Map.of("nightly", 1767225600000L),
                        new StatusReport.FencingReport(5000,
                                List.of(new StatusReport.FenceDeviceDelay("f1", "ha1 2s, others 0s + random, total < 3s", 0,
                                        Map.of("ha1", 2000L), 3000)),
                                List.of(new StatusReport.NodeFencing("ha1", 10, 5000, "f1", 7000, 7999),
                                        new StatusReport.NodeFencing("ha2", 0, 0, null, 0, 0)))),
                Map.of("sent", 3L), null, new StatusReport.WatchdogReport("/dev/watchdog", false, 10000, "not-petting", null,
                        "quorum lost", 20000));
    }

    private String ours(ControlProtocol.Response<?> r) throws IOException {
        return new String(ControlJson.write(r), StandardCharsets.UTF_8);
    }

    @Test
    void answersAreByteForByteWhatDatabindWrote() throws IOException {
        var answers = List.<ControlProtocol.Response<?>>of(
                new ControlProtocol.Response<>(true, fullReport(), null),
                new ControlProtocol.Response<>(true, SpyHandler.report("ha2"), null),
                new ControlProtocol.Response<>(true, new ControlProtocol.AdminOutcome(false, "no node 'ha9'"), null),
                new ControlProtocol.Response<>(true, new HistoryReport("ha1",
                        List.of(new HistoryReport.OperationRecord(1, "ha1", "web", "monitor", "NOT_RUNNING", 7,
                                        "pid \"file\" gone", 30L, true),
                                new HistoryReport.OperationRecord(2, "ha2", "web", "start", "SUCCESS", null, null, null,
                                        false)),
                        List.of(new HistoryReport.FenceRecord(3, "ha2", "ha1", "reboot", List.of("f1 reboot ha2: SUCCESS"),
                                true, "ha2 lost")),
                        List.of(new HistoryReport.EventRecord(4, "membership", null, "node ha2 is dead"))), null),
                ControlDispatch.subscribed(),
                ControlDispatch.error("unknown op 'x'; known: status"));
        for (var answer : answers) {
            assertThat(ours(answer)).isEqualTo(databind.writeValueAsString(answer));
        }
    }

    @Test
    void eventsAreByteForByteWhatDatabindWrote() throws IOException {
        for (var event : List.of(new ControlEvent(1, "status", 1767225600000L, "ha1", "snapshot", fullReport()),
                new ControlEvent(2, "membership", 1767225600001L, null, "ha2 is dead", null))) {
            assertThat(new String(ControlJson.write(event), StandardCharsets.UTF_8))
                    .isEqualTo(databind.writeValueAsString(event));
        }
    }

    @Test
    void clientsStillReadAnswersWithDatabind() throws IOException {
        var type = databind.getTypeFactory().constructParametricType(ControlProtocol.Response.class, StatusReport.class);
        ControlProtocol.Response<StatusReport> back = databind.readValue(
                ControlJson.write(new ControlProtocol.Response<>(true, fullReport(), null)), type);
        assertThat(back.result()).isEqualTo(fullReport());
    }

    @Test
    void requestsReadAsDatabindReadThemAndWhatItRefusesIsRefused() throws IOException {
        for (String json : List.of("{\"op\": \"status\"}",
                "{\"op\":\"admin\",\"verb\":\"move\",\"args\":[\"www\",\"ha2\"],\"text\":null}",
                "{\"op\": \"config-apply\", \"text\": \"cluster: x\\n\", \"future\": {\"a\": [1]}}",
                "{\"op\": 5, \"verb\": true}", "{\"args\": [1, \"b\", null]}", "{}", "null",
                "{\"op\": \"status\"} trailing", "\"status\"",
                "", "{\"op\": ", "[\"status\"]", "{\"op\": {\"a\": 1}}", "{\"args\": \"www\"}", "{\"op\": [\"a\"]}",
                "42", "{\"args\": {}}")) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            ControlProtocol.Request theirs;
            try {
                theirs = databind.readValue(b, ControlProtocol.Request.class);
            } catch (IOException refused) {
                assertThatThrownBy(() -> ControlJson.readRequest(b)).as(json).isInstanceOf(IOException.class);
                continue;
            }
            assertThat(ControlJson.readRequest(b)).as(json).isEqualTo(theirs);
        }
        assertThat(ControlJson.readRequest(ControlJson.write(new ControlProtocol.Request("admin", "ban",
                List.of("www", "ha1"), null)))).isEqualTo(new ControlProtocol.Request("admin", "ban", List.of("www", "ha1"), null));
    }

    @Test
    void anAnswerWithoutAJsonFormIsAProgrammingError() {
        assertThatThrownBy(() -> ControlJson.write(new ControlProtocol.Response<>(true, 42, null)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
