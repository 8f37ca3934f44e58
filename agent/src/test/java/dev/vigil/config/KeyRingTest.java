package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {
    private static final ClusterKey OLD = new ClusterKey("old-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private static final ClusterKey NEW = new ClusterKey("new-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    @Test
    void stageSwitchRetireAcceptBothKeysUntilTheEndAndRewriteTheKeyFileAtomically() throws Exception {
        Path file = dir.resolve("authkey");
        Files.writeString(file, "old-key-0123456789abcdef\n");
        var ring = new KeyRing(file, OLD);
        assertThat(ring.accepted()).containsExactly(OLD);

        ring.stage(NEW);
        assertThat(ring.step()).isEqualTo(KeyRing.Step.STAGED);
        assertThat(ring.sending()).isEqualTo(OLD);
        assertThat(ring.accepted()).containsExactly(OLD, NEW);
        assertThat(Files.readString(ring.nextFile())).isEqualTo("new-key-0123456789abcdef\n");
        assertThat(Files.readString(file)).as("the key file is not touched before the switch").startsWith("old-key");

        ring.switchTo(NEW);
        ring.switchTo(NEW); // a repeated step changes nothing
        assertThat(ring.sending()).isEqualTo(NEW);
        assertThat(ring.accepted()).containsExactly(NEW, OLD);
        assertThat(Files.readString(file)).isEqualTo("new-key-0123456789abcdef\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        // What the agent reads at its next start is the new key.
        assertThat(ConfigLoader.load("""
                cluster: web
                auth: {keyfile: authkey}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """, dir.resolve("cluster.yaml"), ConfigFixtures.NO_DNS).key()).isEqualTo(NEW);

        ring.retire();
        assertThat(ring.accepted()).containsExactly(NEW);
        assertThat(ring.step()).isEqualTo(KeyRing.Step.STEADY);
        assertThat(ring.nextFile()).doesNotExist();
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("authkey");
        }
    }

    @Test
    void stepsOutOfOrderAreRefusedAndAnAbandonedStageIsUndone() throws Exception {
        Path file = dir.resolve("authkey");
        Files.writeString(file, "old-key-0123456789abcdef\n");
        var ring = new KeyRing(file, OLD);
        assertThatThrownBy(() -> ring.switchTo(NEW)).hasMessageContaining("not staged");
        ring.stage(NEW);
        assertThatThrownBy(ring::retire).hasMessageContaining("before the switch");
        ring.unstage();
        assertThat(ring.accepted()).isEqualTo(List.of(OLD));
        assertThat(ring.nextFile()).doesNotExist();
    }

    @Test
    void aFingerprintNamesAKeyWithoutGivingItAway() {
        assertThat(KeyRing.fingerprint(OLD)).hasSize(16).isNotEqualTo(KeyRing.fingerprint(NEW))
                .isEqualTo(KeyRing.fingerprint(new ClusterKey(OLD.bytes())));
    }
}
