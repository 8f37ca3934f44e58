package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static dev.vigil.config.ConfigFixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metrics: {listen: ADDRESS:PORT}}: what loads, and every refusal at its line:column. */
class MetricsConfigTest {
    private static final String BASE = """
            cluster: web
            auth: {keyfile: authkey}
            nodes: [{name: ha1, address: 10.0.0.48}, {name: ha2, address: 10.0.0.49}]
            links: [{type: udp, mode: unicast}]
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void writeKey() throws Exception {
        ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    private ClusterConfig load(String text) throws ConfigException {
        return ConfigLoader.load(text, dir.resolve("cluster.yaml"), NO_DNS);
    }

    @Test
    void offUnlessTheFileAsks() throws Exception {
        assertThat(load(BASE).metrics()).isEqualTo(MetricsConfig.OFF);
        assertThat(load(BASE).metrics().enabled()).isFalse();
    }

    @Test
    void withoutAnAddressEachNodeServesOnItsOwn() throws Exception {
        var m = load(BASE + "metrics: {listen: \":9469\"}\n").metrics();
        assertThat(m).isEqualTo(new MetricsConfig(true, Optional.empty(), 9469));
        assertThat(m.bindAddress(ip("10.0.0.49"))).isEqualTo(new InetSocketAddress(ip("10.0.0.49"), 9469));
    }

    @Test
    void wildcardAndLoopbackAreTheSameOnEveryNode() throws Exception {
        assertThat(load(BASE + "metrics: {listen: \"0.0.0.0:9100\"}\n").metrics().bindAddress(ip("10.0.0.48")))
                .isEqualTo(new InetSocketAddress(ip("0.0.0.0"), 9100));
        assertThat(load(BASE + "metrics: {listen: \"[::]:9100\"}\n").metrics().address()).contains(ip("::"));
        assertThat(load(BASE + "metrics: {listen: \"127.0.0.1:9469\"}\n").metrics().address()).contains(ip("127.0.0.1"));
        assertThat(load(BASE + "metrics:\n  listen: '[::1]:9469'\n").metrics().address()).contains(ip("::1"));
    }

    @Test
    void everyMistakeAtItsLineAndColumn() {
        assertErrors(BASE + "metrics: {listen: \"10.0.0.48:9469\"}\n", tuple(5, 19,
                "metrics listen `10.0.0.48:9469` names one address, but every node reads this file and binds it; "
                        + "leave the address out for each node's own (\":9469\"), or write 0.0.0.0:9469, [::]:9469 or 127.0.0.1:9469"));
        assertErrors(BASE + "metrics: {listen: \":7695\"}\n",
                tuple(5, 19, "metrics port 7695 is the control port; choose another, e.g. 9469"));
        assertErrors(BASE + "metrics: {listen: \"0.0.0.0:70000\"}\n",
                tuple(5, 19, "metrics port must be a TCP port (1..65535), got 70000"));
        assertErrors(BASE + "metrics: {listen: \"ha1:9469\"}\n", tuple(5, 19,
                "metrics listen `ha1:9469` names one address, but every node reads this file and binds it; "
                        + "leave the address out for each node's own (\":9469\"), or write 0.0.0.0:9469, [::]:9469 or 127.0.0.1:9469"));
        assertErrors(BASE + "metrics: {listen: 9469, path: /m}\n",
                tuple(5, 19, "metrics listen `9469` is not ADDRESS:PORT; write listen: \":9469\" (each node's own address), "
                        + "\"0.0.0.0:9469\" (every address) or \"127.0.0.1:9469\" (loopback)"),
                tuple(5, 25, "unknown key `path` in metrics; valid keys: listen"));
        assertErrors(BASE + "metrics: {listen: \"9469\"}\n", tuple(5, 19,
                "metrics listen `9469` is not ADDRESS:PORT; write listen: \":9469\" (each node's own address), "
                        + "\"0.0.0.0:9469\" (every address) or \"127.0.0.1:9469\" (loopback)"));
        assertErrors(BASE + "metrics: on\n", tuple(5, 10, "metrics must be a map such as {listen: \":9469\" (each node's own "
                + "address), \"0.0.0.0:9469\" (every address) or \"127.0.0.1:9469\" (loopback)}, got the boolean on"));
    }

    @Test
    void theControlPortIsFreeForMetricsWhenItIsOff() throws Exception {
        assertThat(load(BASE + "control: {enabled: false}\nmetrics: {listen: \":7695\"}\n").metrics().port()).isEqualTo(7695);
    }

    private void assertErrors(String text, org.assertj.core.groups.Tuple... expected) {
        assertThatThrownBy(() -> load(text)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                .extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(expected));
    }
}
