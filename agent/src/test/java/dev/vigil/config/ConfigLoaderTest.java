package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static dev.vigil.config.ConfigFixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that load, and what they load into. */
class ConfigLoaderTest {
    @TempDir
    Path dir;
    Path key;

    @BeforeEach
    void writeKey() throws Exception {
        key = ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    @Test
    void theDocumentedExampleLoads() throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                cluster: web                              # required
                version: 1
                auth: {keyfile: %s}
                timing: {preset: lan}
                nodes:
                  - {name: ha1, address: 10.0.0.48}
                  - {name: ha2, address: 10.0.0.49, votes: 1}
                links:
                  - {type: udp, mode: unicast, port: 694}
                  - {type: udp, mode: multicast, group: 239.0.0.94, port: 694, interface: eth1, ttl: 1}
                  - {type: udp, mode: broadcast, port: 695, interface: eth1}
                  - {type: serial, between: [ha1, ha2], device: /dev/ttyS0, baud: 19200}
                """.formatted(key), StandardCharsets.UTF_8);

        ClusterConfig c = ConfigLoader.load(file);

        assertThat(ConfigLoader.check(file)).isEmpty();
        assertThat(c.source()).isEqualTo(file);
        assertThat(c.cluster()).isEqualTo("web");
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.keyFile()).isEqualTo(key);
        assertThat(c.key().bytes()).isEqualTo(ConfigFixtures.KEY_TEXT.getBytes(StandardCharsets.US_ASCII));
        assertThat(c.timingPreset()).isEqualTo(TimingPreset.LAN);
        assertThat(c.timing()).isEqualTo(TimingPreset.LAN.timing());
        assertThat(c.nodes()).containsExactly(
                new NodeConfig("ha1", ip("10.0.0.48"), 1),
                new NodeConfig("ha2", ip("10.0.0.49"), 1));
        assertThat(c.links()).containsExactly(
                new LinkConfig.Udp(0, "ucast:694", UdpMode.UNICAST, 694, Optional.empty(), Optional.empty(), 1),
                new LinkConfig.Udp(1, "mcast:239.0.0.94:694", UdpMode.MULTICAST, 694,
                        Optional.of(ip("239.0.0.94")), Optional.of("eth1"), 1),
                new LinkConfig.Udp(2, "bcast:695", UdpMode.BROADCAST, 695, Optional.empty(), Optional.of("eth1"), 1),
                new LinkConfig.Serial(3, "serial:/dev/ttyS0", List.of("ha1", "ha2"),
                        Map.of("ha1", "/dev/ttyS0", "ha2", "/dev/ttyS0"), 19200));
        assertThat(c.totalVotes()).isEqualTo(2);
    }

    @Test
    void defaultsApplyWhenOptionalKeysAreAbsent() throws Exception {
        ClusterConfig c = load("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: multicast, group: 239.0.0.94}]
                """);
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.timingPreset()).isEqualTo(TimingPreset.LAN);
        assertThat(c.timing()).isEqualTo(TimingPreset.LAN.timing());
        assertThat(c.nodes()).containsExactly(new NodeConfig("ha1", ip("10.0.0.48"), 1));
        assertThat(c.links()).containsExactly(new LinkConfig.Udp(0, "mcast:239.0.0.94:694", UdpMode.MULTICAST,
                694, Optional.of(ip("239.0.0.94")), Optional.empty(), 1));
        assertThat(c.control()).isEqualTo(new ControlConfig(true, 7695));
    }

    @Test
    void controlPortCanBeMovedOrTurnedOff() throws Exception {
        var base = """
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """;
        assertThat(load(base + "control: {port: 17695}\n").control()).isEqualTo(new ControlConfig(true, 17695));
        assertThat(load(base + "control: {enabled: false}\n").control()).isEqualTo(new ControlConfig(false, 7695));
        // issue 18: the sockets' directory, relative to the file as keyfile is
        assertThat(load(base + "control: {socket_dir: run}\n").control().socketDir()).isEqualTo(dir.resolve("run").toAbsolutePath().normalize());
        assertThatThrownBy(() -> load(base + "control: {port: 70000, tls: on}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(
                                org.assertj.core.groups.Tuple.tuple(5, 17, "control port must be a TCP port (1..65535), got 70000"),
                                org.assertj.core.groups.Tuple.tuple(5, 24, "unknown key `tls` in control; valid keys: enabled, port, socket_dir")));
    }

    @Test
    void relativeKeyFileResolvesAgainstTheClusterFilesDirectory() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("etc/vigil"));
        Path nested = ConfigFixtures.writeKey(sub.resolve("authkey"));
        ClusterConfig c = ConfigLoader.load("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """, sub.resolve("cluster.yaml"), NO_DNS);
        assertThat(c.keyFile()).isEqualTo(nested.toAbsolutePath());
    }

    @Test
    void keyIsTheFilesBytesWithoutTrailingWhitespace() throws Exception {
        ConfigFixtures.writeKey(key, "  0123456789abcdef \t\r\n\n", "r--------");
        ClusterConfig c = load(MINIMAL);
        assertThat(new String(c.key().bytes(), StandardCharsets.US_ASCII)).isEqualTo("  0123456789abcdef");
        assertThat(c.key().toString()).doesNotContain("0123");
    }

    @Test
    void explicitValuesAndHostNamesAndIpv6() throws Exception {
        ClusterConfig c = load("""
                cluster: db.prod-2
                version: 7
                auth: {keyfile: authkey}
                timing: {preset: fast, keepalive: 0.04, warntime: 120ms, deadtime: 0.2s, initdead: 1m}
                nodes:
                  - {name: a, address: ha1.example.com, votes: 2}
                  - {name: b, address: "fd00::49", votes: 0}
                links:
                  - {type: udp, mode: multicast, group: "ff02::94", port: 7000, ttl: 0}
                  - {type: serial, name: cable, between: [b, a], device: {a: /dev/ttyS0, b: /dev/ttyUSB0}, baud: 115200}
                """);
        assertThat(c.cluster()).isEqualTo("db.prod-2");
        assertThat(c.version()).isEqualTo(7);
        assertThat(c.timingPreset()).isEqualTo(TimingPreset.FAST);
        assertThat(c.timing()).isEqualTo(new Timing(java.time.Duration.ofMillis(40), java.time.Duration.ofMillis(120),
                java.time.Duration.ofMillis(200), java.time.Duration.ofMinutes(1)));
        assertThat(c.nodes()).containsExactly(new NodeConfig("a", ip("10.0.0.48"), 2),
                new NodeConfig("b", ip("fd00::49"), 0));
        assertThat(c.links()).containsExactly(
                new LinkConfig.Udp(0, "mcast:ff02::94:7000", UdpMode.MULTICAST, 7000, Optional.of(ip("ff02::94")),
                        Optional.empty(), 0),
                new LinkConfig.Serial(1, "cable", List.of("b", "a"), Map.of("a", "/dev/ttyS0", "b", "/dev/ttyUSB0"),
                        115200));
        assertThat(c.linksOf("a")).hasSize(2);
    }

    @Test
    void collidingDefaultLinkNamesGetTheirIndex() throws Exception {
        ClusterConfig c = load("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48}, {name: ha2, address: 10.0.0.49}]
                links:
                  - {type: udp, mode: broadcast, interface: eth0}
                  - {type: udp, mode: broadcast, interface: eth1}
                  - {type: udp, mode: unicast}
                  - {type: udp, mode: unicast, port: 695, name: "ucast:694"}
                  - {type: serial, between: [ha1, ha2], device: /dev/ttyS0}
                """);
        assertThat(c.links()).extracting(LinkConfig::index).containsExactly(0, 1, 2, 3, 4);
        assertThat(c.links()).extracting(LinkConfig::name)
                .containsExactly("bcast:694#0", "bcast:694#1", "ucast:694#2", "ucast:694", "serial:/dev/ttyS0");
    }

    @Test
    void loadThrowsWithEveryErrorInFileOrder() {
        assertThatThrownBy(() -> load("""
                cluster: "no spaces allowed"
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48, vote: 1}]
                links: [{type: udp, mode: unicast, port: 0}]
                colour: blue
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).extracting(ConfigError::line, ConfigError::column).containsExactly(
                            org.assertj.core.groups.Tuple.tuple(1, 10),
                            org.assertj.core.groups.Tuple.tuple(3, 41),
                            org.assertj.core.groups.Tuple.tuple(4, 42),
                            org.assertj.core.groups.Tuple.tuple(5, 1));
                    assertThat(e.getMessage()).contains("cluster.yaml:3:41: unknown key `vote`");
                });
    }

    @Test
    void checkReportsAnUnreadableFileInsteadOfThrowing() {
        List<ConfigError> errors = ConfigLoader.check(dir.resolve("missing.yaml"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).isEqualTo("cannot read the cluster file: no such file");
        });
    }

    @Test
    void encryptedHeartbeatsAreAnOptionOfAuthOffWhenAbsent() throws Exception {
        assertThat(load(MINIMAL).encrypt()).isFalse();
        assertThat(load(MINIMAL.replace("{keyfile: authkey}", "{keyfile: authkey, encrypt: true}")).encrypt()).isTrue();
        assertThat(load(MINIMAL.replace("{keyfile: authkey}", "{keyfile: authkey, encrypt: false}")).encrypt()).isFalse();
    }

    static final String MINIMAL = """
            cluster: web
            auth: {keyfile: authkey}
            nodes: [{name: ha1, address: 10.0.0.48}]
            links: [{type: udp, mode: unicast}]
            """;

    private ClusterConfig load(String yaml) throws ConfigException {
        return ConfigLoader.load(yaml, dir.resolve("cluster.yaml"), NO_DNS);
    }
}
