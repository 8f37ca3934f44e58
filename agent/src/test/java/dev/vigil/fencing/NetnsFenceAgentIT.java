package dev.vigil.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.model.FenceDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** fence_vigil_netns for real, against a throwaway namespace holding one end of a veth pair. */
@Tag("integration")
class NetnsFenceAgentIT {
    private final String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 999_999));
    private final String ns = "vigil-fence-" + suffix;
    private final String hostEnd = "vfh" + suffix;
    private final String nodeEnd = "vfn" + suffix;
    private FenceRunner runner;
    private FenceDevice device;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "NetnsFenceAgentIT needs root to create network namespaces; skipped");
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", nodeEnd);
        sh("ip", "link", "set", nodeEnd, "netns", ns);
        sh("ip", "link", "set", hostEnd, "up");
        sh("ip", "netns", "exec", ns, "ip", "link", "set", nodeEnd, "up");
        runner = new FenceRunner(List.of(ShippedFenceAgentsTest.SHIPPED), Duration.ofMillis(500));
        device = new FenceDevice("netns-" + ns, "fence_vigil_netns",
                Map.of("netns", ns, "dev", nodeEnd, "unknown_option", "ignored"))
                .withTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if ("root".equals(System.getProperty("user.name"))) {
            quietly("ip", "link", "del", hostEnd); // takes its peer with it
            quietly("ip", "netns", "del", ns);
        }
    }

    private boolean nodeLinkUp() throws Exception {
        String out = sh("ip", "netns", "exec", ns, "ip", "-o", "link", "show", "dev", nodeEnd);
        String flags = out.substring(out.indexOf('<') + 1, out.indexOf('>'));
        return List.of(flags.split(",")).contains("UP");
    }

    private FenceResult status() {
        return runner.run(FenceRequest.node(device, FenceAction.STATUS, "node2"));
    }

    @Test
    void offCutsTheLinkAndOnRestoresIt() throws Exception {
        assertThat(status().outcome()).isEqualTo(FenceOutcome.POWERED_ON);

        FenceReport off = runner.fence("node2", FenceAction.OFF, List.of(device), true);
        assertThat(off.fenced()).isTrue();
        assertThat(off.attempts()).extracting(FenceResult::outcome)
                .containsExactly(FenceOutcome.SUCCESS, FenceOutcome.POWERED_OFF);
        assertThat(nodeLinkUp()).isFalse();
        assertThat(status().outcome()).isEqualTo(FenceOutcome.POWERED_OFF);

        FenceResult on = runner.run(FenceRequest.node(device, FenceAction.ON, "node2"));
        assertThat(on.outcome()).isEqualTo(FenceOutcome.SUCCESS);
        assertThat(nodeLinkUp()).isTrue();
        assertThat(status().outcome()).isEqualTo(FenceOutcome.POWERED_ON);
    }

    @Test
    void offKillsTheProcessInThePidFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Process victim = new ProcessBuilder("sleep", "300").start();
        try {
            Path pidfile = dir.resolve("node.pid");
            Files.writeString(pidfile, victim.pid() + "\n");
            FenceDevice withPid = new FenceDevice(device.id(), device.agent(),
                    Map.of("netns", ns, "dev", nodeEnd, "pidfile", pidfile.toString()));

            FenceResult r = runner.run(FenceRequest.node(withPid, FenceAction.OFF, "node2"));

            assertThat(r.outcome()).isEqualTo(FenceOutcome.SUCCESS);
            assertThat(victim.waitFor(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            victim.destroyForcibly();
        }
    }

    @Test
    void monitorAndListAnswer() {
        assertThat(runner.run(FenceRequest.device(device, FenceAction.MONITOR)).outcome())
                .isEqualTo(FenceOutcome.SUCCESS);
        assertThat(runner.run(FenceRequest.device(device, FenceAction.LIST)).stdout())
                .isEqualTo(nodeEnd + "," + ns + "\n");
    }

    @Test
    void installedFenceAgentsPackageSpeaksTheSameProtocol() throws Exception {
        // fence-agents' fence_dummy, when the Debian package is installed: proof that the runner
        // talks to real ClusterLabs agents, not only to ours.
        FenceRunner system = new FenceRunner(FenceRunner.defaultSearchPath(ShippedFenceAgentsTest.SHIPPED),
                Duration.ofMillis(500));
        try {
            assumeTrue(system.resolve("fence_dummy").isPresent(), "fence-agents (fence_dummy) not installed; skipped");
            FenceDevice dummy = new FenceDevice("dummy", "fence_dummy", Map.of());
            FenceResult meta = system.run(FenceRequest.device(dummy, FenceAction.METADATA));
            assertThat(ShippedFenceAgentsTest.parse(meta.stdout()).getDocumentElement().getAttribute("name"))
                    .isEqualTo("fence_dummy");
        } finally {
            system.close();
        }
    }

    private static String sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    private static void quietly(String... argv) {
        try {
            sh(argv);
        } catch (Exception e) {
            // already gone
        }
    }
}
