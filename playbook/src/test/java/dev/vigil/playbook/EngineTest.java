package dev.vigil.playbook;


import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.CommandStep;
import dev.vigil.playbook.steps.FileStep;
import dev.vigil.playbook.steps.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The step engine on the local host, in a temp directory: plan, apply, idempotence, handlers, failures. */
class EngineTest {
    @TempDir
    Path dir;

    private Path target() {
        return dir.resolve("target");
    }

    private Playbook playbook(String steps) throws IOException {
        String yaml = """
                name: test
                hosts: [local]
                vars:
                  root: {type: path, description: where everything goes}
                  greeting: {type: string, default: hello}
                  port: {type: port, default: 8080}
                """ + steps;
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, yaml);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        return r.playbook().orElseThrow();
    }

    private Report run(Playbook pb, boolean apply) throws IOException {
        Path vars = dir.resolve("vars.yaml");
        if (!Files.exists(vars)) Files.writeString(vars, "root: " + target() + "\n");
        var v = Vars.resolve(pb, Optional.of(vars));
        assertThat(v.errors()).isEmpty();
        return Engine.run(pb, v.values(), Map.of("local", new LocalHost("local")), apply, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE);
    }

    private Report.HostReport local(Report r) {
        return r.hosts().get("local");
    }

    static final String WEB = """
            steps:
              - name: root
                directory: {path: "{{root}}", mode: "0755"}
              - directory: {path: "{{root}}/conf"}
              - name: page
                file: {path: "{{root}}/index.html", content: "{{greeting}} from {{host}}\\n", mode: "0640"}
                notify: reload
              - name: listen
                line: {path: "{{root}}/conf/ports.conf", regexp: "^Listen ", line: "Listen {{port}}", create: true}
                notify: reload
              - name: build
                command: {cmd: "echo built > {{root}}/built", creates: "{{root}}/built"}
            handlers:
              - name: reload
                command: {cmd: "echo reload >> {{root}}/reloads"}
            """;

    @Test
    void applyDoesItThenASecondApplyChangesNothing() throws IOException {
        var pb = playbook(WEB);
        var first = local(run(pb, true));
        assertThat(first.failed()).isZero();
        assertThat(first.changed()).isEqualTo(6); // 5 steps + the handler, once though notified twice
        assertThat(Files.readString(target().resolve("index.html"))).isEqualTo("hello from local\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target().resolve("index.html"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.readString(target().resolve("conf/ports.conf"))).isEqualTo("Listen 8080\n");
        assertThat(Files.readString(target().resolve("built"))).isEqualTo("built\n");
        assertThat(Files.readString(target().resolve("reloads"))).isEqualTo("reload\n");

        var second = local(run(pb, true));
        assertThat(second.changed()).isZero();
        assertThat(second.ok()).isEqualTo(5);
        assertThat(Files.readString(target().resolve("reloads"))).isEqualTo("reload\n");
    }

    @Test
    void planChangesNothingAndShowsADiff() throws IOException {
        var pb = playbook(WEB);
        run(pb, true);
        Files.writeString(target().resolve("index.html"), "old page\n");
        Files.writeString(target().resolve("conf/ports.conf"), "# ports\nListen 80\nListen 443\n");
        String before = checksum(dir);

        var plan = run(pb, false);
        assertThat(checksum(dir)).isEqualTo(before);
        var steps = local(plan).steps();
        assertThat(steps).extracting(Report.StepResult::status)
                .containsExactly("ok", "ok", "change", "change", "ok", "change");
        assertThat(steps.get(2).diff()).isEqualTo("""
                --- %s
                +++ %s
                @@ -1 +1 @@
                -old page
                +hello from local
                """.formatted(target().resolve("index.html"), target().resolve("index.html")));
        assertThat(steps.get(3).diff()).contains("-Listen 443\n+Listen 8080\n").contains(" Listen 80\n");
        assertThat(steps.get(5).name()).isEqualTo("handler: reload");
        assertThat(steps.get(1).name()).isEqualTo("directory " + target().resolve("conf")); // a default name, rendered
        assertThat(plan.toJson()).contains("\"status\" : \"change\"");
    }

    @Test
    void planOfAFreshTreeChangesNothingEither() throws IOException {
        var pb = playbook(WEB);
        Files.writeString(dir.resolve("vars.yaml"), "root: " + target() + "\n");
        String before = checksum(dir);
        var plan = run(pb, false);
        assertThat(checksum(dir)).isEqualTo(before);
        assertThat(Files.exists(target())).isFalse();
        assertThat(local(plan).failed()).isZero();
        assertThat(local(plan).changed()).isEqualTo(6);
    }

    @Test
    void aFailedStepStopsTheHostAndHandlersDoNotRun() throws IOException {
        var pb = playbook("""
                steps:
                  - directory: {path: "{{root}}"}
                    notify: h
                  - command: {cmd: "echo boom; exit 3"}
                  - directory: {path: "{{root}}/never"}
                handlers:
                  - name: h
                    command: {cmd: "touch {{root}}/handled"}
                """);
        var r = run(pb, true);
        assertThat(r.anyFailed()).isTrue();
        assertThat(local(r).steps()).extracting(Report.StepResult::status).containsExactly("changed", "failed");
        assertThat(local(r).steps().get(1).message()).isEqualTo("exit code 3: boom");
        assertThat(Files.exists(target().resolve("never"))).isFalse();
        assertThat(Files.exists(target().resolve("handled"))).isFalse();
    }

    @Test
    void commandGuardsAndTimeout() throws IOException {
        var pb = playbook("""
                steps:
                  - directory: {path: "{{root}}"}
                  - command: {cmd: "echo ran >> {{root}}/log", unless: "grep -q ran {{root}}/log"}
                  - command: {cmd: "sleep 30", timeout: 300ms, unless: "test -e {{root}}/log"}
                """);
        var first = local(run(pb, true));
        assertThat(first.steps()).extracting(Report.StepResult::status).containsExactly("changed", "changed", "ok");
        var second = local(run(pb, true));
        assertThat(second.changed()).isZero();
        Files.delete(target().resolve("log"));
        var pb2 = playbook("""
                steps:
                  - command: {cmd: "sleep 30", timeout: 300ms}
                """);
        long t0 = System.nanoTime();
        var timedOut = local(run(pb2, true));
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        assertThat(timedOut.steps().get(0).message()).startsWith("killed after 300ms (timeout)");
    }

    @Test
    void boundsHoldForLargeFilesAndLoudCommands() throws IOException {
        Files.createDirectories(target());
        Files.write(target().resolve("huge"), new byte[FileStep.LIMIT + 1]);
        var pb = playbook("""
                steps:
                  - command: {cmd: "head -c 300000 /dev/zero | tr '\\\\0' x; echo; echo END", creates: "{{root}}/none/x"}
                  - line: {path: "{{root}}/huge", line: "x"}
                """);
        var r = local(run(pb, true));
        assertThat(r.steps().get(0).status()).isEqualTo("changed");
        assertThat(r.steps().get(0).message()).startsWith("ran: …").endsWith("END")
                .hasSizeLessThan(CommandStep.REPORT_TAIL + 20);
        assertThat(r.steps().get(1).status()).isEqualTo("failed");
        assertThat(r.steps().get(1).message()).contains("may be at most " + FileStep.LIMIT + " bytes");
        var exec = new LocalHost("local").shell("head -c 200000 /dev/zero", java.time.Duration.ofSeconds(10));
        assertThat(exec.truncated()).isTrue();
        assertThat(exec.output()).hasSize(LocalHost.OUTPUT_CAP);
    }

    @Test
    void lineStepReplacesTheLastMatchAppendsOrRemoves() throws IOException {
        Files.createDirectories(target());
        Path f = target().resolve("sshd_config");
        Files.writeString(f, "#PermitRootLogin yes\nPort 22\nPermitRootLogin yes\nX 1");
        var pb = playbook("""
                steps:
                  - line: {path: "{{root}}/sshd_config", regexp: "^PermitRootLogin", line: "PermitRootLogin no"}
                  - line: {path: "{{root}}/sshd_config", line: "UseDNS no"}
                  - line: {path: "{{root}}/sshd_config", regexp: "^Port ", state: absent}
                """);
        var r = local(run(pb, true));
        assertThat(r.changed()).isEqualTo(3);
        assertThat(Files.readString(f)).isEqualTo("#PermitRootLogin yes\nPermitRootLogin no\nX 1\nUseDNS no\n");
        assertThat(local(run(pb, true)).changed()).isZero();
    }

    @Test
    void lineStepOnAMissingFileFailsWithoutCreate() throws IOException {
        var pb = playbook("""
                steps:
                  - line: {path: "{{root}}/nope", line: "a"}
                """);
        var r = local(run(pb, true));
        assertThat(r.steps().get(0).message()).isEqualTo(target().resolve("nope") + " does not exist (add `create: true` to create it)");
    }

    @Test
    void fileStepRefusesADirectoryAndKeepsTheModeOfAFileItRewrites() throws IOException {
        Files.createDirectories(target().resolve("d"));
        Path f = target().resolve("f");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwx------"));
        var pb = playbook("""
                steps:
                  - file: {path: "{{root}}/f", content: new}
                  - file: {path: "{{root}}/d", content: x}
                """);
        var r = local(run(pb, true));
        assertThat(r.steps()).extracting(Report.StepResult::status).containsExactly("changed", "failed");
        assertThat(r.steps().get(1).message()).contains("is a directory");
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rwx------");
        try (Stream<Path> s = Files.list(target())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("d", "f"); // no temp file left
        }
    }

    @Test
    void fileStepWritesThroughASymbolicLink() throws IOException {
        Files.createDirectories(target());
        Path real = target().resolve("real.conf");
        Files.writeString(real, "old\n");
        Files.createSymbolicLink(target().resolve("link.conf"), real);
        var pb = playbook("""
                steps:
                  - file: {path: "{{root}}/link.conf", content: "new\\n"}
                """);
        assertThat(local(run(pb, true)).changed()).isEqualTo(1);
        assertThat(Files.isSymbolicLink(target().resolve("link.conf"))).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new\n");
        assertThat(local(run(pb, true)).changed()).isZero();
    }

    @Test
    void fileStepFromATemplateAndAModeOnlyChange() throws IOException {
        Files.writeString(dir.resolve("page.tmpl"), "<p>{{ greeting }} on port {{port}}</p>\n");
        Files.createDirectories(target());
        var pb = playbook("""
                steps:
                  - file: {path: "{{root}}/page", template: page.tmpl, mode: "0600"}
                """);
        assertThat(local(run(pb, true)).changed()).isEqualTo(1);
        assertThat(Files.readString(target().resolve("page"))).isEqualTo("<p>hello on port 8080</p>\n");
        Files.setPosixFilePermissions(target().resolve("page"), PosixFilePermissions.fromString("rw-rw-rw-"));
        var r = local(run(pb, false));
        assertThat(r.steps().get(0).message()).isEqualTo("would change mode 0666 → 0600");
        assertThat(r.steps().get(0).diff()).isEmpty();
    }

    @Test
    void aTemplatedPathThatIsNotAbsoluteFailsWhenItRuns() throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                hosts: local
                vars:
                  sub: {type: string, default: relative}
                steps:
                  - directory: {path: "{{sub}}/x"}
                """);
        var pb = PlaybookReader.read(p, Inventory.localOnly()).playbook().orElseThrow();
        var r = Engine.run(pb, Vars.resolve(pb, Optional.empty()).values(), Map.of("local", new LocalHost("local")),
                true, "r1", Step.FileWatcher.NONE, Engine.Listener.NONE);
        assertThat(local(r).steps().get(0).message()).isEqualTo("`path` must be an absolute path, got 'relative/x'");
    }

    @Test
    void varsFileErrorsAreLocated() throws IOException {
        var pb = playbook(WEB);
        Path vars = dir.resolve("vars.yaml");
        Files.writeString(vars, "root: /srv\nport: http\nrooot: /x\n");
        var v = Vars.resolve(pb, Optional.of(vars));
        assertThat(v.errors()).extracting(e -> e.line() + ":" + e.column() + ": " + e.message()).containsExactly(
                "2:7: `port` must be a port number from 1 to 65535, got 'http'",
                "3:1: unknown variable `rooot` (the playbook declares no such variable); did you mean 'root'? (known: root, greeting, port)");
        var missing = Vars.resolve(pb, Optional.empty());
        assertThat(missing.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .isEqualTo("variable `root` (path: where everything goes) has no default; give it a value with --vars FILE"));
    }

    @Test
    void jsonHasTheDocumentedShape() throws IOException {
        var pb = playbook(WEB);
        var r = run(pb, true);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.toJson());
        assertThat(tree.fieldNames()).toIterable().containsExactly("run", "hosts", "changed");
        assertThat(tree.get("run").asText()).isEqualTo(r.runId());
        assertThat(tree.get("changed").asInt()).isEqualTo(6);
        var host = tree.get("hosts").get("local");
        assertThat(host.fieldNames()).toIterable().containsExactly("ok", "changed", "failed", "skipped", "unreachable", "steps");
        assertThat(host.get("ok").asInt()).isZero();
        assertThat(host.get("changed").asInt()).isEqualTo(6);
        assertThat(host.get("failed").asInt()).isZero();
        assertThat(host.get("steps")).hasSize(6);
        assertThat(host.get("steps").get(2).get("diff").asText()).startsWith("--- ");
        assertThat(host.get("skipped").asInt()).isZero();
        assertThat(r.recap()).contains("local : ok=0    changed=6    failed=0    skipped=0    unreachable=0");
    }

    /** Every file and directory under {@code root}: path, mode and content hash. */
    static String checksum(Path root) throws IOException {
        var all = new TreeMap<String, String>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                String hash = Files.isRegularFile(p) ? sha256(Files.readAllBytes(p)) : "dir";
                all.put(root.relativize(p).toString(), perms + " " + hash + " " + Files.getLastModifiedTime(p));
            }
        }
        return all.toString();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
