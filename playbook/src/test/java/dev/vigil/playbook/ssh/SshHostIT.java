package dev.vigil.playbook.ssh;


import dev.vigil.playbook.host.Host;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SshHost} against a real OpenSSH server on loopback: every Host method, bounds, host keys,
 * authentication, and hosts that refuse or vanish.
 */
@Tag("integration")
class SshHostIT {
    @TempDir
    static Path server;

    @TempDir
    Path dir;

    static Sshd sshd;

    @BeforeAll
    static void startSshd() throws Exception {
        sshd = Sshd.start(server);
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) sshd.close();
    }

    SshTarget target(Path knownHosts, boolean acceptNew, Path key) {
        return new SshTarget("ha1", "127.0.0.1", "root", sshd.port, List.of(key), Optional.empty(), knownHosts, false, acceptNew,
                Duration.ofSeconds(10));
    }

    Path knownHosts() throws Exception {
        Path kh = dir.resolve("known_hosts");
        Files.writeString(kh, sshd.knownHostsLine());
        return kh;
    }

    @Test
    void everyHostMethodOverSsh() throws Exception {
        try (var h = SshConnect.connect(target(knownHosts(), false, sshd.clientKey))) {
            String f = dir.resolve("a file").toString();
            assertThat(h.kind(f)).isEqualTo(Host.Kind.MISSING);
            h.write(f, "it's here\n".getBytes(StandardCharsets.UTF_8), Optional.empty());
            assertThat(Files.readString(Path.of(f))).isEqualTo("it's here\n");
            assertThat(h.kind(f)).isEqualTo(Host.Kind.FILE);
            assertThat(h.mode(f)).isEqualTo(0644);
            assertThat(new String(h.read(f, 100), StandardCharsets.UTF_8)).isEqualTo("it's here\n");
            h.chmod(f, 0600);
            h.write(f, "again".getBytes(StandardCharsets.UTF_8), Optional.empty());
            assertThat(h.mode(f)).as("a rewritten file keeps its mode").isEqualTo(0600);
            assertThat(h.list(dir.toString(), 10)).contains("a file");
            var r = h.shell("echo out; echo err >&2; exit 3", Duration.ofSeconds(10));
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.output()).contains("out").contains("err");
            h.delete(f);
            assertThat(h.kind(f)).isEqualTo(Host.Kind.MISSING);
        }
    }

    @Test
    void ecdsaAndRsaClientKeysAuthenticateToo() throws Exception {
        for (String type : List.of("ecdsa", "rsa")) {
            Path key = dir.resolve("id_" + type);
            Sshd.keygen(key, type);
            sshd.authorize(dir.resolve("id_" + type + ".pub"));
            try (var h = SshConnect.connect(target(knownHosts(), false, key))) {
                assertThat(h.shell("echo $USER", Duration.ofSeconds(10)).output()).contains("root");
            }
        }
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprint() throws Exception {
        Path kh = dir.resolve("empty_known_hosts");
        assertThatThrownBy(() -> SshConnect.connect(target(kh, false, sshd.clientKey)))
                .isInstanceOf(SshConnect.Unreachable.class)
                .hasMessageContaining("host key unknown: [127.0.0.1]:" + sshd.port)
                .hasMessageContaining("SHA256:")
                .hasMessageContaining("--accept-new");
        assertThat(kh).doesNotExist();
    }

    @Test
    void acceptNewAddsAnUnknownKeyAndTheNextConnectionChecksIt() throws Exception {
        Path kh = dir.resolve("ssh").resolve("known_hosts");
        try (var h = SshConnect.connect(target(kh, true, sshd.clientKey))) {
            assertThat(h.shell("true", Duration.ofSeconds(10)).ok()).isTrue();
        }
        assertThat(Files.readString(kh)).contains("[127.0.0.1]:" + sshd.port);
        try (var h = SshConnect.connect(target(kh, false, sshd.clientKey))) {
            assertThat(h.shell("true", Duration.ofSeconds(10)).ok()).isTrue();
        }
    }

    @Test
    void aChangedHostKeyIsRefusedEvenWithAcceptNew() throws Exception {
        Sshd.keygen(dir.resolve("other"), "ed25519");
        String[] other = Files.readString(dir.resolve("other.pub")).trim().split(" ");
        Path kh = dir.resolve("known_hosts");
        String line = "[127.0.0.1]:" + sshd.port + " " + other[0] + " " + other[1] + "\n";
        Files.writeString(kh, line);
        for (boolean acceptNew : List.of(false, true)) {
            assertThatThrownBy(() -> SshConnect.connect(target(kh, acceptNew, sshd.clientKey)))
                    .hasMessageContaining("host key CHANGED")
                    .hasMessageContaining("SHA256:")
                    .hasMessageContaining("ssh-keygen -R '[127.0.0.1]:" + sshd.port + "'");
        }
        assertThat(Files.readString(kh)).as("known_hosts untouched").isEqualTo(line);
    }

    @Test
    void aKeyTheHostDoesNotKnowFailsAuthentication() throws Exception {
        Sshd.keygen(dir.resolve("stranger"), "ed25519");
        assertThatThrownBy(() -> SshConnect.connect(target(knownHosts(), false, dir.resolve("stranger"))))
                .hasMessageContaining("authentication failed")
                .hasMessageContaining("stranger")
                .hasMessageContaining("root@127.0.0.1:" + sshd.port);
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        var t = new SshTarget("ha2", "127.0.0.1", "root", Sshd.freePort(), List.of(sshd.clientKey), Optional.empty(), knownHosts(),
                false, false, Duration.ofSeconds(10));
        assertThatThrownBy(() -> SshConnect.connect(t)).hasMessageContaining("ha2 unreachable")
                .hasMessageContaining("connection refused");
    }

    @Test
    void aCommandsTimeoutKillsItAndItsChildrenOnTheHost() throws Exception {
        Path pids = dir.resolve("pids");
        try (var h = SshConnect.connect(target(knownHosts(), false, sshd.clientKey))) {
            long start = System.nanoTime();
            var r = h.shell("sleep 300 & echo $! > " + pids + "; echo $$ >> " + pids + "; wait", Duration.ofSeconds(2));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.timedOut()).isTrue();
            assertThat(r.exitCode()).isEqualTo(-1);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(2).plus(SshHost.GRACE));
            for (String pid : Files.readAllLines(pids)) {
                var p = ProcessHandle.of(Long.parseLong(pid.trim()));
                // timeout(1) sent TERM to the group; the processes are gone (or reaped) within its KILL delay.
                p.ifPresent(ph -> ph.onExit().completeOnTimeout(ph, 5, java.util.concurrent.TimeUnit.SECONDS).join());
                assertThat(ProcessHandle.of(Long.parseLong(pid.trim())).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
            }
            assertThat(h.shell("echo still here", Duration.ofSeconds(10)).output()).contains("still here");
        }
    }

    @Test
    void outputIsCappedToItsLastPart() throws Exception {
        try (var h = SshConnect.connect(target(knownHosts(), false, sshd.clientKey))) {
            var r = h.shell("head -c 200000 /dev/zero | tr '\\0' a; echo END", Duration.ofSeconds(20));
            assertThat(r.truncated()).isTrue();
            assertThat(r.output()).hasSize(SshHost.OUTPUT_CAP).endsWith("END\n");
            Path big = dir.resolve("big");
            Files.write(big, new byte[2000]);
            assertThatThrownBy(() -> h.read(big.toString(), 1000)).hasMessageContaining("larger than 1000 bytes");
            assertThatThrownBy(() -> h.read(dir.toString(), 1000)).hasMessageContaining("not a regular file");
            assertThatThrownBy(() -> h.read(dir.resolve("nope").toString(), 1000)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        }
    }

    @Test
    void keysFromSshAgent() throws Exception {
        Path key = dir.resolve("agent_key");
        Sshd.keygen(key, "ed25519");
        sshd.authorize(dir.resolve("agent_key.pub"));
        Path sock = dir.resolve("agent.sock");
        var agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(sock) && System.nanoTime() < deadline) Thread.sleep(20);
            var add = new ProcessBuilder("ssh-add", key.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            var p = add.start();
            assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
            var t = new SshTarget("ha1", "127.0.0.1", "root", sshd.port, List.of(), Optional.of(sock), knownHosts(),
                    false, false, Duration.ofSeconds(10));
            try (var h = SshConnect.connect(t)) {
                assertThat(h.shell("echo via agent", Duration.ofSeconds(10)).output()).contains("via agent");
            }
        } finally {
            agent.destroy();
            agent.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aKeyWithAPassphraseIsRefusedByName() throws Exception {
        Path key = dir.resolve("locked");
        Sshd.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", key.toString()));
        assertThatThrownBy(() -> SshConnect.connect(target(knownHosts(), false, key)))
                .hasMessageContaining("cannot load the SSH key " + key)
                .hasMessageContaining("ssh-agent");
    }

    @Test
    void aHostKnownByItsRsaKeyOnlyIsAccepted() throws Exception {
        String[] rsa = Files.readString(server.resolve("host_rsa.pub")).trim().split(" ");
        Path kh = dir.resolve("known_hosts_rsa");
        Files.writeString(kh, "[127.0.0.1]:" + sshd.port + " " + rsa[0] + " " + rsa[1] + "\n");
        try (var h = SshConnect.connect(target(kh, false, sshd.clientKey))) {
            assertThat(h.shell("true", Duration.ofSeconds(10)).ok()).isTrue();
        }
    }

    @Test
    void aHostThatNeverSpeaksSshTimesOutWithinTheConnectTimeout() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            var t = new SshTarget("ha3", "127.0.0.1", "root", silent.getLocalPort(), List.of(sshd.clientKey), Optional.empty(),
                    knownHosts(), false, false, Duration.ofSeconds(2));
            long start = System.nanoTime();
            assertThatThrownBy(() -> SshConnect.connect(t)).hasMessageContaining("ha3 unreachable")
                    .hasMessageContaining("no answer within 2s");
            // connect and authentication are each bounded by the connect timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2 * 2 + 2));
        }
    }
}
