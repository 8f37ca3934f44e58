package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code watchdog:} (docs/fencing.md, "Watchdog self-fencing"): what loads, and every refusal at line:column. */
class WatchdogConfigTest {
    private static final Path FILE = Path.of("scenario.yaml");
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");
    /** Three nodes, lines 1–7. */
    private static final String THREE_NODES = ResourcesConfigErrorsTest.TWO_NODES
            .replace("links:", "  - {name: ha3, address: 10.0.0.50}\nlinks:");
    private static final String ONE_RESOURCE = ResourcesConfigErrorsTest.ONE_RESOURCE;

    @TempDir
    Path dir;

    @BeforeEach
    void writeKey() throws Exception {
        ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    @Test
    void loadsOneDeviceOrOnePerNodeAndTheTimeout() throws Exception {
        var plain = ConfigLoader.loadResources("watchdog: {timeout: 10s}\n", FILE, NODES).watchdog().orElseThrow();
        assertThat(plain.deviceFor("ha1")).isEqualTo("/dev/watchdog");
        assertThat(plain.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(plain.selfFenceWait()).isEqualTo(Duration.ofSeconds(20));

        var perNode = ConfigLoader.loadResources(
                "watchdog: {device: {ha1: /run/wd/ha1, ha2: /run/wd/ha2}, timeout: 2s}\n", FILE, NODES)
                .watchdog().orElseThrow();
        assertThat(perNode.deviceByNode()).isEqualTo(Map.of("ha1", "/run/wd/ha1", "ha2", "/run/wd/ha2"));
        assertThat(perNode.deviceFor("ha3")).as("a node not in the map").isEqualTo("/dev/watchdog");
        assertThat(ConfigLoader.loadResources("resources: []\n", FILE, NODES).watchdog()).isEmpty();
    }

    @Test
    void badValuesAreRefusedWhereTheyAreWritten() {
        var errors = errors("""
                watchdog: {device: dev/watchdog, timeout: 1.5s, nowayout: true}
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 1, 20, "watchdog device must be an absolute path", "got `dev/watchdog`");
        assertError(errors.get(1), 1, 43, "watchdog timeout must be a whole number of seconds from 1s to 65535s",
                "got 1500ms");
        assertError(errors.get(2), 1, 49, "unknown key `nowayout` in watchdog", "device, timeout");

        errors = errors("""
                watchdog:
                  device: {ha1: /dev/watchdog, ha9: /dev/watchdog1}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 2, 3, "missing required key `timeout` in watchdog");
        assertError(errors.get(1), 2, 32, "unknown node `ha9` in watchdog device", "nodes in this file: ha1, ha2, ha3");
        assertThat(errors("watchdog: {timeout: 0s}\n")).singleElement()
                .satisfies(e -> assertError(e, 1, 21, "watchdog timeout must be longer than 0"));
        assertThat(errors("watchdog: /dev/watchdog\n")).singleElement()
                .satisfies(e -> assertError(e, 1, 11, "watchdog must be a map such as {device: /dev/watchdog, timeout: 10s}"));
    }

    @Test
    void twoVotesWithAWatchdogAndNoPowerFencingAreRefusedEvenWithAPingTarget() {
        String wd = "watchdog: {timeout: 10s}\n";
        var errors = fileErrors(ResourcesConfigErrorsTest.TWO_NODES + ONE_RESOURCE + "ping: [10.0.0.1]\n" + wd);
        assertThat(errors).singleElement().satisfies(e -> assertError(e, 9, 1,
                "a watchdog without power fencing needs quorum that only one half of a split can hold",
                "both halves of a cut cable", "a quorum arbitrator (docs/arbitrator.md)"));
        assertThat(fileErrors(ResourcesConfigErrorsTest.TWO_NODES + ONE_RESOURCE
                + "policy: {two_node_unsafe: true}\n" + wd)).hasSize(1);
        assertThat(fileErrors(ResourcesConfigErrorsTest.TWO_NODES + ONE_RESOURCE
                + "fencing: [{id: ssh, agent: fence_vigil_ssh}]\n" + wd)).as("with power fencing").isEmpty();
        assertThat(fileErrors(THREE_NODES + ONE_RESOURCE + wd)).as("three nodes").isEmpty();
    }

    @Test
    void noQuorumIgnoreAndAFileWithoutResourcesAreRefused() {
        assertThat(fileErrors(THREE_NODES + ONE_RESOURCE + "policy: {no_quorum: ignore}\nwatchdog: {timeout: 5s}\n"))
                .singleElement().satisfies(e -> assertError(e, 10, 1, "no_quorum: ignore"));
        assertThat(fileErrors(THREE_NODES + "watchdog: {timeout: 5s}\n"))
                .singleElement().satisfies(e -> assertError(e, 8, 1, "this file has no resources"));
    }

    @Test
    void theTimeoutMustCoverHowLateACutOffNodeMayNoticeItsLossOfQuorum() {
        // fast: 2 x 50 ms keepalive + (1 s joining deadtime - 250 ms deadtime) = 850 ms; 1 s leaves 750 ms
        assertThat(fileErrors(THREE_NODES + ONE_RESOURCE + "timing: {preset: fast}\nwatchdog: {timeout: 1s}\n"))
                .singleElement().satisfies(e -> assertError(e, 10, 1, "watchdog timeout 1s is too short for this timing",
                        "up to 850ms after the others lost it, more than the 750ms the rule leaves"));
        assertThat(fileErrors(THREE_NODES + ONE_RESOURCE + "timing: {preset: fast}\nwatchdog: {timeout: 2s}\n")).isEmpty();
        assertThat(fileErrors(THREE_NODES + ONE_RESOURCE + "watchdog: {timeout: 1s}\n")).as("lan: 160 ms").isEmpty();
        assertThat(WatchdogSpec.noticeLag(TimingPreset.WAN.timing())).isEqualTo(Duration.ofSeconds(1));
    }

    private List<ConfigError> errors(String yaml) {
        try {
            ConfigLoader.loadResources(yaml, FILE, NODES);
            return List.of();
        } catch (ConfigException e) {
            return e.errors();
        }
    }

    private List<ConfigError> fileErrors(String yaml) {
        return ConfigLoader.check(yaml, dir.resolve("cluster.yaml"), NO_DNS);
    }

    private static void assertError(ConfigError e, int line, int column, String... fragments) {
        assertThat(e.line()).as("line of %s", e).isEqualTo(line);
        assertThat(e.column()).as("column of %s", e).isEqualTo(column);
        assertThat(e.message()).contains(fragments);
    }
}
