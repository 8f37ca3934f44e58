package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import dev.vigil.control.StatusReport;
import dev.vigil.wizard.NewClusterAnswers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The new-cluster wizard's run on the SSH bed: two nodes with sshd and Vigil (the distribution,
 * which the nodes see) but no cluster file, key or agent; the wizard's answers made into its
 * cluster file and inventory (as its page does), then the recipe applied over SSH with the
 * values the wizard gives it: the key made once on the operator's side (0600) and the same on
 * both nodes (0600), the agents started, and the apply done only when each node sees the other —
 * checked again from each agent's own status afterwards.
 */
@Tag("integration")
class NewClusterBedIT {
    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(4);

    private PlaybookBed pb;
    private Path dir;
    private Path logDir;

    @BeforeEach
    void checkHost(TestInfo info) throws Exception {
        var why = PlaybookBed.whyUnavailable();
        assumeTrue(why.isEmpty(), () -> "skipping the new-cluster wizard on the SSH bed: " + why.orElse(""));
        assumeTrue(Files.isRegularFile(VigilHome.home().resolve("playbooks/new-cluster/playbook.yaml")), "no distribution");
        logDir = Path.of("target/playbook-it", info.getTestMethod().orElseThrow().getName()).toAbsolutePath();
        dir = Files.createTempDirectory("vnc");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (pb != null) {
            // the agents the recipe started are the nodes' own processes: killed with the node, by PID
            for (var n : pb.bed().nodes()) pb.killNode(n);
        }
        PlaybookBed.tearDown(pb, dir, logDir);
    }

    @Test
    void twoNodesFromNothingToSeeingEachOther() throws Exception {
        pb = PlaybookBed.up(2, false, dir);
        var bed = pb.bed();
        var answers = new LinkedHashMap<String, String>();
        answers.put("cluster", PlaybookBed.CLUSTER);
        answers.put("node_count", "2");
        for (int i = 1; i <= 2; i++) {
            var n = bed.nodes().get(i - 1);
            answers.put("node" + i + "_name", n);
            answers.put("node" + i + "_address", bed.address(n));
        }
        answers.put("timing", "lan");
        answers.put("two_node_unsafe", "true");
        var recipe = VigilHome.home().resolve("playbooks/new-cluster/playbook.yaml");
        var values = NewClusterAnswers.write(answers, dir.resolve("saved"), recipe);
        Path made = dir.resolve("saved/cluster-" + PlaybookBed.CLUSTER);
        assertThat(Files.readString(made.resolve("cluster.yaml"))).contains("policy: {two_node_unsafe: true}");

        var vars = new StringBuilder();
        values.forEach((k, v) -> vars.append(k).append(": \"").append(k.equals("vigil") ? VigilHome.launcher().toString() : v).append("\"\n"));
        Path varsFile = dir.resolve("vars.yaml");
        Files.writeString(varsFile, vars.toString());
        var args = new ArrayList<>(List.of("playbook", "apply", recipe.toString(), "--vars", varsFile.toString(),
                "--config", made.resolve("cluster.yaml").toString(), "--inventory", made.resolve("inventory.yaml").toString()));
        long t0 = System.nanoTime();
        var r = pb.vigil(CLI_TIMEOUT, args);
        Files.createDirectories(logDir);
        Files.writeString(logDir.resolve("apply.log"), r.all());
        assertThat(r.exit()).as("vigil %s:%n%s", String.join(" ", args), r.all()).isZero();
        System.out.printf("new-cluster apply on 2 bed nodes: %d ms%n", Duration.ofNanos(System.nanoTime() - t0).toMillis());

        assertThat(Files.getPosixFilePermissions(made.resolve("authkey"))).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
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
        // a plan now: the key, the file and the agents are as wanted
        var plan = new ArrayList<>(args);
        plan.set(1, "plan");
        plan.add("--json");
        var p = pb.vigil(CLI_TIMEOUT, plan);
        assertThat(p.exit()).as(p.all()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.stdout()).get("changed").asInt())
                .as("what a plan on the running cluster would change: %s", p.stdout()).isZero();
    }
}
