package dev.vigil.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.playbook.host.LocalHost;
import dev.vigil.playbook.steps.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code secret} variable type: checked like a string, and never shown by anything the engine reports. */
class SecretsTest {
    static final String PW = "Hunter2-s3cr3t";

    @TempDir
    Path dir;

    private Playbook playbook() throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                name: secrets
                hosts: local
                any_errors_fatal: true
                vars:
                  root: {type: path}
                  pw: {type: secret, pattern: "[A-Za-z0-9-]+", description: the database password}
                steps:
                  - name: "config for {{pw}}"
                    file: {path: "{{root}}/app.conf", content: "user=app\\npassword={{pw}}\\n", mode: "0600"}
                  - name: tell
                    command: {cmd: "echo the password is {{pw}}; exit 3"}
                """);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        return r.playbook().orElseThrow();
    }

    /** Everything a listener hears: step names as they start, results, the hosts' reports. */
    static final class Heard implements Engine.Listener {
        final List<String> all = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void stepStarted(String host, String step) {
            all.add(step);
        }

        @Override
        public void stepDone(String host, Report.StepResult r) {
            all.add(r.toString());
        }

        @Override
        public void hostDone(Report.HostReport report) {
            all.add(report.toString());
        }
    }

    private Report run(Playbook pb, boolean apply, Heard heard) throws IOException {
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("vars.yaml"), "root: " + dir.resolve("www") + "\n");
        Files.writeString(dir.resolve("secrets.yaml"), "pw: " + PW + "\n");
        var v = Vars.resolve(pb, List.of(dir.resolve("vars.yaml"), dir.resolve("secrets.yaml")));
        assertThat(v.errors()).isEmpty();
        assertThat(v.values()).containsEntry("pw", PW);
        return Engine.run(pb, v.values(), Map.of("local", new LocalHost("local")), apply, "r1", Step.FileWatcher.NONE, heard);
    }

    private static void assertMasked(Report r, Heard heard) {
        String everything = r.toJson() + r.recap() + r.stopped().orElse("") + String.join("\n", heard.all) + r.hosts();
        assertThat(everything).doesNotContain(PW).contains(Secrets.MASK);
    }

    @Test
    void aPlanShowsTheSecretNowhere() throws IOException {
        var heard = new Heard();
        var r = run(playbook(), false, heard);
        var steps = r.hosts().get("local").steps();
        assertThat(steps.get(0).name()).isEqualTo("config for ********");
        assertThat(steps.get(0).diff()).contains("+password=********");
        assertMasked(r, heard);
    }

    @Test
    void anApplyWritesTheSecretButReportsItMasked() throws IOException {
        var heard = new Heard();
        var r = run(playbook(), true, heard);
        assertThat(Files.readString(dir.resolve("www/app.conf"))).isEqualTo("user=app\npassword=" + PW + "\n");
        var steps = r.hosts().get("local").steps();
        assertThat(steps.get(1).status()).isEqualTo("failed");
        // the command's output, which the message quotes, held the secret
        assertThat(steps.get(1).message()).contains("exit code 3").contains("the password is ********");
        assertThat(r.stopped()).hasValueSatisfying(s -> assertThat(s).contains("********"));
        assertMasked(r, heard);
    }

    @Test
    void aSecretIsNonEmptyTextAndItsErrorsDoNotQuoteIt() throws IOException {
        var pb = playbook();
        var decl = pb.vars().get("pw");
        assertThat(decl.type()).isEqualTo(VarType.SECRET);
        assertThat(VarType.of("secret")).hasValue(VarType.SECRET);
        assertThat(VarType.SECRET.problem("", decl)).hasValue("must not be empty");
        assertThat(VarType.SECRET.problem("  ", decl)).hasValue("must not be empty");
        assertThat(VarType.SECRET.problem("ok-1", decl)).isEmpty();
        assertThat(VarType.SECRET.normalize(" as given ")).isEqualTo(" as given ");
        Files.writeString(dir.resolve("vars.yaml"), "root: /srv\npw: \"bad pass!\"\n");
        var v = Vars.resolve(pb, Optional.of(dir.resolve("vars.yaml")));
        assertThat(v.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.message()).contains("`pw` must match the pattern").doesNotContain("bad pass");
        });
    }

    @Test
    void masksTheLongestSecretFirst() {
        var s = new Secrets(List.of("ab", "abcd", ""));
        assertThat(s.mask("x abcd y ab")).isEqualTo("x ******** y ********");
        assertThat(Secrets.NONE.mask("abcd")).isEqualTo("abcd");
    }

    @Test
    void laterVarsFilesWinAndEachErrorIsInItsOwnFile() throws IOException {
        var pb = playbook();
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        Files.writeString(a, "root: /srv/a\npw: first\n");
        Files.writeString(b, "pw: second\n");
        var v = Vars.resolve(pb, List.of(a, b));
        assertThat(v.errors()).isEmpty();
        assertThat(v.values()).containsEntry("root", "/srv/a").containsEntry("pw", "second");
        assertThat(Vars.resolve(pb, List.of(b, a)).values()).containsEntry("pw", "first");

        Files.writeString(a, "root: relative\n");
        Files.writeString(b, "pw: ok\nrooot: /x\n");
        assertThat(Vars.resolve(pb, List.of(a, b)).errors()).extracting(e -> e.file().getFileName() + ":" + e.line() + ":" + e.column())
                .containsExactly("a.yaml:1:7", "b.yaml:2:1");

        // A variable no file gives is reported in the last file, where a value given now would win.
        Files.writeString(a, "root: /srv\n");
        Files.writeString(b, "# nothing here\n{}\n");
        assertThat(Vars.resolve(pb, List.of(a, b)).errors()).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(b);
            assertThat(e.message()).contains("variable `pw` (secret: the database password) has no default")
                    .endsWith("in one of the vars files");
        });
    }
}
