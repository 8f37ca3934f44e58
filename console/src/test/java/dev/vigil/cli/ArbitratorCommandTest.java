package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil arbitrator --check}: the file checked, every mistake at file:line:column, exit codes. */
class ArbitratorCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @Test
    void aGoodFileIsOkAndABadOneIsRefusedWithEveryMistakeAtItsPlace() throws Exception {
        var key = Files.writeString(dir.resolve("web.key"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var good = Files.writeString(dir.resolve("good.yaml"), "listen: 0.0.0.0:7696\nclusters:\n  - {name: web, keyfile: web.key}\n");
        assertThat(VigilCommand.run("arbitrator", "--config", good.toString(), "--check")).isZero();
        assertThat(io.out.toString()).contains("ok (arbitrator on 0.0.0.0:7696 for [web])");

        var bad = Files.writeString(dir.resolve("bad.yaml"), "listen: 0.0.0.0:7696\nclusters:\n  - {name: web, keyfile: web.key, algorithm: lms}\n");
        assertThat(VigilCommand.run("arbitrator", "--config", bad.toString(), "--check")).isEqualTo(2);
        assertThat(io.err.toString()).contains(bad + ":3:35: unknown key `algorithm` in a cluster; valid keys: name, keyfile")
                .contains("vigil arbitrator: 1 error(s) in " + bad);
    }
}
