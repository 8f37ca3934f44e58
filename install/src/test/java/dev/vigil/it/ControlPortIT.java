package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vigil.config.ClusterKey;
import dev.vigil.control.ControlClient;
import dev.vigil.control.ControlProtocol;
import dev.vigil.control.StatusReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents as real processes on loopback addresses, reached over their TCP control ports:
 * {@code vigil status --connect} with the cluster file's key, events pushed when a node dies,
 * and a client with the wrong key refused and counted.
 */
@Tag("integration")
class ControlPortIT {
    @TempDir
    Path dir;
    private TestCluster cluster;
    private final int heartbeatPort = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    private final int controlPort = 40000 + (int) (ProcessHandle.current().pid() % 20000);

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void statusOverTcpWithTheClusterKeyAndRefusalOfAWrongKey() throws Exception {
        cluster = new TestCluster(dir, """
                cluster: ctl
                auth: {keyfile: KEYFILE}
                timing: {preset: lan}
                control: {port: %d}
                nodes:
                  - {name: ha1, address: 127.0.0.51}
                  - {name: ha2, address: 127.0.0.52}
                links:
                  - {type: udp, mode: unicast, port: %d}
                """.formatted(controlPort, heartbeatPort), Map.of());
        cluster.start("ha1");
        cluster.start("ha2");
        await("both see each other").atMost(TestCluster.AGENTS_UP).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (var node : List.of("ha1", "ha2")) {
                        assertThat(cluster.status(node).map(StatusReport::members).orElse(List.of()))
                                .as("%s's view", node).containsExactly("ha1", "ha2");
                    }
                });

        var cli = vigil("status", "--json", "--config", cluster.configFile().toString(),
                "--connect", "127.0.0.52:" + controlPort);
        assertThat(cli.exit()).as(cli.err()).isZero();
        var report = ControlProtocol.mapper().readValue(cli.out(), StatusReport.class);
        assertThat(report.node()).isEqualTo("ha2");
        assertThat(report.members()).containsExactly("ha1", "ha2");

        var wrong = ControlClient.tcp(new InetSocketAddress("127.0.0.52", controlPort),
                new ClusterKey("not-the-key-of-this-cluster".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(wrong::status).isInstanceOf(IOException.class).hasMessageContaining("authentication failed");
        assertThat(cluster.status("ha2").orElseThrow().drops()).containsEntry("control-auth-failed", 1L);
        assertThat(java.nio.file.Files.readString(cluster.log("ha2"))).contains("dropped (control-auth-failed)");

        // Events, pushed: ha1 watches over TCP while ha2 dies.
        try (var stream = ControlClient.tcp(new InetSocketAddress("127.0.0.51", controlPort),
                dev.vigil.config.ConfigLoader.load(cluster.configFile()).key()).subscribe()) {
            assertThat(stream.next().kind()).isEqualTo("status");
            cluster.kill("ha2");
            dev.vigil.control.ControlEvent dead = null;
            for (int i = 0; i < 100 && dead == null; i++) {
                var e = stream.next();
                if (e.kind().equals("membership") && "ha2".equals(e.node()) && e.message().contains("dead")) dead = e;
            }
            assertThat(dead).as("ha2's death pushed to the subscriber").isNotNull();
        }
    }

    private record Cli(int exit, String out, String err) {}

    private static Cli vigil(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = new String(p.getInputStream().readAllBytes());
        var err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("vigil %s finished", List.of(args)).isTrue();
        return new Cli(p.exitValue(), out.strip(), err.strip());
    }
}
