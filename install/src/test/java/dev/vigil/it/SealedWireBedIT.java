package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.control.StatusReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nothing readable on the wire (issue 16, item 1), on the HA bed: a raw packet capture in the
 * bed's switch namespace (every frame between the nodes and the client crosses it) records the
 * payloads of the heartbeat port and the control port while the client runs
 * {@code vigil status --connect} and {@code vigil resource move --connect}. With heartbeats
 * authenticated only (the default), the capture finds the cluster's, the nodes' and the
 * resource's names: the control, so this test can fail. After {@code vigil config apply} of
 * {@code auth: {encrypt: true}}, taken at once and without a gap, it finds none of them while the
 * resource moves. Needs root and the bed's tools.
 */
@Tag("integration")
class SealedWireBedIT {
    private static final int HEARTBEAT_PORT = 694;
    private static final int CONTROL_PORT = 7695;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    /** lan beats several times a second, so a capture of this length holds dozens of beats each way. */
    private static final double CAPTURE_SECONDS = 4;
    private static final String CLUSTER = "sealwire";
    private static final String RESOURCE = "vip-zulu";
    private static final String GROUP = "svc-yankee";

    private static final String TEMPLATE = """
            cluster: sealwire
            version: 1
            auth: {keyfile: KEYFILE}
            timing: {preset: lan}
            ${NODES}
            links:
              - {type: udp, mode: unicast, port: 694}
            control: {port: 7695}
            resources:
              - {id: vip-zulu, agent: "ocf:vigil:IPaddr", params: {ip: ${VIP}, cidr_netmask: ${PREFIX}, nic: eth0},
                 monitor: {interval: 2s, timeout: 10s}}
            groups:
              - {id: svc-yankee, members: [vip-zulu], prefer: ha1}
            policy: {auto_failback: false, no_quorum: stop}
            ${FENCING}
            """;

    private BedCluster cluster;
    private Path workDir;
    private Path script;

    @BeforeEach
    void checkHost() throws IOException {
        var why = HaBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the wire capture test on the HA bed: " + why.orElse(""));
        workDir = Files.createTempDirectory("vsw");
        script = workDir.resolve("capture_payloads.py");
        try (InputStream in = SealedWireBedIT.class.getResourceAsStream("capture_payloads.py")) {
            Files.copy(in, script);
        }
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
    void namesAreOnTheWireOnlyUntilHeartbeatsAreEncrypted() throws Exception {
        cluster = BedCluster.create(2, workDir.resolve("cluster"), TEMPLATE);
        cluster.startAll();
        await("ha1 runs the resource, as ha2 sees it").atMost(STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.runningOn("ha2", RESOURCE).equals(List.of("ha1")));
        var bed = cluster.bed();
        String ha2 = bed.address("ha2") + ":" + CONTROL_PORT;

        // The control: authenticated-only heartbeats carry the names in clear; the capture sees them.
        byte[] plain = capture(() -> assertThat(cli("status", "--connect", ha2).exit()).isZero());
        assertThat(plain.length).as("bytes captured with encryption off").isGreaterThan(1000);
        for (String word : List.of(CLUSTER, "\u0003ha1", "\u0003ha2")) {
            assertThat(contains(plain, word)).as("`%s` in the clear heartbeats (the control)", word).isTrue();
        }

        var file = cluster.agents().configFile();
        Files.writeString(file, Files.readString(file).replace("version: 1", "version: 2")
                .replace("auth: {keyfile: ", "auth: {encrypt: true, keyfile: "));
        var applied = cluster.vigil("ha1", Duration.ofSeconds(60), "config", "apply", file.toString());
        assertThat(applied.exit()).as(applied.stdout() + applied.stderr()).isZero();
        await("both run version 2").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> bed.nodes().stream().allMatch(n -> cluster.status(n).map(StatusReport::configVersion)
                        .orElse(0L) == 2L));

        var statusText = new ArrayList<String>();
        byte[] sealed = capture(() -> {
            var status = cli("status", "--connect", ha2);
            assertThat(status.exit()).as(status.stderr()).isZero();
            statusText.add(status.stdout());
            var move = cli("resource", "move", GROUP, "ha2", "--connect", ha2);
            assertThat(move.exit()).as(move.stdout() + move.stderr()).isZero();
        });
        assertThat(cluster.runningOn("ha1", RESOURCE)).as("the move happened during the capture").containsExactly("ha2");
        assertThat(statusText.get(0)).as("what the operator read").contains(RESOURCE, "ha1", "ha2");
        assertThat(sealed.length).as("bytes captured with encryption on").isGreaterThan(1000);
        for (String word : List.of(CLUSTER, RESOURCE, GROUP, "\u0003ha1", "\u0003ha2", "\"ha1\"", "\"ha2\"",
                "status", "move", "running", "members")) {
            assertThat(contains(sealed, word)).as("`%s` on the wire with encryption on", word).isFalse();
        }
        for (var node : bed.nodes()) {
            assertThat(cluster.status(node).orElseThrow().drops()).as("drops on %s", node)
                    .doesNotContainKeys("forged", "malformed", "control-auth-failed");
        }
    }

    @FunctionalInterface
    private interface Traffic {
        void make() throws Exception;
    }

    /** The payloads on the two ports while {@code traffic} runs (and for the rest of the capture's time). */
    private byte[] capture(Traffic traffic) throws Exception {
        Path out = Files.createTempFile(workDir, "wire", ".bin");
        var cmd = List.of("ip", "netns", "exec", cluster.bed().fact("SWITCH_NS"), "/usr/bin/python3", script.toString(),
                Double.toString(CAPTURE_SECONDS), HEARTBEAT_PORT + "," + CONTROL_PORT, out.toString());
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            var lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).as("the capture started").isEqualTo("capturing");
            traffic.make();
            assertThat(p.waitFor((long) CAPTURE_SECONDS + 30, TimeUnit.SECONDS)).as("the capture ended").isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
        return Files.readAllBytes(out);
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    /** {@code vigil ARGS --config FILE} from the bed's client namespace, as an operator's machine. */
    private Commands.Result cli(String... args) throws IOException {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", cluster.agents().configFile().toString()));
        return cluster.bed().client(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    }
}
