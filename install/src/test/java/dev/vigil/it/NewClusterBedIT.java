package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.control.StatusReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The new-cluster wizard typed through the console on the SSH bed: two nodes with sshd and Vigil
 * (the distribution, which the nodes see) but no cluster file, key or agent; {@code vigil console}
 * in the bed's client namespace ({@link BedConsole}) and an admin logged in with the real OpenSSH
 * client in tmux at 80x24. The form answered key by key (the loader's two-node refusal seen on
 * screen first, then the unsafe mode chosen), the files reviewed and written, the recipe's own
 * wizard planned and applied: the key made once on the operator's side (0600) and the same on both
 * nodes (0600), the agents started, and the apply done only when each node sees the other —
 * checked again from each agent's own status afterwards; then the saved command line, run from
 * the CLI as a plan, changes nothing.
 */
@Tag("integration")
class NewClusterBedIT {
    static final String ADMIN = "adam";
    /** The port the wizard types for its unicast link (the form's default is 694). */
    static final String UDP_PORT = "6940";
    /**
     * A plan or an apply over SSH on two nodes: connecting, facts, each step within its own timeout
     * (60 s by default), the recipe's join wait within its {@code join_timeout} (60 s).
     */
    private static final Duration RUN = Duration.ofMinutes(3);
    /** The recipe's summary page, as the breadcrumb shows it at 80 columns (cut after "summary"). */
    private static final String SUMMARY = "> new-cluster: summary";
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(4);

    private PlaybookBed pb;
    private BedConsole console;
    private Path dir;
    private Path logDir;

