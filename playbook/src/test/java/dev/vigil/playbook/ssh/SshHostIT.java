package dev.vigil.playbook.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.playbook.Host;
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
        return new SshTarget("ha1", "127.0.0.1", "root", sshd.port, List.of(key), knownHosts, false, acceptNew,
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
}
