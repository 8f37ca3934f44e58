package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlServer;
import dev.vigil.coordination.NodeAttributes;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil's {@code crm_attribute} and {@code crm_master} (resource-scripts/sbin) as ClusterLabs'
 * agents call them, against a real control socket answered by {@link AttributeOp}.
 */
class CrmAttributeTest {
    private static final Path TOOLS = Path.of("../resource-scripts/sbin").toAbsolutePath().normalize();

    @TempDir
    Path dir;
    private ControlServer server;
    private NodeAttributes attributes;

    @BeforeEach
    void serve() throws Exception {
        attributes = new NodeAttributes("ha1", Optional.empty(), () -> { });
        server = new ControlServer(dir.resolve("ha1.sock"), new StubControlHandler() {
            @Override
            public String attribute(String verb, List<String> args) throws Refused {
                return AttributeOp.answer(Optional.of(attributes), Map.of("ha2", Map.of("master-db", "3")), "ha1",
                        Clock.systemUTC(), verb, args);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String tool, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(TOOLS.resolve(tool).toString()));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd);
        pb.environment().put("VIGIL_SOCKET", dir.resolve("ha1.sock").toString());
        pb.environment().put("OCF_RESOURCE_INSTANCE", "db");
        pb.environment().put("OCF_RESKEY_CRM_meta_on_node", "ha1");
        var p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        String err = new String(p.getErrorStream().readAllBytes()).strip();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void promotionScoresAsStatefulAndRedisSetThem() throws Exception {
        assertThat(run("crm_attribute", "--promotion", "-v", "5").exit()).isZero();
        assertThat(attributes.transientOwn()).isEqualTo(Map.of("master-db", "5"));
        assertThat(run("crm_master", "-l", "reboot", "-v", "-INFINITY").exit()).isZero();
        assertThat(run("crm_master", "-l", "reboot", "-G", "--quiet")).isEqualTo(new Run(0, "-INFINITY", ""));
        assertThat(run("crm_master", "-N", "ha2", "-l", "reboot", "-Q", "-G")).isEqualTo(new Run(0, "3", ""));
        assertThat(run("crm_master", "-l", "reboot", "-D").exit()).isZero();
        assertThat(run("crm_master", "-l", "reboot", "-G", "-q").exit()).as("gone").isEqualTo(105);
        // crm_master without -l is forever, as Pacemaker's: a permanent node attribute.
        assertThat(run("crm_master", "-v", "100").exit()).isZero();
        assertThat(attributes.permanent()).singleElement()
                .satisfies(p -> assertThat(p.name() + "=" + p.value() + "@" + p.node()).isEqualTo("master-db=100@ha1"));
        // Another node's transient score is that node's to set.
        var refused = run("crm_master", "-N", "ha2", "-l", "reboot", "-v", "1");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("set on ha2 itself");
    }

    @Test
    void nodeAttributesAndClusterPropertiesAsRedisUsesThem() throws Exception {
        assertThat(run("crm_attribute", "--type", "crm_config", "--name", "db_REPL_INFO", "-s", "redis_replication",
                "-v", "ha1").exit()).isZero();
        assertThat(run("crm_attribute", "--type", "crm_config", "--name", "db_REPL_INFO", "-s", "redis_replication",
                "-G", "-q")).isEqualTo(new Run(0, "ha1", ""));
        assertThat(run("crm_attribute", "--node", "ha1", "-l", "forever", "--name", "db-tunnel-port", "--query", "-q")
                .exit()).isEqualTo(105);
        assertThat(run("crm_attribute", "--node=ha1", "--lifetime=forever", "--name=db-tunnel-port",
                "--update=6379 \"quoted\" \\ back").exit()).isZero();
        assertThat(run("crm_attribute", "-N", "ha1", "-l", "forever", "-n", "db-tunnel-port", "-G"))
                .isEqualTo(new Run(0, "scope=nodes  name=db-tunnel-port value=6379 \"quoted\" \\ back", ""));
        assertThat(run("crm_attribute", "-N", "ha1", "-n", "missing", "-G", "-d", "fallback"))
                .isEqualTo(new Run(0, "fallback", ""));
        var bad = run("crm_attribute", "--type", "rsc_defaults", "-n", "x", "-G");
        assertThat(bad.exit()).isEqualTo(64);
        assertThat(bad.err()).contains("unknown type rsc_defaults");
    }
}