    @BeforeEach
    void checkHost(TestInfo info) throws Exception {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the new-cluster wizard on the SSH bed: " + why.orElse(""));
        assumeTrue(Files.isRegularFile(VigilHome.home().resolve("playbooks/new-cluster/playbook.yaml")), "no distribution");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "skipping: the new-cluster wizard's bed test needs tmux");
        logDir = Path.of("target/playbook-it", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        dir = Files.createTempDirectory("vnc");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (console != null) console.close();
        } finally {
            if (pb != null) {
                // the agents the recipe started are the nodes' own processes: killed with the node, by PID
                for (var n : pb.bed().nodes()) pb.killNode(n);
            }
            PlaybookBed.tearDown(pb, dir, logDir);
        }
    }

    @Test
    void twoNodesFromNothingToSeeingEachOtherTypedThroughTheConsole() throws Exception {
        long t0 = System.nanoTime();
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var recipes = Files.createDirectories(dir.resolve("recipes"));
        Commands.run(List.of("cp", "-r", VigilHome.home().resolve("playbooks/new-cluster").toString(), recipes.toString()), null,
                Duration.ofSeconds(10));
        console = new BedConsole(pb, dir, recipes, Map.of(ADMIN, "admin"));
        console.login(ADMIN);

        // the catalogue (one recipe), the wizard's own form
        console.keys(ADMIN, "w");
        console.awaitScreen(ADMIN, "Recipes in ");
        console.keys(ADMIN, "Home", "Enter");
        console.awaitScreen(ADMIN, "new-cluster: the cluster (1/6)");
        console.type(ADMIN, PlaybookBed.CLUSTER);
        console.keys(ADMIN, "Down");
        console.replace(ADMIN, "2");
        for (int i = 1; i <= 2; i++) {
            var n = bed.nodes().get(i - 1);
            console.keys(ADMIN, "Down");
            console.awaitScreen(ADMIN, "> node" + i + "_name");
            console.type(ADMIN, n);
            console.keys(ADMIN, "Down");
            console.type(ADMIN, bed.address(n));
            console.keys(ADMIN, "Down", "Down"); // ssh_user root, ssh_port 22: the defaults
        }
        console.keys(ADMIN, "Down");
        console.awaitScreen(ADMIN, "> timing");
        console.keys(ADMIN, "Right"); // lan, the default, to fast: the bed's clusters' timing
        console.awaitScreen(ADMIN, "< fast >");
        console.keys(ADMIN, "Down", "Down"); // unicast on (the default), its port
        console.awaitScreen(ADMIN, "> unicast_port");
        console.replace(ADMIN, UDP_PORT);
        // multicast, broadcast, serial, fencing, ping_target left off; two_node_unsafe left "false"
        console.keys(ADMIN, "Down", "Down", "Down", "Down", "Down", "Down");
        console.awaitScreen(ADMIN, "> two_node_unsafe");
        assertThat(console.screen(ADMIN)).doesNotContain("! ");

        // two nodes with neither fencing, a ping target nor the unsafe mode: the loader's refusal
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, "this cluster has 2 votes");
        assertThat(console.screen(ADMIN)).contains("! cluster.yaml:").contains("new-cluster: the cluster (1/6)");
        console.keys(ADMIN, "Space");
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, "new-cluster: review the files (2/6)");
        assertThat(console.screen(ADMIN)).contains("cluster: " + PlaybookBed.CLUSTER);
        Path made = console.saved().resolve("cluster-" + PlaybookBed.CLUSTER);
        assertThat(made).as("nothing written before the review's Enter").doesNotExist();
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, SUMMARY);
        assertThat(Files.readString(made.resolve("cluster.yaml"))).contains("policy: {two_node_unsafe: true}")
                .contains("timing: {preset: fast}").contains("port: " + UDP_PORT)
                .contains("{name: " + bed.nodes().get(1) + ", address: " + bed.address(bed.nodes().get(1)) + "}");

        // the recipe's own form: the vigil command where the bed's nodes have it (not /usr/bin/vigil)
        console.keys(ADMIN, "b", "Up", "Up", "Up", "Up", "Up");
        console.awaitScreen(ADMIN, "> cluster_file");
        console.keys(ADMIN, "Down", "Down", "Down");
        console.awaitScreen(ADMIN, "> vigil");
        console.replace(ADMIN, VigilHome.launcher().toString());
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, SUMMARY);
        long summary = System.nanoTime();
        console.keys(ADMIN, "Enter");
        console.awaitScreen(ADMIN, "nothing has been changed yet", RUN);
        log("the plan on screen %d ms after the summary's Enter", (System.nanoTime() - summary) / 1_000_000);
        console.keys(ADMIN, "a");
        console.awaitScreen(ADMIN, "[y/N]");
        long applyStart = System.nanoTime();
        console.keys(ADMIN, "y");
        console.awaitScreen(ADMIN, "Done: a new cluster", RUN);
        log("applied in %d ms (%d ms since start)", (System.nanoTime() - applyStart) / 1_000_000, (System.nanoTime() - t0) / 1_000_000);

        assertThat(Files.getPosixFilePermissions(made.resolve("authkey"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String key = Files.readString(made.resolve("authkey"));
        for (var n : bed.nodes()) {
            var onNode = pb.ssh(n, Duration.ofSeconds(30), "stat -c %a /etc/vigil/authkey; cat /etc/vigil/authkey");
            assertThat(onNode.exit()).isZero();
            assertThat(onNode.stdout()).isEqualTo("600\n" + key);
        }
        // the apply waited for it; each agent says so itself
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (var n : bed.nodes()) {
                StatusReport s = pb.status(n).orElseThrow();
                assertThat(s.members()).as("members seen by %s", n).containsExactlyInAnyOrderElementsOf(bed.nodes());
            }
        });
        assertThat(Files.readString(console.auditLog())).contains(ADMIN).contains("recipe-apply-key");

        // the saved command line, from a shell, as a plan: the key, the file and the agents are as wanted
        var runs = console.savedRuns().stream().filter(p -> p.getFileName().toString().startsWith("new-cluster-")).toList();
        assertThat(runs).as("saved runs").hasSize(1);
        var vars = Files.readString(runs.get(0).resolve("vars.yaml"));
        assertThat(vars).contains("cluster_file: \"" + made.resolve("cluster.yaml").toAbsolutePath() + "\"");
        String repeat = vars.lines().filter(l -> l.startsWith("# repeat with: ")).findFirst().orElseThrow().substring("# repeat with: ".length());
        var words = List.of(repeat.split(" "));
        assertThat(words.subList(0, 3)).as("the saved command line: %s", repeat).containsExactly("vigil", "playbook", "apply");
        assertThat(repeat).contains("--config " + made.resolve("cluster.yaml").toAbsolutePath())
                .contains("--inventory " + made.resolve("inventory.yaml").toAbsolutePath());
        var plan = new ArrayList<>(words.subList(1, words.size()));
        plan.set(1, "plan");
        plan.add("--json");
        var p = pb.vigil(CLI_TIMEOUT, plan);
        assertThat(p.exit()).as(p.all()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.stdout()).get("changed").asInt())
                .as("what a plan on the running cluster would change: %s", p.stdout()).isZero();
        log("all but the teardown: %d ms", (System.nanoTime() - t0) / 1_000_000);
    }

    private static void log(String format, Object... args) {
        System.out.println("NewClusterBedIT: " + String.format(format, args));
    }
}
