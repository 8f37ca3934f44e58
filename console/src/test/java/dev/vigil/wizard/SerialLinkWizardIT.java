package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.TransportFactory;
import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import dev.vigil.time.MonotonicClock;
import dev.vigil.transport.serial.SocatPair;
import dev.vigil.tui.ConsoleBackend;
import dev.vigil.tui.Screens;
import dev.vigil.tui.TuiOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serial link wizard end to end: two real agents (in this JVM, on 127.0.0.41 and .42, each
 * with its authenticated TCP control port), a socat cable between ports "on" them, and the console
 * driven through the real OpenSSH client inside a private tmux server at 80x24. The cable tested
 * through both agents: OK with its counts and the offer to add it; then node_b's answer changed to
 * a port no cable reaches (the cable pulled: both ports exist, nothing joins them): NO_LINK, and
 * the hint says the cable is absent. Both runs audited with their verdicts.
 */
@Tag("integration")
class SerialLinkWizardIT {
    @TempDir Path dir;
    private final List<Agent> agents = new ArrayList<>();
    private final List<SocatPair> cables = new ArrayList<>();
    private TmuxConsole ui;

    @BeforeEach
    void start() throws Exception {
        assumeThat(SocatPair.available()).as("socat is needed (apt-get install socat)").isTrue();
        var key = dir.resolve("authkey");
        Files.writeString(key, "serial-wizard-key-0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("run"));
        Files.writeString(dir.resolve("cluster.yaml"), """
                cluster: serialwiz
                auth: {keyfile: authkey}
                timing: {preset: lan}
                nodes:
                  - {name: ha1, address: 127.0.0.41}
                  - {name: ha2, address: 127.0.0.42}
                links:
                  - {type: udp, mode: unicast, port: %d}
                control: {port: %d, socket_dir: run}
                policy: {two_node_unsafe: true}
                """.formatted(freePort(), freePort()));
        ClusterConfig config = ConfigLoader.load(dir.resolve("cluster.yaml"));
        for (String node : List.of("ha1", "ha2")) {
            var options = AgentOptions.resolve(config, Optional.of(node), Optional.empty(), Optional.of(dir.resolve("state-" + node)));
            var agent = new Agent(config, options, MonotonicClock.create(), TransportFactory.system());
            agent.start();
            agents.add(agent);
        }
        var ha1 = ControlClient.tcp(new InetSocketAddress("127.0.0.41", config.control().port()), config.key());

        var settings = new WizardSettings(ShippedRecipesTest.SHIPPED, dir.resolve("saved"), dir.resolve("state").toString(),
                WizardHosts.cluster(dir.resolve("cluster.yaml"), Optional.empty()));
        var options = TuiOptions.defaults().withScreens(Screens.standard().with(Wizards.entry(settings))).withConfig(config);
        ui = new TmuxConsole(dir, "operator", new Following(ha1), options);
    }

    /** The console follows ha1's agent (its status names the nodes the wizard's node fields offer). */
    private record Following(ControlClient agent) implements ConsoleBackend {
        @Override
        public StatusReport status() throws IOException {
            return agent.status();
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            throw new AssertionError("the wizard sends no operator verb: " + verb);
        }

        @Override
        public AutoCloseable subscribe(Consumer<StatusReport> onStatus) {
            try {
                onStatus.accept(agent.status());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return () -> { };
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (ui != null) ui.close();
        agents.forEach(Agent::close);
        for (var c : cables) c.close();
    }

    private SocatPair cable(String name) throws Exception {
        var c = new SocatPair(Files.createDirectories(dir.resolve(name)));
        c.start();
        cables.add(c);
        return c;
    }

    @Test
    void theCableTestedThroughBothAgentsThenPulled() throws Exception {
        var cable = cable("cable");
        var loose = cable("loose"); // another port on ha2, its cable going nowhere we listen
        var ids = Recipes.scan(ShippedRecipesTest.SHIPPED, WizardHosts.local()).stream().map(Recipe::id).toList();
        ui.connect();
        awaitScreen("cluster serialwiz");

        keys("w");
        awaitScreen("Recipes in ");
        for (int i = 0; i < ids.indexOf("serial-link"); i++) keys("Down");
        keys("Enter");
        awaitScreen("serial-link: answers (1/5)");
        keys("Right"); // node_a: ha1
        awaitScreen("< ha1 >");
        keys("Down");
        clear("/dev/ttyS0");
        literal(cable.a.toString());
        keys("Down", "Right", "Right"); // node_b: ha2
        awaitScreen("< ha2 >");
        keys("Down");
        clear("/dev/ttyS0");
        literal(cable.b.toString());
        keys("Down", "Down"); // baud 19200 as it is; duration
        clear("5s");
        literal("2s");
        keys("Enter");
        awaitScreen("serial-link: testing the cable");
        // 2 s of probes every 50 ms, through both agents
        awaitScreen("Verdict: OK");
        awaitScreen("sent 40  back 40  corrupted 0  lost 0");
        awaitScreen("heard 40  echoed 40");
        awaitScreen("add it to the cluster");

        // the cable pulled: node_b's port is there, but nothing joins it to node_a's
        keys("b");
        awaitScreen("serial-link: answers (1/5)");
        keys("Up", "Up");
        awaitScreen("> device_b");
        clear(cable.b.toString());
        literal(loose.b.toString());
        keys("Enter");
        awaitScreen("Verdict: NO_LINK");
        awaitScreen("sent 40  back 0");
        awaitScreen("the cable is absent");

        assertThat(ui.audit.tail(10)).extracting(e -> e.user() + " " + e.action() + " " + e.outcome().split(":")[0])
                .containsExactly("otto serial-test started at 19200 baud for 2s", "otto serial-test OK",
                        "otto serial-test started at 19200 baud for 2s", "otto serial-test NO_LINK");
        keys("Escape");
        awaitScreen("Recipes in ");
        assertThat(ui.quit()).isEqualTo("0");
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Backspace over a field's current text. */
    private void clear(String current) throws Exception {
        var bs = new ArrayList<String>();
        for (int i = 0; i < current.length(); i++) bs.add("BSpace");
        keys(bs.toArray(String[]::new));
        awaitScreen("_");
    }

    private void keys(String... keys) throws Exception {
        ui.keys(keys);
    }

    private void literal(String text) throws Exception {
        ui.literal(text);
    }

    private void awaitScreen(String text) {
        ui.awaitScreen(text);
    }
}
