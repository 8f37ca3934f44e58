package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ControlClient#anyOf}: which agent each call reaches as agents die, and that no request is sent twice. */
class ControlClientFailoverTest {
    @TempDir
    Path dir;
    private final List<ControlServer> servers = new ArrayList<>();

    /** A spy that names itself in its status; {@code dieOnAdmin} makes it stop its server mid-request. */
    final class Agent implements ControlHandler {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final String name;
        final Path socket;
        boolean dieOnAdmin;
        ControlServer server;

        Agent(String name) {
            this.name = name;
            this.socket = dir.resolve(name + ".sock");
        }

        Agent start() throws IOException {
            server = new ControlServer(socket, this);
            server.start();
            servers.add(server);
            return this;
        }

        @Override
        public StatusReport status() {
            calls.add("status");
            return SpyHandler.report(name);
        }

        @Override
        public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
            calls.add("admin " + verb + " " + args);
            if (dieOnAdmin) {
                server.close();
                throw new IllegalStateException("died while doing " + verb);
            }
            return new ControlProtocol.AdminOutcome(true, name + ": " + verb + " done");
        }

        @Override
        public ControlProtocol.AdminOutcome applyConfig(String text) {
            calls.add("config-apply");
            return new ControlProtocol.AdminOutcome(true, "applied");
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(ControlServer::close);
    }

    private static ControlClient anyOf(Agent... agents) {
        var clients = new ArrayList<ControlClient>();
        for (var a : agents) clients.add(ControlClient.unix(a.socket));
        return ControlClient.anyOf(clients);
    }

    @Test
    void theFirstAgentThatAnswersInListOrderAndStaysWithIt() throws Exception {
        var a = new Agent("a");
        var b = new Agent("b").start();
        var c = new Agent("c").start();
        var client = anyOf(a, b, c);
        assertThat(client.status().node()).isEqualTo("b");
        a.start();
        assertThat(client.status().node()).as("stays with the agent that answered").isEqualTo("b");
        b.server.close();
        assertThat(client.status().node()).isEqualTo("c");
        c.server.close();
        assertThat(client.status().node()).as("wraps around").isEqualTo("a");
    }

    @Test
    void noAgentAnsweringNamesEveryOneTried() {
        var client = anyOf(new Agent("a"), new Agent("b"));
        assertThatThrownBy(client::status).isInstanceOf(IOException.class)
                .hasMessageContaining("no agent answers")
                .hasMessageContaining("a.sock")
                .hasMessageContaining("b.sock");
    }

    @Test
    void aVerbThatReachedAnAgentIsNotSentAgainButTheNextCallGoesElsewhere() throws Exception {
        var a = new Agent("a").start();
        var b = new Agent("b").start();
        a.dieOnAdmin = true;
        var client = anyOf(a, b);
        assertThatThrownBy(() -> client.admin("move", List.of("www", "ha2"))).isInstanceOf(IOException.class);
        assertThat(a.calls).containsExactly("admin move [www, ha2]");
        assertThat(b.calls).as("not retried on another agent").isEmpty();
        assertThat(client.admin("standby", List.of("ha1")).message()).isEqualTo("b: standby done");
    }

    @Test
    void anEventStreamComesFromTheAgentThatAnswersAndSaysWhich() throws Exception {
        var bus = new EventBus(java.time.Clock.systemUTC(), () -> SpyHandler.report("b"), java.time.Duration.ofMillis(50), 8);
        var b = new Agent("b");
        b.server = new ControlServer(b.socket, b, bus);
        b.server.start();
        servers.add(b.server);
        try (var stream = anyOf(new Agent("a"), b).subscribe()) {
            assertThat(stream.agent()).endsWith("b.sock");
            var first = stream.next();
            assertThat(first.kind()).isEqualTo("status");
            assertThat(first.status().node()).isEqualTo("b");
        } finally {
            bus.close();
        }
    }
}
