package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package the build makes ({@code install/target/vigil_<version>_<arch>.deb}): lintian
 * finds no error in it, and on a bare Debian node with no JDK (a {@link BareNode}) it installs,
 * runs, starts its agent only with a valid cluster file, and an upgrade keeps {@code /etc/vigil}.
 */
@Tag("integration")
class DebPackageIT {
    private static final Path TARGET = VigilHome.home().getParent();
    /** One node (its network is loopback only) with one resource, an LSB script marking that it runs. */
    private static final String CLUSTER = """
            cluster: it
            auth: {keyfile: /etc/vigil/authkey}
            timing: {preset: fast}
            nodes:
              - {name: node1, address: 127.0.0.1}
            links:
              - {type: udp, mode: unicast, port: 694}
            resources:
              - {id: marker, agent: "lsb:marker"}
            """;
    private static final String MARKER_SCRIPT = """
            #!/bin/sh
            case "$1" in
                start) touch /var/tmp/marker ;;
                stop) rm -f /var/tmp/marker ;;
                status) [ -e /var/tmp/marker ] || exit 3 ;;
            esac
            """;
    /** The agent's start: its JVM, initdead (5 s at fast) and the resource's start; generous for a loaded VM. */
    private static final Duration AGENT_UP = Duration.ofSeconds(60);

    private static Path deb() throws IOException {
        try (var files = Files.list(TARGET)) {
            var debs = files.filter(p -> p.getFileName().toString().matches("vigil_.+_.+\\.deb")).toList();
            assertThat(debs).as("exactly one vigil_<version>_<arch>.deb in %s", TARGET).hasSize(1);
            return debs.get(0);
        }
    }

