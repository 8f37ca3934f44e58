package dev.vigil.playbook.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command lines an SSH host sends, run here through /bin/sh as the remote login shell would:
 * quoting survives any text, and {@code become: sudo} puts {@code sudo -n} outside the timeout.
 * (This machine has no sudo, so a stand-in on PATH records how it was called; the real sudo is
 * not exercised by the tests.)
 */
class SshHostTest {
    @TempDir
    Path dir;

    private String sh(String line, Path pathDir) throws Exception {
        var pb = new ProcessBuilder("/bin/sh", "-c", line).redirectErrorStream(true);
        if (pathDir != null) pb.environment().put("PATH", pathDir + ":" + System.getenv("PATH"));
        var p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void quotingSurvivesQuotesAndShellSyntax() throws Exception {
        String cmd = "printf '%s|' \"it's\" '$HOME' \"a  b\"; echo; echo err >&2";
        assertThat(sh(SshHost.commandLine(cmd, Duration.ofSeconds(10), false), null)).isEqualTo("it's|$HOME|a  b|\nerr\n");
    }

    @Test
    void becomeSudoRunsTheTimeoutAndTheCommandUnderSudoNonInteractive() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path sudo = bin.resolve("sudo");
        Files.writeString(sudo, "#!/bin/sh\necho \"sudo called with: $1 $2 $3\" >&2\n[ \"$1\" = -n ] && [ \"$2\" = -- ] || exit 99\nshift 2\nexec \"$@\"\n");
        Files.setPosixFilePermissions(sudo, PosixFilePermissions.fromString("rwxr-xr-x"));
        String line = SshHost.commandLine("echo as root", Duration.ofSeconds(5), true);
        assertThat(line).startsWith("sudo -n -- timeout -k 2s 5.000s sh -c ");
        assertThat(sh(line, bin)).isEqualTo("sudo called with: -n -- timeout\nas root\n");
    }

    @Test
    void theHostsTimeoutEndsTheCommand() throws Exception {
        long start = System.nanoTime();
        String out = sh(SshHost.commandLine("sleep 30", Duration.ofMillis(500), false) + "; echo exit=$?", null);
        assertThat(out).isEqualTo("exit=124\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
}
