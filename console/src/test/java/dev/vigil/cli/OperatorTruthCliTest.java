package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.ControlServer;
import dev.vigil.control.EventBus;
import dev.vigil.control.StatusReport;
import dev.vigil.ssh.FakeAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18, items 5 and 7: the CLI finds the local agent by itself, and its verbs say what they do and did. */
class OperatorTruthCliTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();
    private ControlServer server;
    private EventBus bus;
    private Path config;

    /** The fixture's agent, which also shows its running configuration. */
    private final ControlHandler agent = new ControlHandler() {
        private final FakeAgent fake = new FakeAgent();

        @Override
        public StatusReport status() {
            return fake.status();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            return fake.admin(verb, args);
        }

        @Override
        public ControlProtocol.AdminOutcome applyConfig(String text) {
            return fake.applyConfig(text);
        }

        @Override
        public String runningConfig() {
            return "cluster: web\nversion: 7\n";
        }
    };

    @BeforeEach
    void start() throws Exception {
        var key = dir.resolve("authkey");
        Files.writeString(key, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        config = dir.resolve("cluster.yaml");
        // the demo's way: the sockets live beside the file, and the file says so
        Files.writeString(config, """
                cluster: web
                auth: {keyfile: authkey}
                control: {socket_dir: .}
                nodes:
                  - {name: ha1, address: 127.0.0.1}
                  - {name: ha2, address: 127.0.0.2}
                links:
                  - {type: udp, mode: unicast, port: 694}
                policy: {two_node_unsafe: true}
                """);
        bus = new EventBus(Clock.systemUTC(), agent::status, EventBus.DEFAULT_STATUS_INTERVAL, EventBus.DEFAULT_QUEUE_CAPACITY);
        server = new ControlServer(dir.resolve("web-ha1.sock"), agent, bus);
        server.start();
    }

    @AfterEach
    void stop() {
        NodeOptions.environment = System::getenv;
        System.clearProperty("vigil.home");
        server.close();
        bus.close();
    }

    private void env(Map<String, String> vars) {
        NodeOptions.environment = vars::get;
    }

    @Test
    void configAndNodeLeadToTheAgentsSocketThroughTheFilesSocketDir() {
        assertThat(VigilCommand.run("status", "--config", config.toString(), "--node", "ha1")).as(io.err.toString()).isZero();
        assertThat(io.out.toString()).contains("ha1");
    }

    @Test
    void vigilSocketAndVigilConfigComeFromTheEnvironment() {
        env(Map.of("VIGIL_SOCKET", dir.resolve("web-ha1.sock").toString()));
        assertThat(VigilCommand.run("status")).as(io.err.toString()).isZero();

        env(Map.of("VIGIL_CONFIG", config.toString()));
        assertThat(VigilCommand.run("status", "--node", "ha1")).as(io.err.toString()).isZero();
        // an explicit --node wins over VIGIL_SOCKET: ha2's socket is not there
        env(Map.of("VIGIL_CONFIG", config.toString(), "VIGIL_SOCKET", dir.resolve("web-ha1.sock").toString()));
        assertThat(VigilCommand.run("status", "--node", "ha2")).isEqualTo(3);
        assertThat(io.err.toString()).contains("no agent answers on " + dir.resolve("web-ha2.sock"));
    }

    @Test
    void withoutAClusterFileTheMessageSaysHowToFindTheAgentNotThatTheAgentWillNotStart() {
        env(Map.of("VIGIL_CONFIG", dir.resolve("missing.yaml").toString()));
        assertThat(VigilCommand.run("status")).isEqualTo(2);
        assertThat(io.err.toString()).contains("no cluster file at " + dir.resolve("missing.yaml"))
                .contains("VIGIL_SOCKET").doesNotContain("not starting");
    }

    @Test
    void configShowPrintsTheRunningDistributedFile() {
        assertThat(VigilCommand.run("config", "show", "--config", config.toString(), "--node", "ha1")).as(io.err.toString()).isZero();
        assertThat(io.out.toString()).isEqualTo("cluster: web\nversion: 7\n");
    }

    @Test
    void configCheckRefusesAVigilAgentThatDoesNotExistHereAndSuggestsTheNearestOne() throws Exception {
        var home = dir.resolve("home");
        var ocf = Files.createDirectories(home.resolve("resource-scripts/ocf/vigil"));
        Files.writeString(ocf.resolve("apache"), "#!/bin/sh\n");
        ocf.resolve("apache").toFile().setExecutable(true);
        System.setProperty("vigil.home", home.toString());
        var f = dir.resolve("typo.yaml");
        Files.writeString(f, Files.readString(config) + """
                resources:
                  - {id: web, agent: "ocf:vigil:apach"}
                  - {id: db, agent: "lsb:no-such-init-script"}
                """);

        assertThat(VigilCommand.run("config", "check", f.toString())).isEqualTo(1);
        assertThat(io.err.toString()).contains("resource web: agent ocf:vigil:apach does not exist on this node")
                .contains("did you mean ocf:vigil:apache?")
                .contains("warning: " + f + ": resource db: agent lsb:no-such-init-script does not exist on this node");

        Files.writeString(f, Files.readString(config) + "resources:\n  - {id: web, agent: \"ocf:vigil:apache\"}\n");
        io.out.reset();
        assertThat(VigilCommand.run("config", "check", f.toString())).isZero();
        assertThat(io.out.toString()).contains("OK");
    }

    @Test
    void agentHelpHasNoConnectAndVerbsHelpListsExitCodes() {
        VigilCommand.run("agent", "--help");
        assertThat(io.out.toString()).contains("--socket").doesNotContain("--connect");
        io.out.reset();
        VigilCommand.run("resource", "move", "--help");
        assertThat(io.out.toString()).contains("Exit codes:").contains("3   no agent answers");
        io.out.reset();
        VigilCommand.run("status", "--help");
        assertThat(io.out.toString()).contains("Exit codes:");
    }

    @Test
    void verbsNotOfferedOverSshSaySo() {
        assertThat(RemoteCli.notOffered(List.of("config", "check", "/etc/vigil/cluster.yaml"))).get().asString()
                .contains("`vigil config check` is not offered over the console");
        assertThat(RemoteCli.notOffered(List.of("agent"))).get().asString().contains("not offered over the console");
        assertThat(RemoteCli.notOffered(List.of("config", "apply", "-"))).isEmpty();
        assertThat(RemoteCli.notOffered(List.of("status"))).isEmpty();
    }
}
