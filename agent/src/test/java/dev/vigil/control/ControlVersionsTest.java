package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control protocol with an agent and a client one version apart, as during a rolling upgrade
 * (docs/install.md, "Rolling upgrade"): the hello's version and the JSON bodies.
 */
class ControlVersionsTest {
    private static final byte[] NONCE = new byte[ControlFrames.NONCE_BYTES];

    private static ControlFrames.Frame hello(int version, int extraBytes) {
        var body = ByteBuffer.allocate(1 + ControlFrames.NONCE_BYTES + extraBytes).put((byte) version).put(NONCE).array();
        return new ControlFrames.Frame(ControlFrames.Type.HELLO, body);
    }

    @Test
    void aClientTalksToAnAgentOneVersionEitherSideAndNoFurther() throws IOException {
        int n = ControlFrames.PROTOCOL_VERSION;
        assertThat(ControlFrames.readHello(hello(n, 0))).isEqualTo(NONCE);
        assertThat(ControlFrames.readHello(hello(n + 1, 0))).isEqualTo(NONCE);
        assertThat(ControlFrames.readHello(hello(n + 1, 8))).as("a newer agent's appended hello").isEqualTo(NONCE);
        assertThatThrownBy(() -> ControlFrames.readHello(hello(n + 2, 0))).hasMessageContaining("upgrade one version at a time");
        assertThatThrownBy(() -> ControlFrames.readHello(hello(0, 0))).isInstanceOf(FrameException.class);
        assertThatThrownBy(() -> ControlFrames.readHello(hello(n, 8))).as("our own version has nothing after the nonce")
                .isInstanceOf(FrameException.class);
        // The agent of N+1 talking to a client of N, seen from the newer side.
        assertThat(ControlFrames.speaks(n, n + 1)).isTrue();
        assertThat(ControlFrames.speaks(n + 2, n)).isFalse();
    }

    @Test
    void todaysClientReadsANewerAgentsStatusWithFieldsItDoesNotKnow() throws IOException {
        var mapper = ControlProtocol.mapper();
        var tree = (ObjectNode) mapper.readTree(ControlJson.write(new ControlProtocol.Response<>(true, ControlJsonTest.fullReport(), null)));
        tree.put("protocolRevision", 2);
        var result = (ObjectNode) tree.get("result");
        result.putObject("upgrade").put("packageVersion", "0.2.0");
        ((ObjectNode) result.get("nodes").get(0)).put("version", "0.2.0");
        ((ObjectNode) result.get("resources").get("resources").get(0)).putArray("history").add(1);

        var type = mapper.getTypeFactory().constructParametricType(ControlProtocol.Response.class, StatusReport.class);
        ControlProtocol.Response<StatusReport> back = mapper.readValue(mapper.writeValueAsBytes(tree), type);
        assertThat(back.result()).isEqualTo(ControlJsonTest.fullReport());
    }

    @Test
    void aNewerAgentReadsTodaysStatusWithoutItsNewFields() throws IOException {
        // What a newer agent's client sees from today's agent: the fields it added are absent, read as null.
        var mapper = ControlProtocol.mapper();
        var tree = (ObjectNode) mapper.readTree(ControlJson.write(new ControlProtocol.Response<>(true, ControlJsonTest.fullReport(), null)));
        var resources = (ObjectNode) tree.get("result").get("resources");
        resources.remove(List.of("drill", "drillFires"));
        var type = mapper.getTypeFactory().constructParametricType(ControlProtocol.Response.class, StatusReport.class);
        ControlProtocol.Response<StatusReport> back = mapper.readValue(mapper.writeValueAsBytes(tree), type);
        assertThat(back.result().resources().drill()).isNull();
        assertThat(back.result().resources().resources()).isEqualTo(ControlJsonTest.fullReport().resources().resources());
    }

    @Test
    void todaysAgentReadsANewerClientsRequestWithFieldsItDoesNotKnow() throws IOException {
        byte[] newer = """
                {"op": "admin", "verb": "standby", "args": ["n1"], "text": null, "wait": {"settleMs": 5000}, "client": "0.2.0"}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ControlJson.readRequest(newer)).isEqualTo(new ControlProtocol.Request("admin", "standby", List.of("n1"), null));
    }
}
