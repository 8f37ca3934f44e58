package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.control.ControlClient;
import dev.vigil.control.StatusReport;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.Step;
import dev.vigil.transport.serial.SocatPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The playbook steps that need a real {@code vigil} on the host: {@code serial_test} over socat pty
 * pairs, and {@code cluster} against two real agents on loopback. The "hosts" are this machine
 * under two names, and {@code vigil} is this build's CLI (a script running {@link VigilCommand}
 * on the test class path) put first on their PATH.
 */
@Tag("integration")
class PlaybookClusterStepsIT {
    @TempDir
    Path dir;

    Path bin;
    final List<Process> started = new ArrayList<>();
    final List<SocatPair> cables = new ArrayList<>();

    /** This machine under another name, with the test's {@code vigil} first on the PATH. */
    record NamedHost(String name, LocalHost local, Path bin) implements Host {
        NamedHost(String name, Path bin) {
            this(name, new LocalHost(name), bin);
        }

        @Override
        public Exec shell(String command, Duration timeout) throws IOException {
            return local.shell("PATH=" + bin + ":$PATH; export PATH; " + command, timeout);
        }

        @Override
        public Kind kind(String path) throws IOException {
            return local.kind(path);
        }

        @Override
        public byte[] read(String path, int limit) throws IOException {
            return local.read(path, limit);
        }

        @Override
        public void write(String path, byte[] content, Optional<Integer> mode) throws IOException {
            local.write(path, content, mode);
        }

        @Override
        public int mode(String path) throws IOException {
            return local.mode(path);
        }

        @Override
        public void chmod(String path, int mode) throws IOException {
            local.chmod(path, mode);
        }

        @Override
        public void mkdirs(String path, Optional<Integer> mode) throws IOException {
            local.mkdirs(path, mode);
        }

        @Override
        public List<String> list(String d, int limit) throws IOException {
            return local.list(d, limit);
        }

        @Override
        public void delete(String path) throws IOException {
            local.delete(path);
        }
    }

    @BeforeEach
    void vigilOnThePath() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        Path vigil = bin.resolve("vigil");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(vigil, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' dev.vigil.cli.VigilCommand \"$@\"\n");
        Files.setPosixFilePermissions(vigil, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stopWhatWasStarted() throws Exception {
        for (var p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (var c : cables) c.close();
    }

    private Map<String, Host> hosts() {
        return Map.of("ha1", new NamedHost("ha1", bin), "ha2", new NamedHost("ha2", bin));
    }

    private Step.Outcome run(String type, String host, boolean apply, String... params) throws Exception {
        var p = new HashMap<String, String>();
        for (int i = 0; i + 1 < params.length; i += 2) p.put(params[i], params[i + 1]);
        var hosts = hosts();
        var ctx = new Step.Context(dir, Map.of(), Step.FileWatcher.NONE,
                name -> name.equals(host) ? Optional.empty() : Optional.ofNullable(hosts.get(name)), Duration.ofMinutes(2));
        return Step.of(type).run(hosts.get(host), p, apply, ctx);
    }

    private SocatPair cable(String name) throws Exception {
        var c = new SocatPair(Files.createDirectories(dir.resolve(name)));
        cables.add(c);
        c.start();
        return c;
    }

    // ---- serial_test

    @Test
    void aGoodCableIsOkAndThePlanSendsNothing() throws Exception {
        assumeTrue(SocatPair.available(), "socat is not installed");
        var c = cable("cable");
        var plan = run("serial_test", "ha1", false, "device", c.a.toString(), "peer", "ha2", "peer_device", c.b.toString(),
                "duration", "1s");
        assertThat(plan.changed()).isFalse();
        assertThat(plan.message()).startsWith("both devices exist; would test ha1:" + c.a + " ↔ ha2:" + c.b + " for 1s");

        var o = run("serial_test", "ha1", true, "device", c.a.toString(), "peer", "ha2", "peer_device", c.b.toString(),
                "duration", "1s");
        assertThat(o.changed()).isFalse();
        assertThat(o.message()).startsWith("OK ha1:" + c.a + " ↔ ha2:" + c.b + ": all 20 frames came back intact")
                .contains("receiver: OK, received and echoed all 20 probes intact");
    }

    @Test
    void aCableWhoseOtherEndNobodyReadsIsNoLinkAndFailsTheStep() throws Exception {
        assumeTrue(SocatPair.available(), "socat is not installed");
        var mine = cable("mine");     // ha1 sends on mine.a; nobody reads mine.b
        var theirs = cable("theirs"); // ha2's receiver listens on theirs.a; nobody writes theirs.b
        long start = System.nanoTime();
        assertThatThrownBy(() -> run("serial_test", "ha1", true, "device", mine.a.toString(), "peer", "ha2",
                "peer_device", theirs.a.toString(), "duration", "1s", "min", "degraded"))
                .hasMessageStartingWith("NO_LINK ha1:" + mine.a + " ↔ ha2:" + theirs.a + ": no frames came back")
                .hasMessageContaining("(the step needs DEGRADED or better)");
        // The receiver, which would wait 35 s for a first probe, was stopped rather than waited for.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(35));
    }

    @Test
    void aMissingDeviceFailsThePlanAndAnUnknownPeerTooWithoutRunningAnything() throws Exception {
        assumeTrue(SocatPair.available(), "socat is not installed");
        var c = cable("cable");
        assertThatThrownBy(() -> run("serial_test", "ha1", false, "device", c.a.toString(), "peer", "ha2",
                "peer_device", dir.resolve("ttyNone").toString()))
                .hasMessage("no device " + dir.resolve("ttyNone") + " on ha2");
        assertThatThrownBy(() -> run("serial_test", "ha1", false, "device", c.a.toString(), "peer", "ha3"))
                .hasMessageContaining("`peer` ha3 is not a host of this run");
    }

    // ---- cluster, against two real agents

    private Path startCluster() throws Exception {
        Path key = dir.resolve("authkey");
        Files.writeString(key, "playbook-it-key-" + System.nanoTime() + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        int port;
        try (var s = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, """
                # written by PlaybookClusterStepsIT; this comment stays
                cluster: pbit
                auth: {keyfile: %s}
                nodes:
                  - {name: ha1, address: 127.0.88.1}
                  - {name: ha2, address: 127.0.88.2}
                links:
                  - {type: udp, mode: unicast, port: %d}
                control: {enabled: false, socket_dir: %s}
                policy: {two_node_unsafe: true}
                """.formatted(key, port, Files.createDirectories(dir.resolve("run"))));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String node : List.of("ha1", "ha2")) {
            started.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.VigilCommand",
                    "agent", "--config", file.toString(), "--node", node, "--state-dir", dir.resolve("state/" + node).toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve(node + ".log").toFile()).start());
        }
        await("both agents see each other").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> {
                    for (String node : List.of("ha1", "ha2")) {
                        var r = status(node);
                        assertThat(r.nodes()).extracting(StatusReport.NodeReport::state).containsOnly("alive");
                    }
                });
        return file;
    }

