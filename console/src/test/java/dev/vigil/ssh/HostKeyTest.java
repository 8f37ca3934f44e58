package dev.vigil.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyTest {
    @Test
    void madeOnceWithMode0600ThenTheSameKeyEveryStart(@TempDir Path dir) throws Exception {
        var file = dir.resolve("console/host_ed25519");
        var first = HostKey.loadOrCreate(file);
        assertThat(KeyUtils.getKeyType(first.getPublic())).isEqualTo("ssh-ed25519");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("console/host_ed25519.pub"))).startsWith("ssh-ed25519 AAAA");

        var again = HostKey.loadOrCreate(file);
        assertThat(KeyUtils.compareKeys(first.getPublic(), again.getPublic())).isTrue();
        try (var listing = Files.list(file.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("host_ed25519", "host_ed25519.pub");
        }
    }

    @Test
    void aKeyOthersCanReadIsRefused(@TempDir Path dir) throws Exception {
        var file = dir.resolve("host_ed25519");
        HostKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> HostKey.loadOrCreate(file)).hasMessageContaining("readable by others")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void aDamagedKeyIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        var file = dir.resolve("host_ed25519");
        Files.writeString(file, "not a key\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> HostKey.loadOrCreate(file)).hasMessageStartingWith(file + ":");
    }
}
