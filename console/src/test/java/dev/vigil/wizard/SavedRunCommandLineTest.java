package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.cli.VigilCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line a wizard shows after an apply repeats the run as it is: both vars files, the secret masked. */
class SavedRunCommandLineTest {
    static final String SECRET = "s3cr3t-Pa55word";

    @TempDir
    Path dir;

    @Test
    void theShownCommandLineRepeatsTheRun() throws Exception {
        var recipe = FormTest.recipe("every-type");
        var form = new Form(recipe.playbook().orElseThrow());
        FormTest.fill(form);
        Path target = Files.createDirectories(dir.resolve("target"));
        Files.writeString(target.resolve("settings.conf"), "title=old\n"); // so that the apply shows a diff
        form.set("dir", target.toString());
        form.set("db_password", SECRET);
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, "nodes:\n  - {name: ha1, address: 127.0.0.1}\n  - {name: ha2, address: 127.0.0.1}\n");
        var saved = SavedRun.save(dir.resolve("saved"), recipe, form, "20261205T120000Z-abcd",
                new Operator("otto", "SHA256:abc", "", Role.OPERATOR), Instant.EPOCH, List.of("--config", cluster.toString()));
        assertThat(saved.secrets()).isPresent();

        // The line as shown (no quoting needed: the temp paths are plain), minus the program's name.
        String line = saved.commandLine();
        assertThat(line).doesNotContain("'").startsWith("vigil playbook apply ");
        var args = new ArrayList<>(List.of(line.substring("vigil ".length()).split(" ")));
        args.addAll(List.of("--state-dir", dir.resolve("state").toString())); // not /var/lib/vigil

        var out = new ByteArrayOutputStream();
        PrintStream saveOut = System.out;
        PrintStream saveErr = System.err;
        int exit;
        try {
            var both = new PrintStream(out, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
            exit = VigilCommand.run(args.toArray(String[]::new));
        } finally {
            System.setOut(saveOut);
            System.setErr(saveErr);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(Files.readString(target.resolve("settings.conf"))).contains("vip=10.0.0.50\n").contains("password=" + SECRET + "\n");
        assertThat(printed).contains("RECAP").contains("changed=1").contains("+password=********").doesNotContain(SECRET);
    }
}
