package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil playbook check|plan|apply} through the real command line, in a temp directory. */
class PlaybookCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @BeforeEach
    void noClusterFileByDefault() {
        // The default cluster file is $VIGIL_CONFIG's: none here, whatever this machine's /etc holds.
        noClusterFile();
    }

    @AfterEach
    void realEnvironment() {
        NodeOptions.environment = System::getenv;
    }

    private void noClusterFile() {
        NodeOptions.environment = java.util.Map.of("VIGIL_CONFIG", dir.resolve("absent/cluster.yaml").toString())::get;
    }

    private void clusterFile(Path file) {
        NodeOptions.environment = java.util.Map.of("VIGIL_CONFIG", file.toString())::get;
    }

    private Path playbook() throws Exception {
        Path pb = dir.resolve("site.yaml");
        Files.writeString(pb, """
                name: site
                hosts: local
                vars:
                  root: {type: path}
                  greeting: {type: string, default: hello}
                steps:
                  - name: page
                    file: {path: "{{root}}/index.html", content: "{{greeting}}\\n"}
                    notify: touched
                handlers:
                  - name: touched
                    command: {cmd: "echo x >> {{root}}/handled"}
                """);
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("vars.yaml"), "root: " + dir.resolve("www") + "\n");
        return pb;
    }

    @Test
    void checkPrintsEveryErrorAndExits3() throws Exception {
        Path pb = dir.resolve("bad.yaml");
        Files.writeString(pb, """
                hosts: [ha1]
                steps:
                  - fiel: {path: /x}
                """);
        assertThat(VigilCommand.run("playbook", "check", pb.toString())).isEqualTo(3);
        assertThat(io.err.toString()).contains(pb + ":1:9: unknown host or group `ha1`")
                .contains(pb + ":3:5: unknown step type `fiel`; did you mean 'file'?").contains("2 error(s)");
    }

    @Test
    void checkAcceptsAGoodPlaybook() throws Exception {
        assertThat(VigilCommand.run("playbook", "check", playbook().toString())).isZero();
        assertThat(io.out.toString()).contains("OK (1 step(s), 1 handler(s), hosts local)");
    }

    @Test
    void planWithoutARequiredVariableExits3() throws Exception {
        assertThat(VigilCommand.run("playbook", "plan", playbook().toString())).isEqualTo(3);
        assertThat(io.err.toString()).contains("variable `root` (path) has no default; give it a value with --vars FILE");
    }

    @Test
    void planApplyApplyAgain() throws Exception {
        Path pb = playbook();
        String vars = dir.resolve("vars.yaml").toString();
        assertThat(VigilCommand.run("playbook", "plan", pb.toString(), "--vars", vars)).isZero();
        assertThat(io.out.toString()).contains("local      change  page: would create it (6 bytes)")
                .contains("    +hello").contains("PLAN RECAP").contains("local : ok=0    change=2    failed=0");
        assertThat(Files.exists(dir.resolve("www/index.html"))).isFalse();
        io.out.reset();

        String state = dir.resolve("state").toString();
        assertThat(VigilCommand.run("playbook", "apply", pb.toString(), "--vars", vars, "--json", "--state-dir", state)).isZero();
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(io.out.toString());
        assertThat(tree.get("changed").asInt()).isEqualTo(2);
        assertThat(tree.get("hosts").get("local").get("changed").asInt()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("www/index.html"))).isEqualTo("hello\n");
        io.out.reset();

        assertThat(VigilCommand.run("playbook", "apply", pb.toString(), "--vars", vars, "--state-dir", state)).isZero();
        assertThat(io.out.toString()).contains("local : ok=1    changed=0    failed=0");
        assertThat(Files.readString(dir.resolve("www/handled"))).isEqualTo("x\n");
        io.out.reset();

        assertThat(VigilCommand.run("playbook", "runs", "--state-dir", state)).isZero();
        String run = tree.get("run").asText();
        assertThat(io.out.toString()).containsPattern(run + " +1 +no +" + java.util.regex.Pattern.quote(pb.toString()));
        io.out.reset();
        assertThat(VigilCommand.run("playbook", "undo", run, "--state-dir", state)).isZero();
        assertThat(io.out.toString()).contains("removed (the run created it)").contains("1 file(s) undone, 0 left alone");
        assertThat(Files.exists(dir.resolve("www/index.html"))).isFalse();
        assertThat(VigilCommand.run("playbook", "undo", run, "--state-dir", state)).isEqualTo(2);
        assertThat(io.err.toString()).contains("vigil: run " + run + " was undone already");
    }

    @Test
    void aFailedHostExits1() throws Exception {
        Path pb = dir.resolve("fail.yaml");
        Files.writeString(pb, """
                hosts: local
                steps:
                  - command: {cmd: "exit 4"}
                """);
        assertThat(VigilCommand.run("playbook", "apply", pb.toString(), "--state-dir", dir.resolve("state").toString())).isEqualTo(1);
        assertThat(io.out.toString()).contains("failed  command exit 4: exit code 4").contains("failed=1");
    }

    @Test
    void configHostsLimitAndAnUnreachableHostFailingAlone() throws Exception {
        Path pb = playbook();
        Files.writeString(pb, Files.readString(pb).replace("hosts: local", "hosts: [local, all]"));
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, "nodes:\n  - {name: ha1, address: 127.0.0.1}\n  - {name: ha2, address: 127.0.0.1}\n");
        int closed;
        try (var s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path inv = dir.resolve("inv.yaml");
        Files.writeString(inv, "ssh: {port: " + closed + ", known_hosts: " + dir.resolve("kh") + "}\n");
        String vars = dir.resolve("vars.yaml").toString();

        assertThat(VigilCommand.run("playbook", "check", pb.toString(), "--config", cluster.toString(), "--limit", "ha11"))
                .isEqualTo(3);
        assertThat(io.err.toString()).contains("--limit: unknown host or group `ha11`; did you mean 'ha1'?").doesNotContain("site.yaml");

        assertThat(VigilCommand.run("playbook", "plan", pb.toString(), "--vars", vars, "--config", cluster.toString(),
                "--inventory", inv.toString(), "--limit", "local,ha1", "--json")).isEqualTo(1);
        String json = io.out.toString();
        assertThat(json).contains("\"local\"").contains("\"ha1\"").doesNotContain("\"ha2\"")
                .contains("ha1 unreachable (root@127.0.0.1:" + closed + "): connection refused");
        assertThat(json.replaceAll("\\s", "")).contains("\"local\":{\"ok\":0,\"changed\":2,\"failed\":0");
    }

    @Test
    void varsGivenTwiceLaterWinsAndErrorsAreInTheirOwnFile() throws Exception {
        Path pb = playbook();
        String vars = dir.resolve("vars.yaml").toString();
        Path more = dir.resolve("more.yaml");
        Files.writeString(more, "greeting: bye\nroot: " + dir.resolve("www") + "\n"); // root given twice: fine
        assertThat(VigilCommand.run("playbook", "plan", pb.toString(), "--vars", vars, "--vars", more.toString())).isZero();
        assertThat(io.out.toString()).contains("    +bye").doesNotContain("+hello");
        io.out.reset();

        Files.writeString(more, "greeting: bye\nroot: relative\ngreetin: x\n");
        assertThat(VigilCommand.run("playbook", "check", pb.toString(), "--vars", vars, "--vars", more.toString())).isEqualTo(3);
        assertThat(io.err.toString()).contains(more + ":2:7: `root` must be an absolute path")
                .contains(more + ":3:1: unknown variable `greetin`").contains("2 error(s)");
    }

    @Test
    void hostsComeFromTheDefaultClusterFileWhenItExists() throws Exception {
        Path pb = dir.resolve("nodes.yaml");
        Files.writeString(pb, "hosts: all\nsteps:\n  - command: {cmd: \"true\"}\n");
        Path named = dir.resolve("named.yaml");
        Files.writeString(named, "hosts: [ha2]\nsteps:\n  - command: {cmd: \"true\"}\n");
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, "nodes:\n  - {name: ha1, address: 127.0.0.1}\n  - {name: ha2, address: 127.0.0.1}\n");

        // no cluster file at $VIGIL_CONFIG: `local` only, as before
        assertThat(VigilCommand.run("playbook", "check", named.toString())).isEqualTo(3);
        assertThat(io.err.toString()).contains(named + ":1:9: unknown host or group `ha2`");
        io.err.reset();

        clusterFile(cluster);
        assertThat(VigilCommand.run("playbook", "check", pb.toString())).isZero();
        assertThat(io.out.toString()).contains("hosts ha1, ha2");
        assertThat(VigilCommand.run("playbook", "check", named.toString(), "--limit", "ha2")).isZero();
        io.out.reset();

        // --inventory alone: the default cluster file is not read
        Path inv = dir.resolve("inv.yaml");
        Files.writeString(inv, "hosts:\n  web1: {address: 127.0.0.1}\n");
        assertThat(VigilCommand.run("playbook", "check", named.toString(), "--inventory", inv.toString())).isEqualTo(3);
        assertThat(io.err.toString()).contains("unknown host or group `ha2`");
        io.err.reset();

        // a broken default cluster file is reported where it is broken, by every verb that reads hosts
        Files.writeString(cluster, "nodes:\n  - {name: ha1, adress: 127.0.0.1}\n");
        for (var verb : java.util.List.of(new String[] {"check", pb.toString()}, new String[] {"plan", pb.toString()},
                new String[] {"runs"}, new String[] {"undo", "20261205T000000Z-0000"})) {
            var args = new java.util.ArrayList<>(java.util.List.of("playbook"));
            args.addAll(java.util.List.of(verb));
            assertThat(VigilCommand.run(args.toArray(String[]::new))).as(verb[0]).isEqualTo(3);
            assertThat(io.err.toString()).as(verb[0]).contains(cluster + ":2:");
            io.err.reset();
        }
    }
}
