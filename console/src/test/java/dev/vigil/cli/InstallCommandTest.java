package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil install}'s refusals before any SSH connection, and the operator's key; the install
 * itself runs against bare nodes in {@code InstallIT} (install/).
 */
class InstallCommandTest {
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    @Test
    void aBadClusterFileIsRefusedAtItsLineAndColumn() throws Exception {
        var config = Files.writeString(dir.resolve("cluster.yaml"), "cluster: web\nauth: {keyfile: /etc/vigil/authkey}\nnodes: 7\n");

        assertThat(VigilCommand.run("install", "--config", config.toString(), "--package", "vigil_1.0_amd64.deb")).isEqualTo(2);
        assertThat(io.err.toString()).contains(config + ":3:");
    }

    @Test
    void thePackageMustBeNamedAsTheBuildNamesIt() throws Exception {
        var config = Files.writeString(dir.resolve("cluster.yaml"), """
                cluster: web
                auth: {keyfile: /etc/vigil/authkey}
                nodes:
                  - {name: ha1, address: 10.0.0.48}
                  - {name: ha2, address: 10.0.0.49}
                links:
                  - {type: udp, mode: unicast, port: 694}
                """);

        assertThat(VigilCommand.run("install", "--config", config.toString(), "--package", dir.resolve("vigil.deb").toString())).isEqualTo(2);
        assertThat(io.err.toString()).contains("not a package vigil_VERSION_ARCH.deb");
    }

    @Test
    void theClusterKeyIsMadeOnceBesideTheClusterFile0600() throws Exception {
        var config = Files.writeString(dir.resolve("cluster.yaml"), "cluster: [\n");

        VigilCommand.run("install", "--config", config.toString(), "--package", "vigil_1.0_amd64.deb");
        var key = dir.resolve("cluster.authkey");
        assertThat(key).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(java.util.Base64.getDecoder().decode(Files.readString(key).strip())).hasSize(32);
        var first = Files.readString(key);

        VigilCommand.run("install", "--config", config.toString(), "--package", "vigil_1.0_amd64.deb");
        assertThat(Files.readString(key)).as("made once, never replaced").isEqualTo(first);
    }

    @Test
    void notOfferedOverTheConsole() {
        assertThat(RemoteCli.notOffered(java.util.List.of("install"))).isPresent();
        assertThat(RemoteCli.notOffered(java.util.List.of("uninstall", "--purge"))).isPresent();
    }
}
