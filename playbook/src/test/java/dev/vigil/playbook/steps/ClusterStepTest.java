package dev.vigil.playbook.steps;


import dev.vigil.config.ConfigLoader;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code cluster} step on the local host: the merge rules, the agent's validation, plan
 * writing nothing, idempotence, and the agent side ({@code vigil status --json} and {@code vigil
 * config apply}) through a stand-in {@code vigil} script that answers with recorded status
 * documents of the shape docs/cli.md gives (the real agent is exercised by the console's
 * PlaybookClusterStepIT).
 */
class ClusterStepTest {
    @TempDir
    Path dir;

    Path file;
    Path vigil;
    final Host host = new LocalHost("ha1");

    static final String CLUSTER = """
            # the test cluster; this comment must survive a merge
            cluster: web
            auth: {keyfile: /etc/vigil/authkey}   # the key lives on the nodes
            nodes:
              - {name: ha1, address: 127.0.0.1}
              - {name: ha2, address: 127.0.0.2}
            links:
              - {type: udp, mode: unicast, port: 694}
            control: {socket_dir: run}

            # resources below, also kept
            resources:
              - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: 10.0.0.46, cidr_netmask: 24}}
              - {id: web, agent: "ocf:vigil:apache", params: {configfile: /etc/apache2/apache2.conf, version: 1.10}}
            policy: {two_node_unsafe: true, stickiness: 0}
            """;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("cluster.yaml");
        Files.writeString(file, CLUSTER);
        vigil = dir.resolve("vigil");
        // Answers `status` with status.json and status.rc; logs `config apply` to applied.log.
        Files.writeString(vigil, """
                #!/bin/sh
                d=$(dirname "$0")
                case "$1" in
                  status) echo status >> "$d/asked.log"; [ -f "$d/status.json" ] && cat "$d/status.json"; exit $(cat "$d/status.rc" 2>/dev/null || echo 3) ;;
                  config) echo "$@" >> "$d/applied.log"; exit $(cat "$d/apply.rc" 2>/dev/null || echo 0) ;;
                esac
                exit 2
                """);
        Files.setPosixFilePermissions(vigil, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The agent's socket where the file says (control.socket_dir, relative to it), as a running agent has it. */
    private java.nio.channels.ServerSocketChannel agentSocket;

    private void agentAnswers(String recorded) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(recorded)) {
            Files.write(dir.resolve("status.json"), in.readAllBytes());
        }
        Files.writeString(dir.resolve("status.rc"), "0");
        if (agentSocket == null) {
            Files.createDirectories(dir.resolve("run"));
            agentSocket = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
            agentSocket.bind(java.net.UnixDomainSocketAddress.of(dir.resolve("run/web-ha1.sock")));
        }
    }

    @org.junit.jupiter.api.AfterEach
    void closeAgentSocket() throws IOException {
        if (agentSocket != null) agentSocket.close();
    }

    @Test
    void withoutTheAgentsSocketNoAgentIsAskedAndTheFileIsOnlyWritten() throws Exception {
        var o = run("ping: [10.0.0.1]\n", true);
        assertThat(o.changed()).isTrue();
        assertThat(Files.readString(file)).contains("ping: [10.0.0.1]");
        assertThat(dir.resolve("asked.log")).as("vigil status, a JVM on the host, was not started").doesNotExist();
        assertThat(dir.resolve("applied.log")).doesNotExist();
    }

    private Step.Outcome run(String content, boolean apply, String... more) throws Exception {
        var p = new HashMap<String, String>();
        p.put("file", file.toString());
        p.put("content", content);
        p.put("vigil", vigil.toString());
        for (int i = 0; i + 1 < more.length; i += 2) p.put(more[i], more[i + 1]);
        return Step.of("cluster").run(host, p, apply, new Step.Context(dir, Map.of(), Step.FileWatcher.NONE));
    }

    @Test
    void theTestClusterIsValidAwayFromItsNodesButNotWhereTheKeyIsMissing() {
        assertThat(ConfigLoader.checkAwayFromNodes(CLUSTER, file)).isEmpty();
        assertThat(ConfigLoader.check(file)).singleElement().asString().contains("key file /etc/vigil/authkey");
    }

    @Test
    void aSerialLinkIsAppendedThenReplacedByItsTwoNodesTheOtherLinksKeepTheirPlace() throws Exception {
        var o = run("links:\n  - {type: serial, between: [ha1, ha2], device: {ha1: /dev/ttyS0, ha2: /dev/ttyUSB0}, baud: 19200}\n",
                true, "apply", "never");
        assertThat(o.message()).contains("merged links, version 2");
        var links = ClusterFileMerge.treeOf(Files.readString(file)).get("links").toString();
        assertThat(links).containsSubsequence("unicast", "serial", "ttyUSB0", "19200");
        assertThat(Files.readString(file)).contains("# resources below, also kept");
        // the same cable named from the other end, at another rate: replaced where it stands, not added
        run("links:\n  - {type: serial, between: [ha2, ha1], device: /dev/ttyS1, baud: 9600}\n", true, "apply", "never");
        var again = (java.util.List<?>) ClusterFileMerge.treeOf(Files.readString(file)).get("links");
        assertThat(again).hasSize(2);
        assertThat(again.get(0).toString()).contains("unicast");
        assertThat(again.get(1).toString()).contains("ttyS1").contains("9600").doesNotContain("19200");
        assertThat(ConfigLoader.checkAwayFromNodes(Files.readString(file), file)).isEmpty();
        // applied again: nothing to do
        assertThat(run("links:\n  - {type: serial, between: [ha2, ha1], device: /dev/ttyS1, baud: 9600}\n", true, "apply", "never")
                .changed()).isFalse();
        assertThat(ClusterFileMerge.fragmentProblem("links:\n  - {type: serial, device: /dev/ttyS0}\n")).get().asString()
                .contains("`between`");
    }

    @Test
    void aSameIdIsReplacedWhereItStandsANewIdAppendedPolicyKeysMergedPingReplaced() throws Exception {
        var o = run("""
                resources:
                  - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: 10.0.0.47, cidr_netmask: 24}}
                  - {id: db, agent: "lsb:postgresql"}
                groups:
                  - {id: www, members: [vip, web]}
                policy: {auto_failback: false}
                ping: [10.0.0.1]
                """, true, "apply", "never");
        assertThat(o.changed()).isTrue();
        assertThat(o.message()).contains("merged resources, groups, policy, ping, version 2").contains("not applied (apply: never)");
        var tree = ClusterFileMerge.treeOf(Files.readString(file));
        assertThat(tree.get("resources").toString()).containsSubsequence("vip", "10.0.0.47", "web", "1.10", "db");
        assertThat(((java.util.List<?>) tree.get("resources"))).hasSize(3);
        assertThat(tree.get("policy").toString()).contains("two_node_unsafe", "stickiness", "auto_failback");
        assertThat(tree.get("version").toString()).contains("2");
        String text = Files.readString(file);
        assertThat(text).startsWith("# the test cluster; this comment must survive a merge\ncluster: web\nversion: 2\n")
                .contains("auth: {keyfile: /etc/vigil/authkey}   # the key lives on the nodes\n")
                .contains("# resources below, also kept\nresources:\n  - {id: vip,")
                .contains("version: 1.10") // as written, not 1.1
                .endsWith("groups:\n  - {id: www, members: [vip, web]}\nping: [10.0.0.1]\n");
        assertThat(ConfigLoader.checkAwayFromNodes(text, file)).isEmpty();
        assertThat(o.diff()).contains("-  - {id: vip, agent: \"ocf:vigil:IPaddr\", params: {ip: 10.0.0.46")
                .contains("+version: 2");

        // Idempotent: the same fragment again changes nothing, and the version stays.
        var again = run("""
                resources:
                  - {id: db, agent: "lsb:postgresql"}
                policy: {auto_failback: false}
                """, true, "apply", "never");
        assertThat(again.changed()).isFalse();
        assertThat(again.message()).contains("up to date (version 2)");
        assertThat(Files.readString(file)).isEqualTo(text);
    }

    @Test
    void planShowsTheDiffAndWritesNothing() throws Exception {
        byte[] before = Files.readAllBytes(file);
        var o = run("ping: [10.0.0.1]\n", false);
        assertThat(o.changed()).isTrue();
        assertThat(o.message()).contains("would merge ping, version 2").contains("would not apply it: no agent answers on ha1");
        assertThat(o.diff()).contains("+ping: [10.0.0.1]");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.exists(dir.resolve("applied.log"))).isFalse();
    }

    @Test
    void keysOtherThanTheMergedOnesAreAnErrorAndNothingIsWritten() throws Exception {
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> run("nodes:\n  - {name: ha3, address: 127.0.0.3}\n", true))
                .hasMessageContaining("line 1, column 1: `nodes` cannot be merged by a cluster step");
        assertThatThrownBy(() -> run("resources:\n  - {agent: \"lsb:x\"}\n", true)).hasMessageContaining("needs an `id`");
        assertThatThrownBy(() -> run("resources: [{id: a, agent: \"lsb:a\"}, {id: a, agent: \"lsb:b\"}]\n", true))
                .hasMessageContaining("names id `a` twice");
        assertThatThrownBy(() -> run("policy: [a]\n", true)).hasMessageContaining("`policy` must be a map");
        assertThatThrownBy(() -> run("resources: [\n", true)).hasMessageContaining("the fragment is not YAML");
        assertThatThrownBy(() -> run("", true)).hasMessageContaining("the fragment must be a map");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aFragmentThatMakesTheFileInvalidFailsWithTheLoadersFileLineColumnAndNothingIsWritten() throws Exception {
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> run("groups:\n  - {id: www, members: [vip, nosuch]}\n", true))
                .isInstanceOf(Step.Failure.class)
                .hasMessageContaining("the merged cluster file would be invalid, nothing written")
                // the new groups item is line 18 of the merged file (version inserted after cluster:), `nosuch` at column 30
                .hasMessageMatching("(?s).*" + java.util.regex.Pattern.quote(file.toString()) + ":18:30: unknown resource `nosuch`.*");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aMissingClusterFileIsAnErrorThatSaysWhatToDo() throws Exception {
        Files.delete(file);
        assertThatThrownBy(() -> run("ping: [10.0.0.1]\n", true)).hasMessageContaining("no cluster file " + file + " on ha1");
        // A plan cannot know whether a step before writes it (a recipe's file step does): it says so.
        var plan = run("ping: [10.0.0.1]\n", false);
        assertThat(plan.changed()).isTrue();
        assertThat(plan.message()).contains("would merge ping into " + file + ", which does not exist yet: a step before must write it");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void autoAppliesWhenAnAgentAnswersAndTheVersionGoesAboveTheRunningOne() throws Exception {
        agentAnswers("status-healthy.json"); // configVersion 4, the file says 1
        var o = run("ping: [10.0.0.1]\n", true);
        assertThat(o.message()).contains("version 5").contains("applied (" + vigil + " config apply)");
        assertThat(Files.readString(file)).contains("version: 5\n");
        assertThat(Files.readString(dir.resolve("applied.log")))
                .isEqualTo("config apply --config " + file + " --node ha1 " + file + "\n");
    }

    @Test
    void aFileUpToDateWhileTheClusterRunsAnOlderVersionIsApplied() throws Exception {
        run("ping: [10.0.0.1]\n", true, "apply", "never"); // version 2 on disk, never applied
        agentAnswers("status-healthy.json");
        Files.writeString(dir.resolve("status.json"), Files.readString(dir.resolve("status.json"))
                .replace("\"configVersion\": 4", "\"configVersion\": 1"));
        assertThat(run("ping: [10.0.0.1]\n", false).message()).contains("the cluster runs version 1: would run");
        assertThat(Files.exists(dir.resolve("applied.log"))).isFalse();
        var o = run("ping: [10.0.0.1]\n", true);
        assertThat(o.changed()).isTrue();
        assertThat(Files.readString(dir.resolve("applied.log"))).contains("config apply");
    }

    @Test
    void alwaysFailsWhenNoAgentAnswersAndNeverOnlyWrites() throws Exception {
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> run("ping: [10.0.0.1]\n", true, "apply", "always"))
                .hasMessageContaining("no agent answers on ha1").hasMessageContaining("apply: always");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        agentAnswers("status-healthy.json");
        run("ping: [10.0.0.1]\n", true, "apply", "never");
        assertThat(Files.exists(dir.resolve("applied.log"))).isFalse();
    }

    @Test
    void aFailedConfigApplyFailsTheStepAndSaysTheFileIsWritten() throws Exception {
        agentAnswers("status-healthy.json");
        Files.writeString(dir.resolve("apply.rc"), "1");
        assertThatThrownBy(() -> run("ping: [10.0.0.1]\n", true))
                .hasMessageContaining("the file is written, but `" + vigil + " config apply` failed (exit 1)");
    }

    @Test
    void refusedWhileTheClusterIsDegradedAndNothingIsWritten() throws Exception {
        byte[] before = Files.readAllBytes(file);
        agentAnswers("status-node-dead.json");
        assertThatThrownBy(() -> run("ping: [10.0.0.1]\n", false))
                .hasMessageContaining("refused: the cluster is degraded (node ha2 is dead)");
        agentAnswers("status-resource-failed.json");
        assertThatThrownBy(() -> run("ping: [10.0.0.1]\n", true))
                .hasMessageContaining("refused: the cluster is degraded (resource vip failed on ha2)");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.exists(dir.resolve("applied.log"))).isFalse();
    }

    @Test
    void theStatusParserReadsTheDocumentedShape() throws Exception {
        String healthy;
        try (InputStream in = getClass().getResourceAsStream("status-healthy.json")) {
            healthy = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        var s = ClusterStep.parseStatus("a JVM warning first\n" + healthy).orElseThrow();
        assertThat(ClusterStep.degraded(s)).isEmpty(); // failures counted but the resource is not failed now
        assertThat(s.path("configVersion").asLong()).isEqualTo(4);
        assertThat(ClusterStep.parseStatus("vigil: no agent answers")).isEmpty();
        var stopFailed = ClusterStep.parseStatus(healthy.replace("\"ha1\": \"started\"", "\"ha1\": \"stop_failed\"")
                .replace("\"state\": \"alive\", \"self\": false", "\"state\": \"late\", \"self\": false")).orElseThrow();
        assertThat(ClusterStep.degraded(stopFailed)).contains("node ha2 is late; resource vip failed to stop on ha1");
    }

    @Test
    void aFlowStyleFileIsRegeneratedWholeAndSaysSo() throws Exception {
        Files.writeString(file, "{cluster: web, auth: {keyfile: /etc/vigil/authkey}, nodes: [{name: ha1, address: 127.0.0.1},"
                + " {name: ha2, address: 127.0.0.2}], links: [{type: udp, mode: unicast, port: 694}]}\n");
        var o = run("ping: [10.0.0.1]\n", true, "apply", "never");
        assertThat(o.message()).contains("rewritten whole");
        assertThat(Files.readString(file)).startsWith("cluster: web\nversion: 2\nauth: {keyfile: /etc/vigil/authkey}\nnodes:\n"
                + "  - {name: ha1, address: 127.0.0.1}\n");
        assertThat(ConfigLoader.checkAwayFromNodes(Files.readString(file), file)).isEmpty();
    }

    @Test
    void scalarsThatLookLikeOtherTypesStayStrings() throws Exception {
        run("""
                resources:
                  - {id: vip, agent: "ocf:vigil:IPaddr", params: {ip: "10", flag: "yes", empty: "", spaced: "a b", hash: "a #b"}}
                """, true, "apply", "never");
        var tree = ClusterFileMerge.treeOf(Files.readString(file));
        var params = ((Map<?, ?>) ((java.util.List<?>) tree.get("resources")).get(0)).get("params");
        assertThat(params.toString()).contains("ip=Text[token=VALUE_STRING, text=10]", "flag=Text[token=VALUE_STRING, text=yes]",
                "empty=Text[token=VALUE_STRING, text=]", "hash=Text[token=VALUE_STRING, text=a #b]");
        assertThat(Optional.of(Files.readString(file))).get().asString().contains("ip: \"10\"");
    }
}
