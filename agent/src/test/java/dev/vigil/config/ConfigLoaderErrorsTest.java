package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per kind of mistake: where it is reported (line:column) and what the message says. */
class ConfigLoaderErrorsTest {
    @TempDir
    Path dir;
    Path key;

    /** Lines 1–5 of most files below; line 6 is {@code links:}. */
    static final String HEAD = """
            cluster: web
            auth: {keyfile: authkey}
            nodes:
              - {name: ha1, address: 10.0.0.48}
              - {name: ha2, address: 10.0.0.49}
            """;

    @BeforeEach
    void writeKey() throws Exception {
        key = ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    @Test
    void unknownKeyListsTheValidOnes() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {preset: lan, deadtmie: 2s}
                nodes:
                  - {name: ha1, address: 10.0.0.48, weight: 2}
                links:
                  - {type: udp, mode: unicast}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 3, 23, "unknown key `deadtmie` in timing", "did you mean `deadtime`?",
                "valid keys: preset, keepalive, warntime, deadtime, initdead");
        assertError(errors.get(1), 5, 37, "unknown key `weight` in a node", "valid keys: name, address, votes");
    }

    @Test
    void unknownKeyOfALinkListsTheKeysOfItsKind() {
        var errors = errors(HEAD + """
                links:
                  - {type: udp, mode: unicast, interface: eth0}
                """);
        assertSingle(errors, 7, 32, "unknown key `interface` in a unicast link", "valid keys: type, name, mode, port");
    }

    @Test
    void wrongTypeSaysWhatWasExpectedAndWhatWasFound() {
        var errors = errors("""
                cluster: web
                auth: /etc/vigil/authkey
                nodes: ha1
                links:
                  - {type: udp, mode: unicast, port: "694"}
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 2, 7, "auth must be a map such as {keyfile: /etc/vigil/authkey}",
                "got the string `/etc/vigil/authkey`");
        assertError(errors.get(1), 3, 8, "nodes must be a list of nodes", "got the string `ha1`");
        assertError(errors.get(2), 5, 38, "port must be an integer from 1 to 65535", "got the string `694`");
    }

    @Test
    void emptyValueIsAWrongType() {
        var errors = errors("""
                cluster: web
                auth:
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 2, 6, "auth must be a map", "got nothing");
    }

    @Test
    void missingRequiredKeyIsReportedAtTheMapThatLacksIt() {
        var errors = errors("""
                cluster: web
                auth: {}
                nodes:
                  - {name: ha1}
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 1, 1, "missing required key `links` in the cluster file");
        assertError(errors.get(1), 2, 7, "missing required key `keyfile` in auth", "/etc/vigil/authkey");
        assertError(errors.get(2), 4, 5, "missing required key `address` in a node", "address: 10.0.0.48");
    }

    @Test
    void badDurationText() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {keepalive: 2 sec}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 3, 21, "keepalive must be a duration such as 200ms, 1s, 1.5s or 2m",
                "a bare number means seconds", "got `2 sec`");
    }

    @Test
    void impossibleTimingPointsAtTheOverrideThatBrokeIt() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {preset: lan, keepalive: 1s}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 3, 23, "impossible timing: deadtime (1s) must be greater than 2 × keepalive (2s)",
                "deadtime comes from preset lan");
        assertError(errors.get(1), 3, 23, "impossible timing: warntime (500ms) must lie strictly between");
    }

    @Test
    void impossibleTimingInBlockStyle() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing:
                  preset: wan
                  warntime: 6s
                  initdead: 2s
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 5, 3, "warntime (6s) must lie strictly between keepalive (500ms) and deadtime (6s)");
        assertThat(errors.get(0).message()).doesNotContain("preset");
        assertError(errors.get(1), 6, 3, "initdead (2s) must be at least deadtime (6s)");
    }

    @Test
    void impossibleTimingCausedByAnotherTimerPointsAtThatTimer() {
        // warntime 500ms is the preset's; the deadtime override is what made it wrong.
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {deadtime: 500ms}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 3, 10, "warntime (500ms) must lie strictly between", "warntime comes from preset lan");
    }

    @Test
    void zeroKeepaliveIsImpossible() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {keepalive: 0, warntime: 1s, deadtime: 2s}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 3, 10, "keepalive must be positive");
    }

    @Test
    void unknownPresetListsTheValidOnes() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                timing: {preset: slow, keepalive: 1s}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 3, 18, "unknown timing preset `slow`", "valid presets: lan | fast | instant | wan | serial");
    }

    @Test
    void duplicateNodeNames() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 10.0.0.48}
                  - {name: ha1, address: 10.0.0.49}
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 5, 12, "duplicate node name `ha1`", "already used at line 4");
    }

    @Test
    void moreNodesThanAViewHoldsAreRefusedAtTheFirstOneTooMany() {
        var nodes = new StringBuilder();
        for (int i = 1; i <= NodeConfig.MAX_NODES + 1; i++) {
            nodes.append("  - {name: n").append(i).append(", address: 10.0.1.").append(i).append("}\n");
        }
        var errors = errors("cluster: web\nauth: {keyfile: authkey}\nnodes:\n" + nodes + "links: [{type: udp, mode: unicast}]\n");
        // the 65th node is on line 3 + 65
        assertSingle(errors, 3 + NodeConfig.MAX_NODES + 1, 5, "65 nodes; a cluster has at most 64", "split the nodes");
        assertThat(errors("cluster: web\nauth: {keyfile: authkey}\nnodes:\n"
                + nodes.substring(0, nodes.lastIndexOf("  - ")) + "links: [{type: udp, mode: unicast}]\n"))
                .as("64 nodes are a cluster").noneMatch(e -> e.message().contains("at most"));
    }

    @Test
    void duplicateNodeAddressesCompareAddressesNotText() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: "fd00::48"}
                  - {name: ha2, address: "fd00:0:0::48"}
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 5, 26, "duplicate node address", "already the address of ha1");
    }

    @Test
    void duplicateLinkNames() {
        var errors = errors(HEAD + """
                links:
                  - {type: udp, mode: unicast, name: lan}
                  - {type: udp, mode: broadcast, name: lan}
                """);
        assertSingle(errors, 8, 40, "duplicate link name `lan`", "already used at line 7", "must be unique");
    }

    @Test
    void badAddressAndUnresolvableHostName() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 10.0.0.300}
                  - {name: ha2, address: nosuchhost.example}
                  - {name: ha3, address: 239.1.1.1}
                links: [{type: udp, mode: unicast}]
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 4, 26, "`10.0.0.300` is not an IP address or host name", "such as 10.0.0.48");
        assertError(errors.get(1), 5, 26, "cannot resolve host name `nosuchhost.example`", "/etc/hosts");
        assertError(errors.get(2), 6, 26, "is a multicast address", "unicast");
    }

    @Test
    void serialLinkNamingAnUnknownNode() {
        var errors = errors(HEAD + """
                links:
                  - {type: serial, between: [ha1, ha3], device: /dev/ttyS0}
                """);
        assertSingle(errors, 7, 35, "unknown node `ha3` in between", "nodes in this file: ha1, ha2");
    }

    @Test
    void serialBetweenMustBeTwoDistinctNodes() {
        var errors = errors(HEAD + """
                links:
                  - {type: serial, between: [ha1], device: /dev/ttyS0}
                  - {type: serial, between: [ha1, ha1], device: /dev/ttyS0}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 7, 29, "between must name exactly two nodes", "got 1");
        assertError(errors.get(1), 8, 35, "between names `ha1` twice", "two different nodes");
    }

    @Test
    void serialDeviceMapMustNameExactlyTheBetweenNodes() {
        var errors = errors(HEAD + """
                links:
                  - {type: serial, between: [ha1, ha2], device: {ha1: /dev/ttyS0, ha3: /dev/ttyS1}}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 7, 49, "device map lacks `ha2`", "exactly the between nodes ha1, ha2");
        assertError(errors.get(1), 7, 67, "device map names `ha3`, which is not in between [ha1, ha2]");
    }

    @Test
    void multicastNeedsAMulticastGroup() {
        var errors = errors(HEAD + """
                links:
                  - {type: udp, mode: multicast}
                  - {type: udp, mode: multicast, group: 10.0.0.1}
                  - {type: udp, mode: multicast, group: eth0}
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 7, 5, "missing required key `group` in a multicast link", "239.0.0.94");
        assertError(errors.get(1), 8, 41, "group 10.0.0.1 is not a multicast address", "224.0.0.0/4");
        assertError(errors.get(2), 9, 41, "group must be a multicast address", "got `eth0`");
    }

    @Test
    void portAndTtlOutOfRange() {
        var errors = errors(HEAD + """
                links:
                  - {type: udp, mode: unicast, port: 70000}
                  - {type: udp, mode: multicast, group: 239.0.0.94, ttl: 256}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 7, 38, "port must be an integer from 1 to 65535, got 70000");
        assertError(errors.get(1), 8, 58, "ttl must be an integer from 0 to 255, got 256");
    }

    @Test
    void badBaudListsTheStandardRates() {
        var errors = errors(HEAD + """
                links:
                  - {type: serial, between: [ha1, ha2], device: /dev/ttyS0, baud: 9601}
                """);
        assertSingle(errors, 7, 67, "baud must be a standard rate", "9600, 19200", "got 9601");
    }

    @Test
    void missingKeyFileSaysHowToMakeOne() throws Exception {
        var errors = errors(MINIMAL.replace("keyfile: authkey", "keyfile: nokey"));
        Path expected = dir.resolve("nokey").toAbsolutePath();
        assertSingle(errors, 2, 17, "key file " + expected + " does not exist",
                "head -c 32 /dev/urandom | base64 > " + expected + "; chmod 600 " + expected);
    }

    @Test
    void emptyKeyFile() throws Exception {
        ConfigFixtures.writeKey(key, " \n\n", "rw-------");
        assertSingle(errors(MINIMAL), 2, 17, "is empty", "head -c 32 /dev/urandom | base64 > " + key);
    }

    @Test
    void keyFileReadableByOthers() throws Exception {
        ConfigFixtures.writeKey(key, ConfigFixtures.KEY_TEXT, "rw-r--r--");
        assertSingle(errors(MINIMAL), 2, 17, "has mode 0644", "0600 or 0400", "chmod 600 " + key);
    }

    @Test
    void keyFileWritableByGroup() throws Exception {
        ConfigFixtures.writeKey(key, ConfigFixtures.KEY_TEXT, "r---w----");
        assertSingle(errors(MINIMAL), 2, 17, "has mode 0420", "chmod 600 " + key);
    }

    @Test
    void keyShorterThan16Bytes() throws Exception {
        ConfigFixtures.writeKey(key, "short-key\n", "rw-------");
        assertSingle(errors(MINIMAL), 2, 17, "only 9 bytes", "at least 16",
                "head -c 32 /dev/urandom | base64 > " + key + "; chmod 600 " + key);
    }

    @Test
    void duplicateYamlKeys() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                cluster: db
                nodes: [{name: ha1, name: ha2, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 3, 1, "duplicate key `cluster`", "first given at line 1, column 1");
        assertError(errors.get(1), 4, 21, "duplicate key `name`", "line 4, column 10");
    }

    @Test
    void yamlSyntaxErrorIsOneLocatedError() {
        var errors = errors("""
                cluster: web
                  auth: x
                nodes: [
                """);
        assertSingle(errors, 2, 7, "YAML syntax error", "mapping values are not allowed here");
    }

    @Test
    void unclosedFlowListIsASyntaxError() {
        var errors = errors("""
                cluster: web
                nodes: [ha1, ha2
                links: []
                """);
        assertSingle(errors, 3, 6, "YAML syntax error", "while parsing a flow sequence started at line 2, column 8");
    }

    @Test
    void aliasesAreRejected() {
        var errors = errors("""
                cluster: &name web
                auth: {keyfile: authkey}
                nodes: [{name: *name, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 3, 16, "YAML aliases (*name) are not supported");
    }

    @Test
    void emptyFileAndNonMapDocumentAndSecondDocument() {
        assertSingle(errors(""), 1, 1, "the cluster file is empty");
        assertSingle(errors("- cluster\n"), 1, 1, "the cluster file must be a map with the keys cluster, version");
        assertSingle(errors(MINIMAL + "---\ncluster: db\n"), 6, 1, "only one YAML document");
    }

    @Test
    void badNamesVersionAndVotes() {
        var errors = errors("""
                cluster: "web cluster"
                version: 0
                auth: {keyfile: authkey}
                nodes:
                  - {name: "ha 1", address: 10.0.0.48, votes: -1}
                links: [{type: udp, mode: unicast, name: "a#b"}]
                """);
        assertThat(errors).hasSize(5);
        assertError(errors.get(0), 1, 10, "cluster `web cluster` is not valid", "1 to 64 letters, digits");
        assertError(errors.get(1), 2, 10, "version must be a positive integer", "got 0");
        assertError(errors.get(2), 5, 12, "node name `ha 1` is not valid");
        assertError(errors.get(3), 5, 47, "votes must be an integer >= 0, got -1");
        assertError(errors.get(4), 6, 42, "link name `a#b` is not valid");
    }

    @Test
    void votesMustNotAllBeZero() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48, votes: 0}]
                links: [{type: udp, mode: unicast}]
                """);
        assertSingle(errors, 3, 1, "votes add up to 0");
    }

    @Test
    void unknownLinkTypeAndModeAndEmptyLists() {
        var errors = errors("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: []
                links:
                  - {type: tcp, port: 694}
                  - {type: udp, mode: anycast}
                  - {type: udp, mode: broadcast, interface: "eth 0"}
                  - {type: serial, between: [ha1, ha2], device: ttyS0}
                  - udp
                """);
        assertThat(errors).extracting(ConfigError::line, ConfigError::column).containsExactly(
                org.assertj.core.groups.Tuple.tuple(3, 8),
                org.assertj.core.groups.Tuple.tuple(5, 12),
                org.assertj.core.groups.Tuple.tuple(6, 23),
                org.assertj.core.groups.Tuple.tuple(7, 45),
                org.assertj.core.groups.Tuple.tuple(8, 49),
                org.assertj.core.groups.Tuple.tuple(9, 5));
        assertThat(errors.get(0).message()).contains("nodes must list at least one node");
        assertThat(errors.get(1).message()).contains("unknown link type `tcp`; valid types: udp | serial");
        assertThat(errors.get(2).message()).contains("unknown udp mode `anycast`; valid modes: unicast | multicast | broadcast");
        assertThat(errors.get(3).message()).contains("interface `eth 0` is not valid", "such as eth1");
        assertThat(errors.get(4).message()).contains("device must be an absolute path such as /dev/ttyS0");
        assertThat(errors.get(5).message()).contains("a link must be a map", "got the string `udp`");
    }

    @Test
    void errorsCarryTheFilePath() {
        assertThat(errors(MINIMAL.replace("web", "")).get(0).file()).isEqualTo(dir.resolve("cluster.yaml"));
    }

    @Test
    void encryptIsABoolean() {
        var errors = errors(MINIMAL.replace("{keyfile: authkey}", "{keyfile: authkey, encrypt: yes please}"));
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).line()).isEqualTo(2);
        assertThat(errors.get(0).message()).contains("encrypt");
    }

    static final String MINIMAL = """
            cluster: web
            auth: {keyfile: authkey}
            nodes: [{name: ha1, address: 10.0.0.48}]
            links: [{type: udp, mode: unicast}]
            """;

    private List<ConfigError> errors(String yaml) {
        return ConfigLoader.check(yaml, dir.resolve("cluster.yaml"), NO_DNS);
    }

    private static void assertSingle(List<ConfigError> errors, int line, int column, String... fragments) {
        assertThat(errors).hasSize(1);
        assertError(errors.get(0), line, column, fragments);
    }

    private static void assertError(ConfigError e, int line, int column, String... fragments) {
        assertThat(e.line()).as("line of %s", e).isEqualTo(line);
        assertThat(e.column()).as("column of %s", e).isEqualTo(column);
        assertThat(e.message()).contains(fragments);
    }
}
