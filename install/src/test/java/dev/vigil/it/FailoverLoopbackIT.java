package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real agents on 127.0.0.31/32 (fast preset, two_node_unsafe) running a group of two
 * resources with the StateFile test agent, whose state file per node and resource shows what
 * really runs where: failover on kill -9, failback, the operator verbs through the real CLI,
 * {@code vigil status --json}, and a SIGSTOPped active node stopping its resources on waking.
 *
 * <p>The executor finds non-Vigil OCF agents only under /usr/lib/ocf, so the fixture is installed
 * there under a provider named after this JVM and removed afterwards.
 */
@Tag("integration")
class FailoverLoopbackIT {
    private static StateFileAgentInstall fixture;
    private static final Duration DEADTIME = Duration.ofMillis(250); // the fast preset
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TestCluster cluster;
    private Path states;

    @BeforeAll
    static void installFixture() throws IOException {
        fixture = StateFileAgentInstall.install("vigil-it");
    }

    @AfterAll
    static void removeFixture() throws IOException {
        fixture.remove();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            // The agents are gone; stop nothing else, but leave no "services" behind either.
        }
    }

    private TestCluster start(String policy) throws Exception {
        states = Files.createDirectories(dir.resolve("services"));
        int port = 20000 + (int) ((ProcessHandle.current().pid() + 7) % 20000);
        cluster = new TestCluster(dir, """
                cluster: failover
                auth: {keyfile: KEYFILE}
                timing: {preset: fast}
                nodes:
                  - {name: ha1, address: 127.0.0.31}
                  - {name: ha2, address: 127.0.0.32}
                links:
                  - {type: udp, mode: unicast, port: %d}
                resources:
                  - {id: vip, agent: "ocf:%s:StateFile", params: {statedir: %s}, monitor: {interval: 500ms}}
                  - {id: web, agent: "ocf:%s:StateFile", params: {statedir: %s}, monitor: {interval: 500ms}}
                groups:
                  - {id: www, members: [vip, web], prefer: ha1}
                policy: {two_node_unsafe: true%s}
                """.formatted(port, fixture.provider(), states, fixture.provider(), states, policy), Map.of());
        cluster.start("ha1");
        cluster.start("ha2");
        return cluster;
    }

    private ConditionFactory eventually(String what) {
        return await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50));
    }

    /** Nodes whose state file for the resource exists. */
    private Set<String> runningOn(String resource) {
        var out = new TreeSet<String>();
        for (var n : List.of("ha1", "ha2")) {
            if (Files.exists(states.resolve("state-" + n + "-" + resource))) out.add(n);
        }
        return out;
    }

    private void awaitGroupOn(String node) {
        eventually("www on " + node).untilAsserted(() -> {
            assertThat(runningOn("vip")).as("vip\n%s", cluster.logs()).containsExactly(node);
            assertThat(runningOn("web")).as("web").containsExactly(node);
        });
    }

    private record Cli(int exit, String out, String err) {}

    private Cli vigil(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(VigilHome.launcher().toString()));
        cmd.addAll(List.of(args));
        var p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = new String(p.getInputStream().readAllBytes());
        var err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("vigil %s finished", List.of(args)).isTrue();
        return new Cli(p.exitValue(), out.strip(), err.strip());
    }

    private Cli admin(String node, String... verbAndArgs) throws Exception {
        var args = new ArrayList<>(List.of(verbAndArgs));
        args.addAll(List.of("--socket", cluster.socket(node).toString()));
        return vigil(args.toArray(String[]::new));
    }

    @Test
    void failoverFailbackAndOperatorVerbs() throws Exception {
        var c = start("");
        awaitGroupOn("ha1");

        eventually("status --json shows the group on ha1").untilAsserted(() -> {
            var status = vigil("status", "--json", "--socket", c.socket("ha2").toString());
            assertThat(status.exit()).as(status.err()).isZero();
            JsonNode r = JSON.readTree(status.out()).get("resources");
            assertThat(r.get("coordinator").asText()).isEqualTo("ha1");
            assertThat(r.get("quorate").asBoolean()).isTrue();
            assertThat(r.get("quorum").asText()).contains("2 of 2 votes");
            var rows = new ArrayList<String>();
            r.get("resources").forEach(row -> rows.add(row.get("id").asText() + "@" + row.get("runningOn")));
            assertThat(rows).containsExactly("vip@[\"ha1\"]", "web@[\"ha1\"]");
        });

        // kill -9: the agent dies, its "services" keep running, as real daemons would.
        c.kill("ha1");
        eventually("ha2 takes the group").untilAsserted(() -> {
            assertThat(runningOn("vip")).as(c.logs()).contains("ha2");
            assertThat(runningOn("web")).contains("ha2");
        });

        c.start("ha1");
        // ha1 finds its old copies on probing; one copy survives, on the preferred node.
        awaitGroupOn("ha1");

        var moved = admin("ha2", "resource", "move", "www", "ha2");
        assertThat(moved).as(c.logs()).isEqualTo(new Cli(0, "www runs on ha2", ""));
        assertThat(runningOn("vip")).containsExactly("ha2");
        assertThat(runningOn("web")).containsExactly("ha2");

        var refused = admin("ha1", "resource", "move", "www", "ha9");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("vigil: no node 'ha9'");

        var standby = admin("ha1", "node", "standby", "ha2");
        assertThat(standby).isEqualTo(new Cli(0, "ha2 is in standby and runs no resources", ""));
        assertThat(runningOn("vip")).containsExactly("ha1");
        assertThat(runningOn("web")).containsExactly("ha1");

        var online = admin("ha1", "node", "online", "ha2");
        assertThat(online).isEqualTo(new Cli(0, "ha2 is online and may run resources", ""));
        // The move still holds.
        assertThat(runningOn("web")).containsExactly("ha2");

        var cleared = admin("ha2", "resource", "clear", "www");
        assertThat(cleared).isEqualTo(new Cli(0, "temporary constraints on www removed; it runs on ha1", ""));
        assertThat(runningOn("vip")).containsExactly("ha1");
        assertThat(runningOn("web")).containsExactly("ha1");
    }

    @Test
    void anActiveNodeFrozenPastDeadtimeStopsItsResourcesWhenItWakes() throws Exception {
        var c = start(", auto_failback: false");
        awaitGroupOn("ha1");
        long pid = c.process("ha1").pid();

        long stoppedAt = System.nanoTime();
        signal("STOP", pid);
        try {
            eventually("ha2 takes the group while ha1 is frozen").untilAsserted(() -> {
                assertThat(runningOn("vip")).as(c.logs()).contains("ha2");
                assertThat(runningOn("web")).contains("ha2");
            });
            var left = DEADTIME.multipliedBy(3).minus(TestCluster.since(stoppedAt));
            if (!left.isNegative()) {
                Thread.sleep(left.toMillis()); // the freeze itself is what is under test
            }
        } finally {
            signal("CONT", pid);
        }

        eventually("ha1 stopped its copies").untilAsserted(() -> {
            assertThat(runningOn("vip")).as(c.logs()).containsExactly("ha2");
            assertThat(runningOn("web")).containsExactly("ha2");
        });
        assertThat(Files.readString(c.log("ha1"))).contains("was frozen for");
        // And it stays that way once the two meet again.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> runningOn("vip").equals(Set.of("ha2")) && runningOn("web").equals(Set.of("ha2")));
        eventually("both agree on the coordinator").untilAsserted(() -> {
            assertThat(c.status("ha2").orElseThrow().resources().coordinator()).isEqualTo("ha1");
            assertThat(c.status("ha1").orElseThrow().resources().coordinator()).isEqualTo("ha1");
        });
    }

    private static void signal(String sig, long pid) throws Exception {
        var p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("kill -%s %d", sig, pid).isTrue();
    }
}
