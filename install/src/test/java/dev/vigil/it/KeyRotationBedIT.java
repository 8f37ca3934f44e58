package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.control.StatusReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code vigil key rotate} on the HA bed (issue 16, item 2): three nodes serve a page on a
 * floating IP from ha1 while ha3 is down (killed and fenced). An independent prober in the client
 * namespace GETs the page every 50 ms through the whole rotation and finds no gap; no resource
 * moves. Afterwards the key file holds the new key (0600), a client with the old key is refused
 * and one with the new key served. ha3, back with the old key, cannot join and says what to do;
 * with the key copied to it, it joins and nothing was lost. Needs root, apache2 and the bed's tools.
 */
@Tag("integration")
class KeyRotationBedIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int CONTROL_PORT = 7695;

    private static final String TEMPLATE = """
            cluster: rotation
            auth: {keyfile: KEYFILE}
            timing: {preset: lan}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            control: {port: 7695}
            resources:
              - {id: data, agent: "ocf:vigil:Filesystem", params: {device: ${DISK}, directory: ${MOUNT}, fstype: ext4}}
              - {id: vip,  agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}}
              - {id: web,  agent: "ocf:vigil:apache", params: {configfile: ${NODE_APACHE_CONF}},
                 monitor: {interval: 2s, timeout: 20s}}
            groups:
              - {id: www, members: [data, vip, web], prefer: ha1}
            policy: {auto_failback: false, no_quorum: stop}
            ${FENCING}
            """;

    private BedCluster cluster;
    private Path workDir;

    @BeforeEach
    void checkHost() throws Exception {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the key rotation test on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("vkr");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (cluster != null) cluster.closeLeavingNothing();
        } finally {
            BedCluster.deleteTree(workDir);
        }
    }

    @Test
    void rotationWithANodeDownHasNoGapAndTheNodeRejoinsOnceGivenTheKey() throws Exception {
        cluster = BedCluster.create(3, workDir.resolve("cluster"), TEMPLATE);
        var bed = cluster.bed();
        cluster.startAll();
        await("ha1 serves the page").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.servedBy(Duration.ofMillis(500)).orElse("").equals("ha1"));
        await("all three are members").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> members("ha1").equals(List.of("ha1", "ha2", "ha3")));

        // ha3 goes down, and is fenced: it will miss the rotation.
        cluster.killNode("ha3");
        await("ha3 dead and fenced").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> members("ha1").equals(List.of("ha1", "ha2"))
                        && cluster.status("ha1").orElseThrow().resources().fenced().contains("ha3"));

        Path keyFile = cluster.agents().configFile().resolveSibling("authkey");
        byte[] oldKey = Files.readAllBytes(keyFile);
        var prober = IndependentProber.start(bed, bed.vip(), 80, Duration.ofMillis(50), Duration.ofSeconds(1), workDir);
        Commands.Result rotated;
        List<IndependentProber.Sample> samples;
        try {
            Thread.sleep(500); // samples before the rotation too
            rotated = cluster.vigil("ha1", Duration.ofSeconds(60), "key", "rotate");
            Thread.sleep(500);
        } finally {
            samples = prober.stop(Duration.ofSeconds(10));
        }
        String why = rotated.stdout() + rotated.stderr() + "\nha1's log:\n" + tail(cluster.agents().log("ha1"));
        assertThat(rotated.exit()).as(why).isEqualTo(1); // rotated, but ha3 missed it
        assertThat(rotated.stdout()).as(why).contains("rotated to key", "ha1, ha2", "Missed: ha3", "copy " + keyFile);
        assertThat(samples.size()).as("probes during the rotation").isGreaterThan(10);
        assertThat(samples).as("every GET answered").allMatch(IndependentProber.Sample::ok);
        assertThat(IndependentProber.longestOutage(samples)).isEmpty();
        assertThat(cluster.runningOn("ha2", "web")).as("nothing moved").containsExactly("ha1");

        byte[] newKey = Files.readAllBytes(keyFile);
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        for (var node : List.of("ha1", "ha2")) {
            assertThat(cluster.status(node).orElseThrow().drops()).as("drops on %s", node).doesNotContainKey("forged");
        }

        // Afterwards the old key is refused, the new one served.
        Path oldKeyFile = workDir.resolve("old-authkey");
        Files.write(oldKeyFile, oldKey);
        Files.setPosixFilePermissions(oldKeyFile, PosixFilePermissions.fromString("rw-------"));
        Path oldConfig = workDir.resolve("old-cluster.yaml");
        Files.writeString(oldConfig, Files.readString(cluster.agents().configFile()).replace(keyFile.toString(),
                oldKeyFile.toString()));
        String ha1 = bed.address("ha1") + ":" + CONTROL_PORT;
        var refused = cli(oldConfig, "status", "--connect", ha1);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.stderr()).contains("authentication failed");
        assertThat(cli(cluster.agents().configFile(), "status", "--connect", ha1).exit()).isZero();

        // ha3 comes back with the old key (its own copy, bind-mounted over the key file in its mount namespace).
        Path ha3Key = workDir.resolve("ha3-authkey");
        Files.write(ha3Key, oldKey);
        Files.setPosixFilePermissions(ha3Key, PosixFilePermissions.fromString("rw-------"));
        var mounted = bed.exec("ha3", Duration.ofSeconds(10), "mount", "--bind", ha3Key.toString(), keyFile.toString());
        assertThat(mounted.exit()).as(mounted.stderr()).isZero();
        cluster.start("ha3");
        await("ha3 says what to do").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(cluster.agents().log("ha3")).contains("Copy the key file from a node"));
        await("ha1 refuses ha3's beats and says so").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.status("ha1").orElseThrow().drops().getOrDefault("forged", 0L) > 0);
        assertThat(members("ha1")).doesNotContain("ha3");
        assertThat(cluster.runningOn("ha1", "web")).containsExactly("ha1");

        // The operator copies the key; ha3's agent restarts and joins. Nothing was lost.
        Files.write(ha3Key, newKey);
        cluster.killNode("ha3");
        cluster.start("ha3");
        await("ha3 rejoins").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> members("ha1").equals(List.of("ha1", "ha2", "ha3")));
        // ha3 learns where web runs from the coordinator's next report, a moment after it is a member.
        await("ha3 sees web on ha1").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.runningOn("ha3", "web").equals(List.of("ha1")));
        assertThat(cluster.runningOn("ha1", "web")).containsExactly("ha1");
        assertThat(cluster.servedBy(Duration.ofSeconds(2))).contains("ha1");
    }

    private static String tail(Path log) throws java.io.IOException {
        var lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private List<String> members(String node) {
        return cluster.status(node).map(StatusReport::members).orElse(List.of());
    }

    /** {@code vigil ARGS --config FILE} from the bed's client namespace. */
    private Commands.Result cli(Path config, String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", config.toString()));
        return cluster.bed().client(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    }
}
