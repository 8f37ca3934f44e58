package dev.vigil.playbook.steps;


import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static dev.vigil.playbook.steps.StepTesting.assertNoChange;
import static dev.vigil.playbook.steps.StepTesting.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code package} against this machine's real dpkg (apache2 is installed here; {@code hello} is
 * not), one real install and removal of {@code hello} from Debian's mirror (skipped when apt
 * cannot reach it), and the dnf/rpm path against stand-ins.
 */
class PackageStepTest {
    /** A small package of Debian's main archive that this machine does not have installed. */
    static final String SMALL = "hello";

    @TempDir
    Path dir;

    private final Host local = new LocalHost("local");

    private Step.Outcome run(Host host, Map<String, String> p, boolean apply) throws Exception {
        return new PackageStep().run(host, p, apply, ctx(dir, Duration.ofMinutes(5)));
    }

    private static boolean installed(String name) throws IOException, InterruptedException {
        var p = new ProcessBuilder("dpkg-query", "-W", "-f=${db:Status-Status}", name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out.equals("installed");
    }

    private static String dpkgStatus() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(Path.of("/var/lib/dpkg/status"))));
    }

    @Test
    void anInstalledPackageIsOk() throws Exception {
        var o = run(local, Map.of("name", "apache2"), false);
        assertNoChange(o);
        assertThat(o.message()).isEqualTo("installed: apache2");
        assertNoChange(run(local, Map.of("name", "apache2", "state", "present"), true)); // apply: nothing to do
    }

    @Test
    void planSaysWhatItWouldInstallOrRemoveAndChangesNothing() throws Exception {
        Assumptions.assumeFalse(installed(SMALL), SMALL + " is installed on this machine");
        String before = dpkgStatus();
        var o = run(local, Map.of("name", "apache2, " + SMALL), false);
        assertThat(o.changed()).isTrue();
        assertThat(o.message()).isEqualTo("would install: " + SMALL);

        var absent = run(local, Map.of("name", SMALL, "state", "absent"), false);
        assertNoChange(absent);
        assertThat(absent.message()).isEqualTo("not installed: " + SMALL);

        var remove = run(local, Map.of("name", "apache2 " + SMALL, "state", "absent"), false);
        assertThat(remove.changed()).isTrue();
        assertThat(remove.message()).isEqualTo("would remove: apache2");
        assertThat(dpkgStatus()).isEqualTo(before);
        assertThat(installed("apache2")).isTrue();
    }

    @Test
    void aPackageThatDoesNotExistFailsWithAptsReason() throws Exception {
        var p = Map.of("name", "vigil-no-such-package-4711");
        assertThat(run(local, p, false).message()).isEqualTo("would install: vigil-no-such-package-4711");
        assertThatThrownBy(() -> run(local, p, true)).isInstanceOf(Step.Failure.class)
                .hasMessageContaining("apt-get install: exit code 100")
                .hasMessageContaining("Unable to locate package vigil-no-such-package-4711");
    }

    @Test
    void installsAndRemovesForRealAndIsIdempotent() throws Exception {
        Assumptions.assumeFalse(installed(SMALL), SMALL + " is installed already on this machine; not touched");
        String mirror = mirrorProblem();
        Assumptions.assumeTrue(mirror.isEmpty(), "apt cannot reach Debian's mirror here, real install skipped: " + mirror);
        try {
            var in = run(local, Map.of("name", SMALL), true);
            assertThat(in.changed()).isTrue();
            assertThat(in.message()).isEqualTo("installed: " + SMALL);
            assertThat(installed(SMALL)).isTrue();
            assertNoChange(run(local, Map.of("name", SMALL), true));

            var out = run(local, Map.of("name", SMALL, "state", "absent"), true);
            assertThat(out.changed()).isTrue();
            assertThat(out.message()).isEqualTo("removed: " + SMALL);
            assertThat(installed(SMALL)).isFalse();
            assertNoChange(run(local, Map.of("name", SMALL, "state", "absent"), true));
        } finally {
            if (installed(SMALL)) local.shell("DEBIAN_FRONTEND=noninteractive apt-get remove -y " + SMALL, Duration.ofMinutes(2));
        }
    }

    /** Why apt cannot fetch the package from its mirror (downloaded into a temp directory); empty when it can. */
    private String mirrorProblem() throws IOException {
        Files.createDirectories(dir.resolve("archives/partial"));
        var r = local.shell("apt-get install --download-only -y --no-install-recommends -o Acquire::Retries=0 "
                + "-o Acquire::http::Timeout=10 -o Dir::Cache::archives=" + Shell.quote(dir.resolve("archives").toString())
                + " " + SMALL + " 2>&1", Duration.ofSeconds(60));
        // Only a network failure skips; any other failure shows in the install below.
        boolean network = r.timedOut() || r.output().matches("(?s).*(Failed to fetch|Could not resolve|Temporary failure|Unable to connect|Connection failed|timed out).*");
        return r.ok() || !network ? "" : CommandStep.tail(r.output());
    }

    @Test
    void dnfHostsAreAskedWithRpmAndChangedWithDnf() throws Exception {
        // A dnf host: no dpkg-query on the PATH; rpm says which of its arguments are installed.
        Path bin = dir.resolve("bin");
        Path calls = dir.resolve("calls");
        StepTesting.script(bin, "rpm", """
                for a; do case $a in -q|--qf|'installed %{NAME}\\n') ;; httpd) echo "installed httpd" ;; *) echo "package $a is not installed" ;; esac; done
                """);
        StepTesting.script(bin, "dnf", "echo \"dnf $*\" >>" + calls + "\n");
        Host dnf = StepTesting.withPath(bin, true);
        assertNoChange(run(dnf, Map.of("name", "httpd"), true));
        var o = run(dnf, Map.of("name", "httpd haproxy"), false);
        assertThat(o.message()).isEqualTo("would install: haproxy");
        assertThat(StepTesting.read(calls)).isEmpty();
        assertThat(run(dnf, Map.of("name", "httpd haproxy"), true).message()).isEqualTo("installed: haproxy");
        assertThat(run(dnf, Map.of("name", "httpd haproxy", "state", "absent"), true).message()).isEqualTo("removed: httpd");
        assertThat(StepTesting.read(calls)).isEqualTo("dnf -y install haproxy\ndnf -y remove httpd\n");
    }

    @Test
    void aHostWithoutAPackageManagerFails() throws Exception {
        Host bare = StepTesting.withPath(dir.resolve("empty"), true);
        assertThatThrownBy(() -> run(bare, Map.of("name", "x"), false)).hasMessageStartingWith("no package manager found on local");
    }

    @Test
    void badParameters() throws Exception {
        assertThatThrownBy(() -> run(local, Map.of("name", "apache2;reboot"), false))
                .hasMessage("`name`: 'apache2;reboot' is not a package name");
        assertThatThrownBy(() -> run(local, Map.of("name", " , "), false)).hasMessage("`name` names no package");
        assertThat(StepTesting.checkErrors(dir, """
                  - package: {name: "a $(b)", state: instaled}
                  - package: {state: absent}
                """)).containsExactly(
                "3:21: `name`: '$(b)' is not a package name",
                "3:38: `state` must be present or absent, got 'instaled'",
                "4:5: `package` needs `name` (package names, separated by blanks or commas)");
    }
}
