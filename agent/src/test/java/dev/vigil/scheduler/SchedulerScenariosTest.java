package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Runs every golden scenario in {@code src/test/resources/scheduler-scenarios}, one test per
 * file, like Pacemaker's cts-scheduler. {@code -Dscheduler.update=true} rewrites each file's
 * {@code expect:} section with the actual plan; review the diff before committing it.
 */
class SchedulerScenariosTest {
    static final Path DIR = Path.of("src/test/resources/scheduler-scenarios");
    private static final boolean UPDATE = Boolean.getBoolean("scheduler.update");

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString().replace(".yaml", ""),
                f.toUri(), () -> run(f)));
    }

    /**
     * The number of golden scenarios, pinned: deleting one (or adding one) must be deliberate and
     * change this number in the same commit (docs/architecture.md quotes it too).
     */
    static final int SCENARIOS = 105;

    @Test
    void everyScenarioIsStillThere() throws IOException {
        try (Stream<Path> list = Files.list(DIR)) {
            assertThat(list.filter(f -> f.toString().endsWith(".yaml")).count())
                    .as("scenario files in " + DIR + "; update SCENARIOS (and docs/architecture.md) if a removal"
                            + " or addition is deliberate")
                    .isEqualTo(SCENARIOS);
        }
    }

    @Test
    void aBrokenScenarioNamesItsFileAndWhere(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                description: a typo in the config block
                config:
                  resources:
                    - {id: db, agent: ocf:vigil:Dummy, on_fial: stop}
                nodes: {ha1: online}
                """);
        assertThatThrownBy(() -> Scenario.load(bad)).isInstanceOf(Scenario.Invalid.class)
                .hasMessageStartingWith(bad + ":4:")
                .hasMessageContaining("on_fial");

        Files.writeString(bad, """
                description: an unknown resource in the statuses
                config:
                  resources:
                    - {id: db, agent: ocf:vigil:Dummy}
                nodes: {ha1: online}
                status:
                  ha1: {dbb: started}
                """);
        assertThatThrownBy(() -> Scenario.load(bad)).isInstanceOf(Scenario.Invalid.class)
                .hasMessage(bad + ": status.ha1.dbb: unknown resource dbb");
    }

    private static void run(Path file) throws IOException {
        Scenario scenario = Scenario.load(file);
        Plan plan = new Scheduler().plan(scenario.input());
        String actual = Scenario.render(plan);
        if (UPDATE) {
            if (!actual.equals(scenario.expect())) {
                writeExpect(file, actual);
            }
            return;
        }
        if (!actual.equals(scenario.expect())) {
            throw new AssertionFailedError(file + ": the plan differs from `expect:` (- expected, + actual;"
                    + " -Dscheduler.update=true rewrites it)\n" + diff(scenario.expect(), actual),
                    scenario.expect(), actual);
        }
    }

    /** Everything up to the {@code expect:} line stays as written; the section is replaced. */
    private static void writeExpect(Path file, String expect) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int at = text.startsWith("expect:") ? 0 : text.indexOf("\nexpect:");
        String head = at < 0 ? (text.endsWith("\n") ? text : text + "\n") : text.substring(0, at == 0 ? 0 : at + 1);
        if (at >= 0) {
            String rest = text.substring(at == 0 ? 0 : at + 1);
            if (rest.lines().skip(1).anyMatch(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("#"))) {
                throw new IllegalStateException(file + ": expect: must be the last section for -Dscheduler.update");
            }
        }
        Files.writeString(file, head + expect, StandardCharsets.UTF_8);
    }

    /** A line diff (longest common subsequence): short plans, so quadratic is fine. */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        var out = new ArrayList<String>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  " + a.get(i++));
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + b.get(j++));
            } else {
                out.add("- " + a.get(i++));
            }
        }
        return String.join("\n", out);
    }
}
