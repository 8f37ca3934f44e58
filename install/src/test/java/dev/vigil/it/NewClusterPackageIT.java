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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The new-cluster wizard on installed nodes: two bare Debian nodes ({@link BareNode}s booted with
 * systemd in the namespaces of a {@link NetnsBed}) with the Debian package installed by
 * {@code dpkg -i} but no cluster file, so its {@code vigil-agent.service} is enabled and not
 * running; {@code vigil console} in the operator's namespace ({@link BedConsole}) and an admin
 * typing the wizard through the real OpenSSH client in tmux at 80x24 (the nodes' host keys known
 * beforehand, as the wizard requires): the form, the review (which says the package's unit is
 * used where it is installed), the recipe's plan and apply. The agents then run under systemd
 * (the unit's main process, not a background one), enabled at boot, and each sees the other; the
 * saved command line, run from a shell as a plan, changes nothing.
 */
@Tag("integration")
class NewClusterPackageIT {
    private static final List<String> NODES = List.of("n1", "n2");
    private static final String CLUSTER = "pkg";
    private static final String ADMIN = "adam";
    /** The apply: facts, each step within its timeout (60 s), the join wait within join_timeout below. */
    private static final Duration RUN = Duration.ofMinutes(4);
    private BedConsole console;

    @AfterEach
    void closeConsole() {
        if (console != null) console.close();
    }

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

                // The wizard typed through the console, from the operator's namespace, by an admin.
                var recipes = Files.createDirectories(dir.resolve("recipes"));
                ok(Commands.run(List.of("cp", "-r", VigilHome.home().resolve("playbooks/new-cluster").toString(), recipes.toString()),
                        null, Duration.ofSeconds(10)));
                // no cluster yet: no cluster file of the console's, no agent for it to follow
                console = new BedConsole(bed.namespace("op"), home, dir.resolve("none/cluster.yaml"), dir.resolve("none/agent.sock"),
                        dir, recipes, Map.of(ADMIN, "admin"));
                console.login(ADMIN);
                typeTheWizard(bed);
                long apply = System.nanoTime();
                console.keys(ADMIN, "y");
                console.awaitScreen(ADMIN, "Done: a new cluster", RUN);
                log("applied in %d ms", since(apply));
                var made = console.saved().resolve("cluster-" + CLUSTER);
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

                // The saved command line, from a shell, as a plan: nothing would change, the agents are the units.
                var runs = console.savedRuns().stream().filter(p -> p.getFileName().toString().startsWith("new-cluster-")).toList();
                assertThat(runs).as("saved runs").hasSize(1);
                String repeat = Files.readString(runs.get(0).resolve("vars.yaml")).lines().filter(l -> l.startsWith("# repeat with: "))
                        .findFirst().orElseThrow().substring("# repeat with: ".length());
                var words = new ArrayList<>(List.of(repeat.split(" ")));
                assertThat(words.subList(0, 3)).as("the saved command line: %s", repeat).containsExactly("vigil", "playbook", "apply");
                words.set(2, "plan");
                words.add("--json");
                var plan = vigil(bed, home, words.subList(1, words.size()).toArray(String[]::new));
                assertThat(plan.exit()).as(plan.all()).isZero();
                assertThat(new ObjectMapper().readTree(plan.stdout()).path("changed").asInt(-1)).as(plan.stdout()).isZero();
                assertThat(Files.readString(console.auditLog())).contains(ADMIN).contains("recipe-apply-key");
                log("all but the teardown: %d ms", since(t0));
            } finally {
                if (console != null) console.close();
                console = null;
                nodes.forEach(BareNode::close);
            }
        }
    }

    /**
     * {@code w}, the new-cluster recipe, its form: the cluster's name, 2 nodes with their names and
     * addresses (SSH as root on 22, the defaults), the {@code fast} preset, unicast on 694 (the
     * default), {@code two_node_unsafe}; the review, the recipe's summary ({@code vigil} is
     * /usr/bin/vigil, the package's, by default), the plan, {@code a}: the confirmation on screen.
     */
    private void typeTheWizard(NetnsBed bed) throws IOException {
        console.keys(ADMIN, "w");
        console.awaitScreen(ADMIN, "Recipes in ");
        console.keys(ADMIN, "Home", "Enter");
        console.awaitScreen(ADMIN, "new-cluster: the cluster (1/6)");
        console.type(ADMIN, CLUSTER);
        console.keys(ADMIN, "Down");
        console.replace(ADMIN, "2");
        for (int i = 1; i <= 2; i++) {
            var n = NODES.get(i - 1);
            console.keys(ADMIN, "Down");
            console.awaitScreen(ADMIN, "> node" + i + "_name");
            console.type(ADMIN, n);
            console.keys(ADMIN, "Down");
            console.type(ADMIN, bed.address(n));
            console.keys(ADMIN, "Down", "Down");
        }
        console.keys(ADMIN, "Down");
        console.awaitScreen(ADMIN, "> timing");
        console.keys(ADMIN, "Right");
        console.awaitScreen(ADMIN, "< fast >");
        // unicast (on, port 694), multicast, broadcast, serial, fencing, ping_target: as they are
        console.keys(ADMIN, "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Down");
        console.awaitScreen(ADMIN, "> two_node_unsafe");
        console.keys(ADMIN, "Space", "Enter");
        console.awaitScreen(ADMIN, "new-cluster: review the files (2/6)");
        assertThat(console.screen(ADMIN)).contains("vigil-agent.service");
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, "> new-cluster: summary"); // the breadcrumb, cut at 80 columns
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, "nothing has been changed yet", RUN);
        console.keys(ADMIN, "a");
        console.awaitScreen(ADMIN, "[y/N]");
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
