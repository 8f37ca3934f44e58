package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code arbitrator:} in the cluster file and the arbitrator's own file: what loads, every refusal at line:column. */
class ArbitratorConfigTest {
    private static final String BASE = """
            cluster: web
            auth: {keyfile: authkey}
            timing: {preset: lan}
            nodes: [{name: ha1, address: 10.0.0.48}, {name: ha2, address: 10.0.0.49}]
            links: [{type: udp, mode: unicast}]
            resources: [{id: vip, agent: "ocf:vigil:IPaddr", params: {ip: 10.0.0.46}}]
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void writeKeys() throws Exception {
        ConfigFixtures.writeKey(dir.resolve("authkey"));
        ConfigFixtures.writeKey(dir.resolve("arb.key"));
    }

    private ClusterConfig load(String text) throws ConfigException {
        return ConfigLoader.load(text, dir.resolve("cluster.yaml"), NO_DNS);
    }

    @Test
    void anArbitratorIsATieBreakerForTwoNodesAndDefaultsToFfsplitLowest() throws Exception {
        var c = load(BASE + "arbitrator: {address: \"10.0.0.50:7696\", keyfile: arb.key}\n");
        var a = c.arbitrator().orElseThrow();
        assertThat(a.host()).isEqualTo("10.0.0.50");
        assertThat(a.port()).isEqualTo(7696);
        assertThat(a.algorithm()).isEqualTo(ArbitratorConfig.Algorithm.FFSPLIT);
        assertThat(a.tieBreaker()).isEqualTo("lowest");
        assertThat(a.lease()).isEqualTo(c.timing().deadtime().compareTo(Duration.ofSeconds(2)) > 0
                ? c.timing().deadtime() : Duration.ofSeconds(2));
        assertThat(c.votesWithArbitrator()).isEqualTo(3);
        assertThat(a.toString()).doesNotContain(ConfigFixtures.KEY_TEXT);
    }

    @Test
    void lmsGivesTheArbitratorOneVoteLessThanTheNodes() throws Exception {
        var c = load(BASE.replace("{name: ha2, address: 10.0.0.49}]",
                "{name: ha2, address: 10.0.0.49}, {name: ha3, address: 10.0.0.47}]")
                + "arbitrator: {address: \"[fd00::50]:7000\", keyfile: arb.key, algorithm: lms, tie_breaker: ha2, lease: 3s}\n");
        var a = c.arbitrator().orElseThrow();
        assertThat(a.host()).isEqualTo("fd00::50");
        assertThat(a.votes(3)).isEqualTo(2);
        assertThat(c.votesWithArbitrator()).isEqualTo(5);
        assertThat(a.tieBreaker()).isEqualTo("ha2");
        assertThat(a.lease()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void withoutFencingTheLosingSideMustStop() {
        assertErrors(BASE + "policy: {no_quorum: freeze}\narbitrator: {address: \"h:1\", keyfile: arb.key}\n",
                tuple(8, 1, "with an arbitrator and no fencing, the side that loses the arbitrator's vote must stop its "
                        + "resources, but policy.no_quorum is freeze; write policy: {no_quorum: stop} (the default), "
                        + "or configure fencing"));
    }

    @Test
    void everyMistakeAtItsLineAndColumn() {
        assertErrors(BASE + "arbitrator: {address: \"10.0.0.50\", keyfile: arb.key}\n",
                tuple(7, 23, "address `10.0.0.50` is not HOST:PORT: the host or the port is missing, e.g. 10.0.0.50:7696"));
        assertErrors(BASE + "arbitrator: {address: \"fd00::1:7696\", keyfile: arb.key}\n",
                tuple(7, 23, "address `fd00::1:7696` is not HOST:PORT: an IPv6 address is written in brackets, [fd00::50]:7696"));
        assertErrors(BASE + "arbitrator: {address: \"h:99999\", keyfile: arb.key, algorithm: qdevice}\n",
                tuple(7, 23, "address `h:99999` is not HOST:PORT: the port must be 1..65535, got `99999`"),
                tuple(7, 63, "unknown arbitrator algorithm `qdevice`; valid values: ffsplit | lms"));
        assertErrors(BASE + "arbitrator: {address: \"h:1\", keyfile: arb.key, tie_breaker: ha9, lease: 500ms, votes: 2}\n",
                tuple(7, 61, "tie_breaker `ha9` is neither lowest, highest nor a node; nodes in this file: ha1, ha2"),
                tuple(7, 73, "arbitrator lease must be at least 1s (the nodes renew it every third of it, over TCP), got 500ms"),
                tuple(7, 80, "unknown key `votes` in arbitrator; valid keys: address, keyfile, algorithm, tie_breaker, lease"));
        assertErrors(BASE + "arbitrator: {address: \"h:1\"}\n",
                tuple(7, 13, "missing required key `keyfile` in arbitrator: the key shared with the arbitrator, e.g. "
                        + "/etc/vigil/arbitrator.key"));
    }

    @Test
    void theArbitratorsOwnFileListsClustersAndTheirKeys() throws Exception {
        var c = ArbitratorServiceConfig.load("listen: 0.0.0.0:7696\nclusters:\n  - {name: web, keyfile: arb.key}\n"
                + "  - {name: db, keyfile: authkey}\n", dir.resolve("arbitrator.yaml"));
        assertThat(c.listen().getPort()).isEqualTo(7696);
        assertThat(c.clusters()).containsOnlyKeys("web", "db");
        assertThat(c.toString()).isEqualTo("arbitrator on 0.0.0.0:7696 for [web, db]");
    }

    @Test
    void theArbitratorsOwnFileRefusesMistakesAtLineAndColumn() {
        assertThatThrownBy(() -> ArbitratorServiceConfig.load("listen: 7696\nclusters:\n  - {name: web, keyfile: none.key}\n"
                + "  - {name: web, keyfile: arb.key, key: x}\nport: 1\n", dir.resolve("arbitrator.yaml")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::line, ConfigError::column, ConfigError::message)
                        .containsExactly(
                                tuple(1, 9, "listen `7696` is not HOST:PORT: the host or the port is missing, e.g. 0.0.0.0:7696"),
                                tuple(3, 26, "key file " + dir.resolve("none.key") + " does not exist; make one with: "
                                        + "head -c 32 /dev/urandom | base64 > " + dir.resolve("none.key") + "; chmod 600 "
                                        + dir.resolve("none.key")),
                                tuple(4, 5, "cluster `web` is listed twice (first at line 3)"),
                                tuple(4, 35, "unknown key `key` in a cluster; valid keys: name, keyfile"),
                                tuple(5, 1, "unknown key `port` in the arbitrator file; valid keys: listen, clusters")));
    }

    private void assertErrors(String text, org.assertj.core.groups.Tuple... expected) {
        assertThatThrownBy(() -> load(text)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                .extracting(ConfigError::line, ConfigError::column, ConfigError::message).containsExactly(expected));
    }
}
