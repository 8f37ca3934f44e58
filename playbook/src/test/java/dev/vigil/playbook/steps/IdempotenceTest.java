package dev.vigil.playbook.steps;


import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idempotence over many random files: whatever a file holds, a line step that changed it reports
 * no change when run again, and its plan named exactly what the apply then did.
 */
class IdempotenceTest {
    @TempDir
    Path dir;

    private static final String[] LINES = {"Listen 80", "Listen 8080", "# Listen 80", "", "KeepAlive On", "x=1", "x=2"};

    @Test
    void lineStepsSettleAfterOneApply() throws IOException {
        var rnd = new Random(11);
        var host = new LocalHost("local");
        for (int round = 0; round < 300; round++) {
            var sb = new StringBuilder();
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) sb.append(LINES[rnd.nextInt(LINES.length)]).append('\n');
            if (n > 0 && rnd.nextBoolean()) sb.setLength(sb.length() - 1); // no final newline
            Path f = dir.resolve("f" + round);
            Files.writeString(f, sb.toString());
            Map<String, String> p = new HashMap<>();
            p.put("path", f.toString());
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    p.put("regexp", "^Listen ");
                    p.put("line", "Listen " + (rnd.nextBoolean() ? "80" : "8080"));
                }
                case 1 -> p.put("line", LINES[rnd.nextInt(LINES.length)]);
                default -> {
                    p.put("regexp", rnd.nextBoolean() ? "^x=" : "^#");
                    p.put("state", "absent");
                }
            }
            var ctx = new Step.Context(dir, Map.of(), Step.FileWatcher.NONE);
            try {
                String before = Files.readString(f);
                var plan = new LineStep().run(host, p, false, ctx);
                assertThat(Files.readString(f)).isEqualTo(before);
                var first = new LineStep().run(host, p, true, ctx);
                assertThat(first.changed()).as("round %d: plan and apply agree on %s", round, p).isEqualTo(plan.changed());
                if (!first.changed()) assertThat(Files.readString(f)).isEqualTo(before);
                var second = new LineStep().run(host, p, true, ctx);
                assertThat(second.changed()).as("round %d: %s on %s", round, p, before).isFalse();
            } catch (Step.Failure e) {
                throw new AssertionError("round " + round + ": " + e.getMessage(), e);
            }
        }
    }
}
