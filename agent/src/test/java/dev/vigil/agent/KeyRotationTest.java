package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ClusterKey;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.KeyRing;
import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlHandler;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.EventBus;
import dev.vigil.control.KeyReport;
import dev.vigil.control.StatusReport;
import dev.vigil.control.TcpControlServer;
import dev.vigil.transport.Drops;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil key rotate} across real control ports on loopback addresses: two members and a
 * node that is down, each member with its own key file and key ring.
 */
class KeyRotationTest {
    private static final String OLD = "the-old-cluster-key-0123456789";

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** One member: its key ring, its rotation, its control port, and the keys its heartbeats were told to use. */
    private record Member(KeyRing ring, KeyRotation rotation, List<ClusterKey> sentWith) {}

    @AfterEach
    void close() throws Exception {
        for (var c : open) c.close();
    }

    private int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private ClusterConfig config(int port) throws Exception {
        Path key = dir.resolve("authkey");
        Files.writeString(key, OLD + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return ConfigLoader.load("""
                cluster: rot
                auth: {keyfile: authkey}
                control: {port: %d}
                nodes:
                  - {name: ha1, address: 127.0.0.71}
                  - {name: ha2, address: 127.0.0.72}
                  - {name: ha3, address: 127.0.0.73}
                links: [{type: udp, mode: unicast}]
                """.formatted(port), dir.resolve("cluster.yaml"));
    }

    private Member member(ClusterConfig config, String node, boolean serve) throws Exception {
        Path keyFile = dir.resolve(node).resolve("authkey");
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, OLD + "\n");
        var ring = new KeyRing(keyFile, config.key());
        var sent = new CopyOnWriteArrayList<ClusterKey>();
        var rotation = new KeyRotation(node, config, ring, () -> Set.of("ha1", "ha2"), sent::add, Duration.ofMillis(10));
        if (serve) {
            var bus = new EventBus(Clock.systemUTC(), () -> null, Duration.ofMillis(50), 16);
            var server = new TcpControlServer(new InetSocketAddress(config.node(node).orElseThrow().address(),
                    config.control().port()), ring::accepted, handler(rotation), bus,
                    new Drops(Clock.systemUTC(), Duration.ofSeconds(10)));
            server.start();
            open.add(server);
            open.add(bus);
        }
        return new Member(ring, rotation, sent);
    }

    @Test
    void everyMemberTakesTheNewKeyAndTheNodeThatIsDownIsNamed() throws Exception {
        var config = config(freePort());
        var ha1 = member(config, "ha1", true);
        var ha2 = member(config, "ha2", true);
        var next = new ClusterKey("the-new-cluster-key-9876543210".getBytes());

        KeyReport report = ha1.rotation().handle("rotate", java.util.Base64.getEncoder().encodeToString(next.bytes()));

        assertThat(report.rotated()).containsExactly("ha1", "ha2");
        assertThat(report.missed()).singleElement().asString().startsWith("ha3");
        assertThat(report.message()).contains("the old key is refused from now on", "Missed: ha3", "copy ");
        for (var m : List.of(ha1, ha2)) {
            assertThat(m.ring().accepted()).containsExactly(next);
            assertThat(m.ring().step()).isEqualTo(KeyRing.Step.STEADY);
            assertThat(m.sentWith()).containsExactly(next);
            assertThat(Files.readString(m.ring().keyFile())).isEqualTo("the-new-cluster-key-9876543210\n");
        }
        var ha2Port = new InetSocketAddress("127.0.0.72", config.control().port());
        assertThatThrownBy(() -> ControlClient.tcp(ha2Port, config.key()).key("show", null))
                .hasMessageContaining("authentication failed");
        assertThat(ControlClient.tcp(ha2Port, next).key("show", null).fingerprint()).isEqualTo(KeyRing.fingerprint(next));
    }

    @Test
    void aMemberThatDoesNotTakeTheKeyAbandonsTheRotationBeforeAnyoneSwitches() throws Exception {
        var config = config(freePort());
        var ha1 = member(config, "ha1", true);
        member(config, "ha2", false); // a member whose control port does not answer
        var next = new ClusterKey("the-new-cluster-key-9876543210".getBytes());

        assertThatThrownBy(() -> ha1.rotation().handle("rotate", java.util.Base64.getEncoder().encodeToString(next.bytes())))
                .isInstanceOf(ControlHandler.Refused.class)
                .hasMessageContaining("abandoned, nothing changed: ha2 did not take the new key");
        assertThat(ha1.ring().accepted()).containsExactly(config.key());
        assertThat(ha1.ring().nextFile()).doesNotExist();
        assertThat(ha1.sentWith()).isEmpty();
        assertThat(Files.readString(ha1.ring().keyFile())).isEqualTo(OLD + "\n");
    }

    private static ControlHandler handler(KeyRotation rotation) {
        return new ControlHandler() {
            @Override
            public StatusReport status() {
                return null;
            }

            @Override
            public ControlProtocol.AdminOutcome admin(String verb, List<String> args) {
                return new ControlProtocol.AdminOutcome(false, "not here");
            }

            @Override
            public ControlProtocol.AdminOutcome applyConfig(String text) {
                return new ControlProtocol.AdminOutcome(false, "not here");
            }

            @Override
            public KeyReport key(String verb, String text) throws Refused {
                return rotation.handle(verb, text);
            }
        };
    }
}
