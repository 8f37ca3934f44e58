package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 19 item 11: a failed write leaves no temp file behind and names the path. */
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws Exception {
        Path f = dir.resolve("state");
        AtomicFile.write(f, "one".getBytes());
        AtomicFile.write(f, "two".getBytes());
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(names(dir)).containsExactly("state");
    }

    @Test
    void aFailedRenameLeavesNoTempFileAndNamesThePath() throws Exception {
        // A non-empty directory where the file should be: the rename fails (even for root).
        Path f = dir.resolve("cluster.yaml");
        Files.createDirectories(f.resolve("in-the-way"));
        var e = assertThrows(IOException.class, () -> AtomicFile.write(f, "x".getBytes()));
        assertThat(e.getMessage()).startsWith("cannot write " + f + ": ");
        assertThat(names(dir)).containsExactly("cluster.yaml");
    }

    /** A real full disk: a 64 KiB tmpfs, filled. Needs root and mount; skipped elsewhere. */
    @Test
    void aFullDiskLeavesNoTempFileAndNamesThePath() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("full"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()) == 0,
                "cannot mount a tmpfs here");
        try {
            try (var out = Files.newOutputStream(mnt.resolve("filler"))) {
                byte[] block = new byte[4096];
                for (int i = 0; i < 64; i++) {
                    out.write(block);
                }
            } catch (IOException full) {
                // expected: the disk is full now
            }
            for (String name : new String[] {"cluster.yaml", "incarnation", "admin.json"}) {
                Path f = mnt.resolve(name);
                var e = assertThrows(IOException.class, () -> AtomicFile.write(f, new byte[32 * 1024]));
                assertThat(e.getMessage()).startsWith("cannot write " + f + ": ").contains("No space left on device");
            }
            assertThat(names(mnt)).containsExactly("filler");
        } finally {
            run("umount", mnt.toString());
        }
    }

    private static int run(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    private static java.util.List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
