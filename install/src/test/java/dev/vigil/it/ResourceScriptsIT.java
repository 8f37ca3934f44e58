package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs ClusterLabs' ocf-tester against the OCF resource scripts of the assembled distribution
 * ({@code resource-scripts/test/run-ocf-tester.sh}), each in throwaway network/mount namespaces.
 * Needs root and ocf-tester (Debian package resource-agents); skipped otherwise.
 */
@Tag("integration")
// The IBM stand-ins' daemons are found by name across the whole machine, as the agents do on a real
// node (ocf:vigil:loadleveler and ibmmq list `ps -e`; the tests kill and count them by name too):
// ResourceScriptsIT's LoadLeveler saw IbmRecipesBedIT's when the two ran together.
@ResourceLock(TestResources.IBM_STANDINS)
class ResourceScriptsIT {
    private static final Path OCF_TESTER = Path.of("/usr/sbin/ocf-tester");
    private static final List<String> AGENTS = List.of("IPaddr", "Filesystem", "apache", "ibmmq", "wasnd", "loadleveler", "lvs");
    /** ClusterLabs' agents, unmodified, against the IBM stand-ins of test/standins/. */
    private static final List<String> CLUSTERLABS_AGAINST_STANDINS = List.of("WAS6", "db2");
    private static final long TIMEOUT_SECONDS = 600;

    @Test
    void everyAgentPassesOcfTester() throws Exception {
        assumeTrue(isRoot(), "skipping OCF resource script tests: they need root (namespaces, loop devices, mounts)");
        assumeTrue(Files.isExecutable(OCF_TESTER),
                "skipping OCF resource script tests: " + OCF_TESTER + " missing (apt-get install resource-agents)");

        var scripts = VigilHome.home().resolve("resource-scripts");
        for (var agent : AGENTS) {
            assertThat(scripts.resolve("ocf/vigil/" + agent)).as("agent %s in the distribution", agent).isExecutable();
        }
        var runner = scripts.resolve("test/run-ocf-tester.sh");
        assertThat(runner).isExecutable();

        var process = new ProcessBuilder(runner.toString()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        var output = new ByteArrayOutputStream();
        var reader = new Thread(() -> copy(process.getInputStream(), output), "ocf-tester-output");
        reader.setDaemon(true);
        reader.start();
        boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!finished) {
            // SIGTERM lets the script's trap remove its namespaces and loop device.
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        System.out.println("--- " + runner + "\n" + text);

        assertThat(finished).as("run-ocf-tester.sh finished within %ss; output:%n%s", TIMEOUT_SECONDS, text).isTrue();
        assertThat(process.exitValue()).as("run-ocf-tester.sh exit code; output:%n%s", text).isZero();
        for (var agent : AGENTS) {
            assertThat(text).contains("PASS " + agent + " ");
        }
        for (var agent : CLUSTERLABS_AGAINST_STANDINS) {
            assertThat(text).contains("PASS " + agent + " ");
        }
        // The NFS kernel backend runs against recording fakes, so it needs nothing installed;
        // the ganesha ones PASS, or SKIP without nfs-ganesha (NfsResourceScriptsIT says why).
        assertThat(text).contains("PASS nfs-kernel ");
        assertThat(text).doesNotContain("FAIL nfsserver", "FAIL exportfs");
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            // The process was killed; keep what was read.
        }
    }
}