    @Test
    void lintianFindsNoErrorAndTheManPage() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lintian")), "lintian is not installed (apt-get install lintian)");
        var r = Commands.run(List.of("lintian", "--no-tag-display-limit", deb().toString()), null, Duration.ofMinutes(5));
        // Exit 0 or 1 with warnings only; E: lines are errors, and anything else is lintian failing.
        assertThat(r.stdout().lines().filter(l -> l.startsWith("E: ")).toList()).as("lintian errors:\n%s", r.all()).isEmpty();
        // The manual page is there and well formed (groff finds nothing wrong in it).
        assertThat(r.stdout().lines().filter(l -> l.contains("manpage")).toList()).as("man page tags:\n%s", r.all()).isEmpty();
        assertThat(r.exit()).as("lintian ran: %s", r.all()).isIn(0, 1);
        if (r.exit() == 1) {
            assertThat(r.stdout()).as("lintian exit 1 without an error means a warning").contains("W: ");
        }
    }

    @Test
    void installsOnANodeWithoutJavaAndStartsTheAgentOnlyWithAValidClusterFile(@TempDir Path dir) throws Exception {
        var why = BareNode.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping: " + why.orElse(""));
        var deb = deb();
        try (var node = BareNode.boot(VigilHome.home(), dir, "node1")) {
            assertThat(node.run("sh", "-c", "command -v java").exit()).as("the bare node has no java").isNotZero();

            // Preflight, before anything is installed: every problem at once, each with its fix.
            Files.copy(VigilHome.home().resolve("bin/vigil-preflight"), node.root().resolve("root/vigil-preflight"));
            var bad = node.run("sh", "/root/vigil-preflight", "--node", "ha9", "--arch", arch(deb), "--udp-port", "694",
                    "--device", "/dev/ttyS9", "--min-usr-mb", "99999999");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.stdout().lines().filter(l -> l.startsWith("problem: ")).toList()).satisfiesExactly(
                    l -> assertThat(l).contains("/usr has").contains("99999999 MB"),
                    l -> assertThat(l).contains("host name is node1").contains("hostnamectl set-hostname ha9"),
                    l -> assertThat(l).contains("serial device /dev/ttyS9 does not exist"));
            assertThat(bad.stdout()).containsPattern("(?m)^clock: \\d+\\.\\d+$");
            assertThat(node.run("sh", "/root/vigil-preflight", "--node", "node1", "--udp-port", "694").exit()).isZero();

            Files.copy(deb, node.root().resolve("root/vigil.deb"));
            node.ok("dpkg", "-i", "/root/vigil.deb");
            var mavenVersion = Files.list(VigilHome.home().resolve("lib"))
                    .map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vigil-console-"))
                    .findFirst().orElseThrow().replaceAll("^vigil-console-|\\.jar$", "");
            assertThat(node.ok("vigil", "--version").strip()).isEqualTo("vigil " + mavenVersion);
            // The OCF provider directory where OCF tools look, each script runnable.
            assertThat(node.ok("/usr/lib/ocf/resource.d/vigil/IPaddr", "meta-data")).contains("<resource-agent name=\"IPaddr\"");
            assertThat(node.ok("systemctl", "is-enabled", "vigil-agent.service").strip()).isEqualTo("enabled");

            // No cluster file: the unit's condition keeps it down, with no attempt to run the agent.
            node.run("systemctl", "start", "vigil-agent.service");
            assertThat(show(node, "ConditionResult")).isEqualTo("no");
            assertThat(show(node, "ActiveState")).isEqualTo("inactive");

            // An invalid one (its key file is missing): the check before the start skips it.
            node.write("/etc/vigil/cluster.yaml", CLUSTER, "0644");
            node.run("systemctl", "start", "vigil-agent.service");
            assertThat(show(node, "ActiveState")).isEqualTo("inactive");
            assertThat(show(node, "ExecMainStartTimestampMonotonic")).as("the agent itself never started").isEqualTo("0");
            assertThat(node.ok("journalctl", "-u", "vigil-agent.service", "--no-pager")).contains("/etc/vigil/authkey does not exist");

            // A valid one: the agent runs (its control socket appears) with real-time priority 1 allowed.
            byte[] key = new byte[32];
            ThreadLocalRandom.current().nextBytes(key);
            node.write("/etc/vigil/authkey", Base64.getEncoder().encodeToString(key) + "\n", "0600");
            node.write("/etc/init.d/marker", MARKER_SCRIPT, "0755");
            node.ok("systemctl", "start", "vigil-agent.service");
            awaitSocket(node);
            awaitResourceRunning(node);
            assertThat(show(node, "LimitRTPRIO")).isEqualTo("1");
            // crm_attribute (what ClusterLabs' promotable agents call for their scores) reaches the
            // agent through socat, a Depends: on a node installed without Recommends it works.
            assertThat(node.ok("dpkg-query", "-W", "-f", "${Depends}", "vigil")).contains("socat");
            String attr = "VIGIL_SOCKET=/run/vigil/it-node1.sock /usr/lib/vigil/resource-scripts/sbin/crm_attribute -N node1 -n it-check";
            node.ok("sh", "-c", attr + " -l reboot -v 7");
            assertThat(node.ok("sh", "-c", attr + " -l reboot -G -q").strip()).isEqualTo("7");
            // A second install's preflight: the port the running agent holds is its own, no problem.
            var again = node.run("/usr/lib/vigil/bin/vigil-preflight", "--node", "node1", "--udp-port", "694");
            assertThat(again.exit()).as(again.all()).isZero();
            var pidBefore = show(node, "MainPID");

            // Upgrade to a newer version: /etc/vigil as the admin left it, the agent restarted on it.
            node.ok("sh", "-c", "echo 'VIGIL_AGENT_OPTS=--no-realtime' >> /etc/vigil/vigil.env");
            var envBefore = Files.readString(node.root().resolve("etc/vigil/vigil.env"));
            var newer = rebuildAs(deb, dir, "+it1");
            Files.copy(newer.deb(), node.root().resolve("root/vigil-newer.deb"));
            node.ok("dpkg", "-i", "/root/vigil-newer.deb");
            assertThat(node.ok("dpkg-query", "-W", "-f", "${Version}", "vigil")).isEqualTo(newer.version());
            assertThat(Files.readString(node.root().resolve("etc/vigil/vigil.env"))).isEqualTo(envBefore);
            assertThat(Files.readString(node.root().resolve("etc/vigil/cluster.yaml"))).isEqualTo(CLUSTER);
            assertThat(Files.exists(node.root().resolve("etc/vigil/authkey"))).isTrue();
            awaitSocket(node);
            assertThat(show(node, "ActiveState")).isEqualTo("active");
            assertThat(show(node, "MainPID")).as("try-restart on upgrade").isNotEqualTo(pidBefore);
            awaitResourceRunning(node);
            assertThat(node.ok("cat", "/proc/" + show(node, "MainPID") + "/cmdline").replace('\0', ' ')).contains("--no-realtime");

            // A stop stops the resources first (systemctl waits for the agent), and is clean: the
            // JVM's exit on SIGTERM is not a failure.
            node.ok("systemctl", "stop", "vigil-agent.service");
            assertThat(node.root().resolve("var/tmp/marker")).as("the resource was stopped with the agent").doesNotExist();
            assertThat(show(node, "Result")).isEqualTo("success");
        }
    }

    /** The architecture in the package's file name, vigil_VERSION_ARCH.deb. */
    private static String arch(Path deb) {
        var name = deb.getFileName().toString();
        return name.substring(name.lastIndexOf('_') + 1, name.length() - ".deb".length());
    }

    private static String show(BareNode node, String property) throws IOException {
        return node.ok("systemctl", "show", "-P", property, "vigil-agent.service").strip();
    }

    /** The agent started the marker resource (its script's file is there). */
    private static void awaitResourceRunning(BareNode node) throws InterruptedException {
        var marker = node.root().resolve("var/tmp/marker");
        long deadline = System.nanoTime() + AGENT_UP.toNanos();
        while (!Files.exists(marker) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(marker).as("the resource started by the agent").exists();
    }

    /** The agent's control socket; bounded by the agent's start (a JVM, a few seconds here). */
    private static void awaitSocket(BareNode node) throws IOException, InterruptedException {
        // /run is the node's own tmpfs: looked at from inside.
        long deadline = System.nanoTime() + AGENT_UP.toNanos();
        boolean there;
        while (!(there = node.run("test", "-S", "/run/vigil/it-node1.sock").exit() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(there).as("agent socket; journal:\n%s",
                node.run("journalctl", "-u", "vigil-agent.service", "--no-pager", "-n", "30").stdout()).isTrue();
    }

    record Rebuilt(Path deb, String version) {}

    /** The same package under a higher version (dpkg orders {@code 0.1.0~snapshot+it1} after {@code 0.1.0~snapshot}). */
    private static Rebuilt rebuildAs(Path deb, Path dir, String suffix) throws IOException {
        var tree = dir.resolve("newer");
        run("dpkg-deb", "-R", deb.toString(), tree.toString());
        var control = tree.resolve("DEBIAN/control");
        var text = Files.readString(control);
        var version = text.lines().filter(l -> l.startsWith("Version: ")).findFirst().orElseThrow().substring(9) + suffix;
        Files.writeString(control, text.replaceFirst("(?m)^Version: .*$", "Version: " + version));
        var out = dir.resolve("vigil-newer.deb");
        run("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), out.toString());
        return new Rebuilt(out, version);
    }

    private static void run(String... cmd) throws IOException {
        var r = Commands.run(List.of(cmd), null, Duration.ofMinutes(2));
        assertThat(r.exit()).as("%s: %s", String.join(" ", cmd), r.all()).isZero();
    }
}
