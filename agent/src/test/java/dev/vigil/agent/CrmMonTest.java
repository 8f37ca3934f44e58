package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlServer;
import dev.vigil.control.StatusReport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * Vigil's {@code crm_mon} and {@code cibadmin -Q} (resource-scripts/sbin) against a real control
 * socket, read the way ClusterLabs' redis agent reads them: through ocf-shellfuncs'
 * {@code crm_mon_no_validation} and the agent's own grep for a promoted, active, healthy instance.
 */
class CrmMonTest {
    private static final Path TOOLS = Path.of("../resource-scripts/sbin").toAbsolutePath().normalize();
    private static final Path SHELLFUNCS = Path.of("/usr/lib/ocf/lib/heartbeat/ocf-shellfuncs");
    /** redis' master_is_active(), verbatim but for the instance name. */
    private static final String REDIS_GREP =
            "grep -q -i -E \"resource.*id=\\\"redis\\\".* role=\\\"(Promoted|Master)\\\".* active=\\\"true\\\".* orphaned=\\\"false\\\".* failed=\\\"false\\\"\"";

    @TempDir
    Path dir;
    private ControlServer server;
    private volatile StatusReport status;

    @BeforeEach
    void serve() throws Exception {
        server = new ControlServer(dir.resolve("ha2.sock"), new StubControlHandler() {
            @Override
            public StatusReport status() {
                return status;
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static StatusReport status(Map<String, String> states, Map<String, String> roles, String vipOn) {
        var nodes = List.of(node("ha1", "dead"), node("ha2", "alive"), node("ha3", "alive"));
        var running = new ArrayList<String>();
        states.forEach((n, s) -> { if (s.equals("promoted") || s.equals("started")) running.add(n); });
        var redis = new StatusReport.ResourceRow("redis", "ocf:heartbeat:redis", null, true, running, states, Map.of(),
                Map.of(), Map.of(), Map.of(), Map.of(), false, false, roles, Map.of());
        var vip = new StatusReport.ResourceRow("vip", "ocf:heartbeat:IPaddr2", "front", false,
                vipOn == null ? List.of() : List.of(vipOn), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                false, false, null, null);
        var resources = new StatusReport.ResourcesReport("ha2", true, "2 of 3 votes", false, List.of(), List.of(), "",
                List.of(), List.of(), List.of(), List.of(), List.of(redis, vip));
        return new StatusReport("redis", "ha2", 7, 3, List.of("ha2", "ha3"), 1,
                new StatusReport.TimingReport("fast", 100, 200, 250, 1000), new StatusReport.VotesReport(2, 3),
                nodes, Map.of(), new StatusReport.SenderReport(1, 0, 0, 0), resources);
    }

    private static StatusReport.NodeReport node(String name, String state) {
        return new StatusReport.NodeReport(name, state, name.equals("ha2"), 1, null, List.of());
    }

    private record Run(int exit, String out, String err) {}

    private Run bash(String script) throws Exception {
        var pb = new ProcessBuilder("bash", "-c", script);
        pb.environment().put("VIGIL_SOCKET", dir.resolve("ha2.sock").toString());
        pb.environment().put("HA_SBIN_DIR", TOOLS.toString());
        pb.environment().put("OCF_ROOT", "/usr/lib/ocf");
        pb.environment().put("SHELL", "/bin/bash");
        var p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void thePromotedInstanceIsWhereRedisLooksForIt() throws Exception {
        var states = new LinkedHashMap<String, String>();
        states.put("ha2", "promoted");
        states.put("ha3", "started");
        status = status(states, Map.of("ha2", "Promoted", "ha3", "Unpromoted"), "ha2");
        var xml = bash(TOOLS.resolve("crm_mon") + " -1 --output-as=xml");
        assertThat(xml.exit()).as(xml.err()).isZero();

        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.out().getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("pacemaker-result");
        var clone = (Element) doc.getElementsByTagName("clone").item(0);
        assertThat(clone.getAttribute("id")).isEqualTo("redis-clone");
        assertThat(clone.getAttribute("multi_state")).isEqualTo("true");
        var instances = clone.getElementsByTagName("resource");
        assertThat(instances.getLength()).isEqualTo(2);
        var promoted = (Element) instances.item(0);
        assertThat(promoted.getAttribute("role")).isEqualTo("Promoted");
        assertThat(((Element) promoted.getElementsByTagName("node").item(0)).getAttribute("name")).isEqualTo("ha2");
        assertThat(((Element) instances.item(1)).getAttribute("role")).isEqualTo("Unpromoted");
        var group = (Element) doc.getElementsByTagName("group").item(0);
        assertThat(group.getAttribute("id")).isEqualTo("front");
        assertThat(((Element) group.getElementsByTagName("resource").item(0)).getAttribute("role")).isEqualTo("Started");
        var ha1 = (Element) doc.getElementsByTagName("nodes").item(0).getChildNodes().item(1);
        assertThat(ha1.getAttribute("name") + " online=" + ha1.getAttribute("online")).isEqualTo("ha1 online=false");

        // What redis itself runs: crm_mon_no_validation (cibadmin -Q, then crm_mon) and its grep.
        Assumptions.assumeTrue(Files.isReadable(SHELLFUNCS), "needs resource-agents (" + SHELLFUNCS + ")");
        var redis = bash(". " + SHELLFUNCS + "; crm_mon_no_validation -1 --output-as=xml | " + REDIS_GREP);
        assertThat(redis.exit()).as(redis.err()).isZero();
        assertThat(redis.err()).isEmpty();
        assertThat(bash(TOOLS.resolve("crm_mon") + " -1 --as-xml | " + REDIS_GREP).exit()).isZero();

        // A failed promoted instance is not an active master to follow; nor is none at all.
        states.put("ha2", "failed_promoted");
        status = status(states, Map.of("ha3", "Unpromoted"), null);
        assertThat(bash(". " + SHELLFUNCS + "; crm_mon_no_validation -1 --output-as=xml | " + REDIS_GREP).exit())
                .isEqualTo(1);
        status = status(Map.of("ha3", "started"), Map.of("ha3", "Unpromoted"), null);
        var none = bash(TOOLS.resolve("crm_mon") + " -1 --output-as=xml");
        assertThat(none.out()).doesNotContain("Promoted\"").contains("role=\"Unpromoted\"")
                .contains("<resource id=\"vip\" resource_agent=\"ocf:heartbeat:IPaddr2\" role=\"Stopped\" active=\"false\"");
    }

    @Test
    void namesAreEscapedAndBadUsageIsRefused() throws Exception {
        status = status(Map.of("ha3", "started"), Map.of("ha3", "Unpromoted"), null);
        var s = status;
        var odd = new StatusReport.ResourceRow("a\"<b>\\c", "ocf:heartbeat:Dummy", null, false, List.of("ha3"),
                Map.of("ha3", "started"), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), false, false, null, null);
        var r = s.resources();
        status = new StatusReport(s.cluster(), s.node(), s.incarnation(), s.view(), s.members(), s.configVersion(),
                s.timing(), s.votes(), s.nodes(), s.drops(), s.heartbeat(),
                new StatusReport.ResourcesReport(r.coordinator(), r.quorate(), r.quorum(), false, List.of(), List.of(), "",
                        List.of(), List.of(), List.of(), List.of(), List.of(odd)));
        var xml = bash(TOOLS.resolve("crm_mon") + " --one-shot --output-as xml");
        assertThat(xml.exit()).as(xml.err()).isZero();
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.out().getBytes(StandardCharsets.UTF_8)));
        assertThat(((Element) doc.getElementsByTagName("resource").item(0)).getAttribute("id")).isEqualTo("a\"<b>\\c");

        var text = bash(TOOLS.resolve("crm_mon") + " -1");
        assertThat(text.exit()).isEqualTo(64);
        assertThat(text.err()).contains("only XML output");
        assertThat(bash(TOOLS.resolve("cibadmin") + " --replace").exit()).isEqualTo(64);
        var unreachable = bash("VIGIL_SOCKET=" + dir.resolve("none.sock") + " " + TOOLS.resolve("crm_mon") + " -1 -X");
        assertThat(unreachable.exit()).isEqualTo(102);
        assertThat(Pattern.compile("cannot reach").matcher(unreachable.err()).find()).isTrue();
    }
}
