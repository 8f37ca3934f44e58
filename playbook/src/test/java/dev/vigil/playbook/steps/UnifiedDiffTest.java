package dev.vigil.playbook.steps;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** The diffs plan shows: checked against GNU patch, which must turn the old text into the new. */
class UnifiedDiffTest {
    @TempDir
    Path dir;

    @Test
    void equalTextsHaveNoDiff() {
        assertThat(UnifiedDiff.diff("f", "a\n", "a\n")).isEmpty();
    }

    @Test
    void hunksKeepThreeLinesOfContext() {
        String a = IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n"));
        String b = a.replace("line 5\n", "line five\n").replace("line 18\n", "");
        assertThat(UnifiedDiff.diff("f", a, b)).isEqualTo("""
                --- f
                +++ f
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +line five
                 line 6
                 line 7
                 line 8
                @@ -15,6 +15,5 @@
                 line 15
                 line 16
                 line 17
                -line 18
                 line 19
                 line 20
                """);
    }

    @Test
    void patchAppliesTheDiff() throws IOException, InterruptedException {
        String a = "alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\ntheta\niota\nkappa\n";
        String[] variants = {"", "new\n", "beta\ngamma\n", a.replace("gamma", "GAMMA").replace("kappa\n", "kappa\nlambda\n"),
                "zero\n" + a.replace("eta\n", "")};
        for (String b : variants) {
            Path f = dir.resolve("f");
            Files.writeString(f, a);
            Files.writeString(dir.resolve("p"), UnifiedDiff.diff("f", a, b));
            var p = new ProcessBuilder("patch", "-s", "f", "p").directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(Files.exists(f) ? Files.readString(f) : "").as("patched into %s", b).isEqualTo(b);
        }
    }
}
