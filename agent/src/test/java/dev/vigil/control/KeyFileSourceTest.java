package dev.vigil.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.ClusterKey;
import dev.vigil.transport.Drops;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-running client's key follows its file through a {@code vigil key rotate}: read again when
 * the file changes, or once after an agent refused the key; a file without a key keeps the old one.
 */
class KeyFileSourceTest {
    private static final ClusterKey OLD = key("the-old-cluster-key-0123456");
    private static final ClusterKey NEW = key("the-new-cluster-key-6543210");

    @TempDir
    Path dir;

    private static ClusterKey key(String text) {
        return new ClusterKey(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Replaces the file as the rotation does (a new file renamed over it), with the given time. */
    private Path write(Path file, ClusterKey key, FileTime time) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, (new String(key.bytes(), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(tmp, time);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(file, time);
        return file;
    }

    @Test
    void aReplacedFileIsReadAgainAndAFileWithoutAKeyKeepsTheOldOne() throws IOException {
        var t0 = FileTime.fromMillis(1_000_000_000_000L);
        Path file = write(dir.resolve("authkey"), OLD, t0);
        var keys = new KeyFileSource(file, OLD);
        assertThat(keys.key()).isEqualTo(OLD);
        write(file, NEW, FileTime.fromMillis(t0.toMillis() + 1000));
        assertThat(keys.key()).isEqualTo(NEW);
        assertThat(keys.controlKey()).isEqualTo(ControlFrames.deriveKey(NEW));
        Files.writeString(file, "short\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(t0.toMillis() + 2000));
        assertThat(keys.key()).as("too short to be a key: the one in use stays").isEqualTo(NEW);
        Files.delete(file);
        assertThat(keys.key()).as("no file: the one in use stays").isEqualTo(NEW);
    }

    @Test
    void afterARefusalTheFileIsReadOnceMoreEvenWhenItsStampDidNotChange() throws IOException {
        var t0 = FileTime.fromMillis(1_000_000_000_000L);
        Path file = write(dir.resolve("authkey"), NEW, t0);
        // Started with the old key while the file, as far as its stamp tells, has not changed since.
        var keys = new KeyFileSource(file, OLD);
        assertThat(keys.key()).isEqualTo(OLD);
        assertThat(keys.reloadAfterRefusal(ControlFrames.deriveKey(OLD))).isTrue();
        assertThat(keys.key()).isEqualTo(NEW);
        assertThat(keys.reloadAfterRefusal(ControlFrames.deriveKey(NEW))).as("the same key again: no retry").isFalse();
    }

    @Test
    void aClientSurvivesARotationOfTheKeyItsAgentRuns() throws IOException {
        var drops = new Drops(Clock.systemUTC(), Duration.ofSeconds(10));
        var bus = new EventBus(Clock.systemUTC(), () -> SpyHandler.report("ha1"), Duration.ofMillis(50), 16);
        // The agent already runs the new key; the client started with the old one in its file.
        var server = new TcpControlServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), NEW, new SpyHandler(), bus, drops);
        server.start();
        try {
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.localPort());
            var t0 = FileTime.fromMillis(1_000_000_000_000L);
            Path file = write(dir.resolve("authkey"), OLD, t0);
            var keys = new KeyFileSource(file, OLD);
            var client = ControlClient.tcp(address, keys);
            assertThatThrownBy(client::status).hasMessageContaining("authentication failed");
            // The rotation replaces the file: the next connection reads it.
            write(file, NEW, FileTime.fromMillis(t0.toMillis() + 1000));
            assertThat(client.status().node()).isEqualTo("ha1");

            // A file whose stamp says nothing changed: the agent's refusal makes the client read it again, once.
            Path copy = write(dir.resolve("copied"), NEW, t0);
            var stale = ControlClient.tcp(address, new KeyFileSource(copy, OLD));
            assertThat(stale.status().node()).isEqualTo("ha1");
            try (var stream = ControlClient.tcp(address, new KeyFileSource(copy, OLD)).subscribe()) {
                assertThat(stream.next().kind()).as("an event stream after the same retry").isEqualTo("status");
            }
            // A fixed key never changes: the refusal stands.
            assertThatThrownBy(() -> ControlClient.tcp(address, KeyFileSource.fixed(OLD)).status())
                    .hasMessageContaining("authentication failed");
        } finally {
            server.close();
            bus.close();
        }
    }
}
