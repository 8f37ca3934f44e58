package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new-cluster recipe on installed nodes: two bare Debian nodes ({@link BareNode}s booted with
 * systemd in the namespaces of a {@link NetnsBed}) with the Debian package installed by
 * {@code dpkg -i} but no cluster file, so its {@code vigil-agent.service} is enabled and not
 * running; the recipe applied from the operator's namespace as the wizard saves it
 * ({@code vigil playbook apply playbooks/new-cluster/playbook.yaml --vars F --config F --inventory F},
 * the nodes' host keys known beforehand, as the wizard requires). The agents then run under
 * systemd (the unit, not a background process), enabled at boot, and each sees the other; a plan
 * of the same run afterwards changes nothing.
 */
@Tag("integration")
class NewClusterPackageIT {
    private static final List<String> NODES = List.of("n1", "n2");
    /** The apply: facts, each step within its timeout (60 s), the join wait within join_timeout below. */
    private static final Duration RUN = Duration.ofMinutes(4);
    /** As the wizard writes it; two nodes with the unsafe mode chosen (no fencing on these nodes). */
    private static final String CLUSTER = """
            # cluster file made by the console's new-cluster wizard
            cluster: pkg
            auth: {keyfile: /etc/vigil/authkey}
            timing: {preset: fast}
            nodes:
              - {name: n1, address: ${n1}}
              - {name: n2, address: ${n2}}
            links:
              - {type: udp, mode: unicast, port: 694}
            policy: {two_node_unsafe: true}
            """;

    @Test
    void theAgentsRunAsThePackagesUnitAndSeeEachOther(@TempDir Path dir) throws Exception {
        var why = BareNode.whyUnavailable().or(NetnsBed::whyUnavailable);
        assumeTrue(why.isEmpty(), () -> "skipping: " + why.orElse(""));
        Path deb;
        try (var files = Files.list(VigilHome.home().getParent())) {
            var found = files.filter(p -> p.getFileName().toString().matches("vigil_.+_.+\\.deb")).findFirst();
            assumeTrue(found.isPresent(), "skipping: no Debian package beside the distribution (./mvnw package builds it)");
            deb = found.get();
        }
        long t0 = System.nanoTime();
        // The operator's home: the key that reaches the nodes and their known host keys (no ssh-agent).
        var home = Files.createDirectories(dir.resolve("home"));
        var ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        var key = ssh.resolve("id_ed25519");
        ok(Commands.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), null, Duration.ofSeconds(30)));
        try (var bed = NetnsBed.withNodes(2)) {
            bed.addHost("op", 100);
            var nodes = new ArrayList<BareNode>();
            try {
                var knownHosts = new StringBuilder();
                for (var n : NODES) {
                    var node = BareNode.boot(VigilHome.home(), dir, n, Optional.of(bed.namespace(n)));
                    nodes.add(node);
                    node.ok("mkdir", "-m", "700", "-p", "/root/.ssh");
                    node.write("/root/.ssh/authorized_keys", Files.readString(Path.of(key + ".pub")), "0600");
                    node.ok("systemctl", "start", "ssh.service");
                    var hostKey = Files.readString(node.root().resolve("etc/ssh/ssh_host_ed25519_key.pub")).split(" ");
                    knownHosts.append(bed.address(n)).append(' ').append(hostKey[0]).append(' ').append(hostKey[1]).append('\n');
                    Files.copy(deb, node.root().resolve("root/vigil.deb"));
                    node.ok("dpkg", "-i", "/root/vigil.deb");
                    // Installed, enabled, and down: no cluster file yet.
                    assertThat(node.ok("systemctl", "is-enabled", "vigil-agent.service").strip()).isEqualTo("enabled");
                    assertThat(node.run("systemctl", "is-active", "vigil-agent.service").stdout().strip()).isEqualTo("inactive");
                }
                Files.writeString(ssh.resolve("known_hosts"), knownHosts);
                log("2 nodes booted, the package installed: %d ms", since(t0));

                // What the wizard saves: the cluster file, its inventory, the answers.
                var made = Files.createDirectories(dir.resolve("cluster-pkg"));
                var cluster = Files.writeString(made.resolve("cluster.yaml"),
                        CLUSTER.replace("${n1}", bed.address("n1")).replace("${n2}", bed.address("n2")));
                var inventory = new StringBuilder("# how the new-cluster wizard reaches the nodes (vigil playbook --inventory)\nhosts:\n");
                for (var n : NODES) {
                    inventory.append("  ").append(n).append(": {address: ").append(bed.address(n)).append(", ssh: {user: root, port: 22}}\n");
                }
                var inv = Files.writeString(made.resolve("inventory.yaml"), inventory.toString());
                var vars = Files.writeString(dir.resolve("vars.yaml"), """
                        cluster_file: "%s"
                        key_file: "%s"
                        members: "n1 n2"
                        vigil: "/usr/bin/vigil"
                        join_timeout: "60s"
                        """.formatted(cluster, made.resolve("authkey")));
                var playbook = VigilHome.home().resolve("playbooks/new-cluster/playbook.yaml").toString();

                long apply = System.nanoTime();
                var applied = vigil(bed, home, "playbook", "apply", playbook, "--vars", vars.toString(), "--config", cluster.toString(),
                        "--inventory", inv.toString());
                log("applied in %d ms", since(apply));
                assertThat(applied.exit()).as(applied.all()).isZero();

                String operatorKey = Files.readString(made.resolve("authkey"));
                for (var node : nodes) {
                    String n = node.name();
                    assertThat(node.ok("systemctl", "is-active", "vigil-agent.service").strip()).as("the unit on %s", n).isEqualTo("active");
                    assertThat(node.ok("systemctl", "is-enabled", "vigil-agent.service").strip()).isEqualTo("enabled");
                    // the agent is the unit's main process, not a background one the recipe started beside it
                    long mainPid = Long.parseLong(node.ok("systemctl", "show", "-P", "MainPID", "vigil-agent.service").strip());
                    String agents = node.ok("pgrep", "-f", "dev.vigil.cli.VigilCommand agent ");
                    assertThat(agents.strip().lines().map(Long::parseLong).toList()).as("agent processes on %s", n).containsExactly(mainPid);
                    assertThat(Files.readString(node.root().resolve("etc/vigil/vigil.env"))).contains("VIGIL_AGENT_OPTS=--node " + n + "\n");
                    assertThat(Files.readString(node.root().resolve("etc/vigil/authkey"))).isEqualTo(operatorKey);
                    var status = new ObjectMapper().readTree(node.ok("vigil", "status", "--json", "--node", n));
                    var members = new ArrayList<String>();
                    status.path("members").forEach(m -> members.add(m.asText()));
                    assertThat(members).as("members seen by %s: %s", n, status).containsExactlyInAnyOrderElementsOf(NODES);
                }

                // The same run again, as a plan: nothing would change, the agents are the units.
                var plan = vigil(bed, home, "playbook", "plan", playbook, "--vars", vars.toString(), "--config", cluster.toString(),
                        "--inventory", inv.toString(), "--json");
                assertThat(plan.exit()).as(plan.all()).isZero();
                assertThat(new ObjectMapper().readTree(plan.stdout()).path("changed").asInt(-1)).as(plan.stdout()).isZero();
                log("all but the teardown: %d ms", since(t0));
            } finally {
                nodes.forEach(BareNode::close);
            }
        }
    }

    /** {@code vigil ARGS} from the operator's namespace, its home {@code home} (no ssh-agent). */
    private static Commands.Result vigil(NetnsBed bed, Path home, String... args) throws IOException {
        var cmd = new ArrayList<>(bed.execPrefix("op"));
        cmd.addAll(List.of("env", "-u", "SSH_AUTH_SOCK", "HOME=" + home, "JAVA_TOOL_OPTIONS=-Duser.home=" + home,
                VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, null, RUN, true);
    }

    private static void ok(Commands.Result r) {
        assertThat(r.exit()).as(r.all()).isZero();
    }

    private static long since(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void log(String format, Object... args) {
        System.out.println("NewClusterPackageIT: " + String.format(format, args));
    }
}