    private StatusReport status(String node) throws IOException {
        return new ControlClient(dir.resolve("run/pbit-" + node + ".sock")).status();
    }

    @Test
    void autoAppliesToARunningClusterAndADegradedClusterIsRefused() throws Exception {
        Path file = startCluster();
        assertThat(status("ha1").configVersion()).isEqualTo(1);

        var plan = run("cluster", "ha1", false, "file", file.toString(), "content", "policy: {stickiness: 5}\n");
        assertThat(plan.message()).contains("would merge policy, version 2; would run vigil config apply");
        assertThat(Files.readString(file)).doesNotContain("stickiness");

        var o = run("cluster", "ha1", true, "file", file.toString(), "content", "policy: {stickiness: 5}\n");
        assertThat(o.changed()).isTrue();
        assertThat(o.message()).contains("merged policy, version 2; applied (vigil config apply)");
        assertThat(Files.readString(file)).startsWith("# written by PlaybookClusterStepsIT; this comment stays\ncluster: pbit\nversion: 2\n")
                .contains("policy: {two_node_unsafe: true, stickiness: 5}\n");
        await("both run version 2").atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(status("ha1").configVersion()).isEqualTo(2);
            assertThat(status("ha2").configVersion()).isEqualTo(2);
        });
        var again = run("cluster", "ha1", true, "file", file.toString(), "content", "policy: {stickiness: 5}\n");
        assertThat(again.changed()).isFalse();
        assertThat(again.message()).isEqualTo("up to date (version 2)");

        // ha2 dies: the next change is refused, and nothing is written.
        started.get(1).destroyForcibly();
        started.get(1).waitFor(10, TimeUnit.SECONDS);
        await("ha1 sees ha2 gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(status("ha1").nodes()).filteredOn(n -> n.name().equals("ha2"))
                        .extracting(StatusReport.NodeReport::state).containsOnly("dead"));
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> run("cluster", "ha1", true, "file", file.toString(), "content", "policy: {stickiness: 7}\n"))
                .hasMessageContaining("refused: the cluster is degraded (node ha2 is dead); nothing written");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
