package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.Report;
import dev.vigil.playbook.StepSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The progress view, fed the engine's events by hand: the live table (a fake terminal) and the plain lines. */
class PlaybookProgressTest {
    private static final List<String> HOSTS = List.of("ha1", "ha2", "db");

    private static Playbook playbook() {
        var steps = List.of(new StepSpec("pkg", "command", Map.of(), List.of(), 1, 1),
                new StepSpec("page", "file", Map.of(), List.of(), 2, 1),
                new StepSpec("svc", "command", Map.of(), List.of(), 3, 1));
        return new Playbook(Path.of("/x/site.yaml"), "site", HOSTS, Map.of(), steps, Map.of());
    }

    private static Report.StepResult r(String name, String status) {
        return new Report.StepResult(name, "command", status, status.equals("failed") ? "exit code 1: boom" : "fine",
                name.equals("page") && status.equals("changed") ? "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n" : "");
    }

    /** ha1: ok, changed, changed; ha2: ok then fails; db: unreachable. */
    private static Report feed(PlaybookProgress p) {
        p.runStarted(playbook(), HOSTS);
        var reports = new LinkedHashMap<String, Report.HostReport>();
        p.stepStarted("ha1", "pkg");
        p.stepDone("ha1", r("pkg", "ok"));
        p.stepStarted("ha2", "pkg");
        p.stepDone("ha2", r("pkg", "ok"));
        p.stepStarted("ha1", "page");
        p.stepStarted("ha2", "page");
        p.stepDone("ha2", r("page", "failed"));
        p.hostDone(new Report.HostReport("ha2", List.of(r("pkg", "ok"), r("page", "failed"))));
        p.stepDone("db", new Report.StepResult("gather facts", "facts", "unreachable", "connection refused", ""));
        p.hostDone(new Report.HostReport("db", List.of()));
        p.stepDone("ha1", r("page", "changed"));
        p.stepStarted("ha1", "svc");
        p.stepDone("ha1", r("svc", "skipped"));
        p.hostDone(new Report.HostReport("ha1", List.of()));
        reports.put("ha1", new Report.HostReport("ha1", List.of(r("pkg", "ok"), r("page", "changed"), r("svc", "skipped"))));
        reports.put("ha2", new Report.HostReport("ha2", List.of(r("pkg", "ok"), r("page", "failed"))));
        reports.put("db", new Report.HostReport("db", List.of(new Report.StepResult("gather facts", "facts", "unreachable",
                "connection refused", ""))));
        return new Report("20261205T191500Z-3fa2", true, reports, Optional.empty());
    }

    @Test
    void onATerminalATableRedrawnInPlaceThenTheRecap() {
        var w = new StringWriter();
        var p = new PlaybookProgress(new PrintWriter(w), true, true, 100);
        var report = feed(p);
        // While ha1 runs its second step the table shows a spinner there and what it runs.
        p.finish(report);
        String s = w.toString();
        assertThat(s).contains("\033[K").contains("\033[4A"); // lines cleared, and drawn over the previous table
        int lastTable = s.lastIndexOf("HOST  STEPS");
        String end = s.substring(lastTable);
        assertThat(end).contains("ha1   o*-  done\033[K\n")
                .contains("ha2   oX  failed: page\033[K\n")
                .contains("db    !  unreachable: gather facts\033[K\n");
        // Then what changed or failed, with the diff, and Ansible's recap.
        assertThat(end).contains("ha1        changed page: fine\n    --- a\n")
                .contains("ha2        failed  page: exit code 1: boom\n")
                .contains("db         unreachable gather facts: connection refused\n")
                .doesNotContain("ha1        ok ")
                .endsWith("""
                        RECAP (run 20261205T191500Z-3fa2)
                        ha1 : ok=1    changed=1    failed=0    skipped=1    unreachable=0
                        ha2 : ok=1    changed=0    failed=1    skipped=0    unreachable=0
                        db  : ok=0    changed=0    failed=0    skipped=0    unreachable=1
                        """);
    }

    @Test
    void theLiveTableShowsASpinnerOnRunningHostsAndWhatIsLeft() {
        var p = new PlaybookProgress(new PrintWriter(new StringWriter()), true, false, 100);
        p.runStarted(playbook(), HOSTS);
        p.stepStarted("ha1", "pkg");
        p.stepDone("ha1", r("pkg", "ok"));
        p.stepStarted("ha1", "page");
        var t = p.table();
        assertThat(t).hasSize(4);
        assertThat(t.get(0)).startsWith("HOST  STEPS   (o ok  * change  X fail");
        assertThat(t.get(1)).matches("ha1   o[|/\\\\-]\\.  page");
        assertThat(t.get(2)).isEqualTo("ha2   ...  waiting");
        p.finish(new Report("r", false, Map.of(), Optional.empty()));
    }

    @Test
    void rowsAreCutToTheTerminalsWidthAndManyHostsAreSummed() {
        var hosts = new java.util.ArrayList<String>();
        for (int i = 0; i < 30; i++) hosts.add("node" + i);
        var p = new PlaybookProgress(new PrintWriter(new StringWriter()), true, true, 40);
        p.runStarted(new Playbook(Path.of("/x/y.yaml"), "y", hosts, Map.of(), playbook().steps(), Map.of()), hosts);
        var before = p.table();
        assertThat(before).hasSize(1 + PlaybookProgress.MAX_ROWS + 1);
        assertThat(before.get(before.size() - 1)).isEqualTo("... 10 more host(s); 0 of 30 done");
        // Hosts done without failure make room for the others.
        for (int i = 0; i < 15; i++) p.hostDone(new Report.HostReport("node" + i, List.of()));
        p.stepStarted("node20", "a step with a very long name that cannot fit on the line");
        var t = p.table();
        assertThat(t).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(39));
        assertThat(t).hasSize(1 + 15 + 1).anyMatch(l -> l.matches("node20  [|/\\\\-]\\.\\.  a step with a very long\\.\\.\\."));
        assertThat(t.get(t.size() - 1)).isEqualTo("... 15 more host(s); 15 of 30 done");
        p.finish(new Report("r", true, Map.of(), Optional.empty()));
    }

    @Test
    void elsewherePlainLinesAsStepsFinishThenTheRecap() {
        var w = new StringWriter();
        var p = new PlaybookProgress(new PrintWriter(w), false, true, 100);
        p.finish(feed(p));
        assertThat(w.toString()).doesNotContain("\033").isEqualTo("""
                ha1        ok      pkg: fine
                ha2        ok      pkg: fine
                ha2        failed  page: exit code 1: boom
                db         unreachable gather facts: connection refused
                ha1        changed page: fine
                    --- a
                    +++ b
                    @@ -1 +1 @@
                    -x
                    +y
                ha1        skipped svc: fine

                RECAP (run 20261205T191500Z-3fa2)
                ha1 : ok=1    changed=1    failed=0    skipped=1    unreachable=0
                ha2 : ok=1    changed=0    failed=1    skipped=0    unreachable=0
                db  : ok=0    changed=0    failed=0    skipped=0    unreachable=1
                """);
    }
}
