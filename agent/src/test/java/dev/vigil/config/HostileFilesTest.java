package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19 items 4, 5, 6 and 9: files that used to hang the reader (a FIFO), exhaust the heap
 * (/dev/zero, a huge file), overflow the stack (deep YAML) or draw a harmful hint. Each must be
 * refused at once with one clean error, never an Error or a hang.
 */
class HostileFilesTest {
    @TempDir
    Path dir;

    @BeforeEach
    void key() throws Exception {
        ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    /** Runs {@link ConfigLoader#check} with a deadline: a hang fails the test instead of the build. */
    private static List<ConfigError> checkWithin(Path file, Duration limit) throws Exception {
        var f = CompletableFuture.supplyAsync(() -> ConfigLoader.check(file));
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // Unblock the reader so the JVM can go on: open the FIFO's other end.
            try (var w = Files.newOutputStream(file)) {
                w.write(0);
            } catch (Exception ignored) {
                // not a FIFO
            }
            throw new AssertionError("reading " + file + " did not return within " + limit);
        }
    }

    @Test
    void fifoIsRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("cluster.fifo");
        var p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(p.waitFor() == 0, "mkfifo not available");
        var errors = checkWithin(fifo, Duration.ofSeconds(5));
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).toString()).startsWith(fifo + ":1:1: ")
                .contains("is a FIFO (named pipe), not a regular file");
    }

    @Test
    void directoryAndDevicesAreRefused() throws Exception {
        assertThat(checkWithin(dir, Duration.ofSeconds(5)).get(0).toString())
                .contains(dir + " is a directory, not a regular file");
        for (String dev : List.of("/dev/zero", "/dev/urandom", "/dev/null")) {
            Path d = Path.of(dev);
            assumeTrue(Files.exists(d));
            assertThat(checkWithin(d, Duration.ofSeconds(5)).get(0).toString())
                    .contains(dev + " is a character device, not a regular file");
        }
    }

    @Test
    void hugeFileIsRefusedBeforeReading() throws Exception {
        Path big = dir.resolve("big.yaml");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'#'}), 50L * 1024 * 1024); // sparse: 50 MB
        }
        var errors = checkWithin(big, Duration.ofSeconds(5));
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).toString()).contains("is 52428801 bytes")
                .contains("at most " + 262144 + " bytes");
    }

    @Test
    void deeplyNestedYamlIsACleanErrorAtItsPosition() throws Exception {
        for (int depth : List.of(200, 1000, 5000, 50_000)) {
            for (String style : List.of("flow-list", "flow-map", "block")) {
                Path f = dir.resolve("deep-" + style + "-" + depth + ".yaml");
                Files.writeString(f, nested(style, depth), StandardCharsets.UTF_8);
                List<ConfigError> errors;
                try {
                    errors = checkWithin(f, Duration.ofSeconds(20));
                } catch (StackOverflowError so) {
                    throw new AssertionError(style + " depth " + depth + ": StackOverflowError");
                }
                assertThat(errors).as(style + " depth " + depth).hasSize(1);
                assertThat(errors.get(0).toString()).as(style + " depth " + depth)
                        .matches("(?s)" + java.util.regex.Pattern.quote(f.toString()) + ":\\d+:\\d+: .*")
                        .contains("nested more than " + 64 + " deep");
            }
        }
    }

    @Test
    void nestingWithinTheLimitIsStillRead() {
        var errors = ConfigLoader.check("cluster: web\nx: " + nested("flow-list", 50), dir.resolve("c.yaml"),
                ConfigFixtures.NO_DNS);
        assertThat(errors).noneMatch(e -> e.toString().contains("nested"));
    }

    private static String nested(String style, int depth) {
        var sb = new StringBuilder();
        switch (style) {
            case "flow-list" -> sb.append("[".repeat(depth)).append("1").append("]".repeat(depth));
            case "flow-map" -> sb.append("{a: ".repeat(depth)).append("1").append("}".repeat(depth));
            default -> {
                for (int i = 0; i < Math.min(depth, 600); i++) {
                    sb.append(" ".repeat(i)).append("a:\n");
                }
                sb.append(" ".repeat(Math.min(depth, 600))).append("b\n");
            }
        }
        return sb.append('\n').toString();
    }

    @Test
    void deviceAsKeyFileIsRefusedWithoutAHintToWriteToIt() throws Exception {
        Files.writeString(dir.resolve("c.yaml"), """
                cluster: web
                auth: {keyfile: /dev/zero}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        var errors = checkWithin(dir.resolve("c.yaml"), Duration.ofSeconds(5));
        String text = errors.toString();
        assertThat(text).contains("key file /dev/zero is a character device, not a regular file");
        assertThat(text).doesNotContain("> /dev/zero").doesNotContain("chmod 600 /dev/zero");

        // A missing key file under /dev gets the same care: the hint names a path outside it.
        Files.writeString(dir.resolve("c.yaml"), Files.readString(dir.resolve("c.yaml"))
                .replace("/dev/zero", "/dev/vigil-no-such-key"));
        String missing = checkWithin(dir.resolve("c.yaml"), Duration.ofSeconds(5)).toString();
        assertThat(missing).contains("key file /dev/vigil-no-such-key does not exist")
                .doesNotContain("> /dev/").contains("> /etc/vigil/authkey");
    }

    @Test
    void hugeKeyFileIsRefusedBeforeReading() throws Exception {
        Path key = dir.resolve("bigkey");
        try (var ch = java.nio.channels.FileChannel.open(key, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'x'}), 100L * 1024 * 1024);
        }
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(dir.resolve("c.yaml"), """
                cluster: web
                auth: {keyfile: bigkey}
                nodes: [{name: ha1, address: 10.0.0.48}]
                links: [{type: udp, mode: unicast}]
                """);
        var errors = checkWithin(dir.resolve("c.yaml"), Duration.ofSeconds(5));
        assertThat(errors.toString()).contains("key file " + key).contains("at most " + 65536);
    }
}
