package dev.vigil.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.FenceDevice;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The fence agents in resource-scripts/fence, run through the runner. Only what needs no victim:
 * fence_vigil_ssh cannot be tested end to end here (that takes a second host with sshd), and
 * fence_vigil_netns's real work is in {@link NetnsFenceAgentIT}.
 */
class ShippedFenceAgentsTest {
    static final Path SHIPPED = Path.of("..", "resource-scripts", "fence").toAbsolutePath().normalize();

    private final FenceRunner runner = new FenceRunner(List.of(SHIPPED), Duration.ofMillis(200));

    @AfterEach
    void tearDown() {
        runner.close();
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> names(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(((Element) nodes.item(i)).getAttribute("name"));
        }
        return out;
    }

    private FenceResult run(String agent, FenceAction action, Map<String, String> params) {
        FenceDevice d = new FenceDevice("d", agent, params).withTimeout(Duration.ofSeconds(20));
        return runner.run(action.targetsNode() ? FenceRequest.node(d, action, "ha2") : FenceRequest.device(d, action));
    }

    @Test
    void sshAgentMetadataIsWellFormedFenceAgentXml() throws Exception {
        FenceResult r = run("fence_vigil_ssh", FenceAction.METADATA, Map.of("some_unknown_key", "x"));

        assertThat(r.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        Document doc = parse(r.stdout());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("resource-agent");
        assertThat(doc.getDocumentElement().getAttribute("name")).isEqualTo("fence_vigil_ssh");
        assertThat(names(doc, "parameter")).contains("action", "ipaddr", "login", "identity_file", "ipport");
        assertThat(names(doc, "action")).contains("off", "reboot", "status", "monitor", "metadata");
        assertThat(r.stderr()).contains("ignoring unknown parameter some_unknown_key");
    }

    @Test
    void netnsAgentMetadataIsWellFormedFenceAgentXml() throws Exception {
        FenceResult r = run("fence_vigil_netns", FenceAction.METADATA, Map.of());

        Document doc = parse(r.stdout());
        assertThat(doc.getDocumentElement().getAttribute("name")).isEqualTo("fence_vigil_netns");
        assertThat(names(doc, "parameter")).contains("action", "netns", "dev");
        assertThat(names(doc, "action")).contains("on", "off", "reboot", "status", "metadata");
    }

    @Test
    void sshAgentReadsItsParametersFromStdin() {
        // list touches no host: it proves ipaddr arrived and unknown keys and plug were skipped.
        FenceResult list = run("fence_vigil_ssh", FenceAction.LIST,
                Map.of("ipaddr", "node2.example", "colour", "blue", "passwd", "unused"));
        assertThat(list.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(list.stdout().strip()).isEqualTo("node2.example");

        FenceResult noAddress = run("fence_vigil_ssh", FenceAction.STATUS, Map.of());
        assertThat(noAddress.outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(noAddress.reason()).contains("ipaddr is required");

        FenceResult badPort = run("fence_vigil_ssh", FenceAction.OFF, Map.of("ipaddr", "h", "ipport", "22; reboot"));
        assertThat(badPort.outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(badPort.reason()).contains("ipport");

        FenceResult on = run("fence_vigil_ssh", FenceAction.ON, Map.of("ipaddr", "h"));
        assertThat(on.outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(on.reason()).contains("cannot power a node on");
    }

    @Test
    void netnsAgentNeedsItsParameters() {
        FenceResult r = run("fence_vigil_netns", FenceAction.OFF, Map.of("netns", "x"));

        assertThat(r.outcome()).isEqualTo(FenceOutcome.FAILED);
        assertThat(r.reason()).contains("netns and dev are required");
    }
}
