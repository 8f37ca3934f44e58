package dev.vigil.drillroom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillReader;
import dev.vigil.drill.fault.RestoreStep;
import dev.vigil.drill.probe.ProbeSample;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import dev.vigil.tui.Line;
import dev.vigil.tui.Tone;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill room's view models, line by line, without a terminal. */
class RoomLinesTest {
    @TempDir
    Path dir;

    private Drill drill(String yaml) throws Exception {
        var f = dir.resolve("drills.yaml");
        Files.writeString(f, yaml);
        var r = DrillReader.read(f);
        assertThat(r.errors()).isEmpty();
        return r.drills().get(0);
    }

    @Test
    void aDrillIsSaidInAFewWords() throws Exception {
        var d = drill("""
                drills:
                  - {name: a, kind: switchover, target: www, to: ha2, probes: [{tcp: "10.0.0.50:80"}],
                     expect: {service_back_within: 1500ms, resources: {www: ha2}, single_holder: [vip], fenced: false}}
                """);
        assertThat(RoomLines.fault(d)).isEqualTo("switchover of www to ha2");
        assertThat(RoomLines.expects(d)).isEqualTo("back within 1500ms; www on ha2; one holder of vip; not fenced");
        var plain = drill("drills:\n  - {name: b, kind: switchover, target: www}\n");
        assertThat(RoomLines.fault(plain)).isEqualTo("switchover of www");
        assertThat(RoomLines.expects(plain)).isEqualTo("the cluster settles");
    }

    @Test
    void checksAndVerdictsCarryTheirMarkersAndTones() {
        var lines = RoomLines.checks(List.of(new DrillReport.Check("quorum", true, "3 of 3 votes"),
                new DrillReport.Check("every node online", false, "ha3 dead")), 80);
        assertThat(lines).extracting(Line::text).containsExactly("  ✓ quorum: 3 of 3 votes", "  ✗ every node online: ha3 dead");
        assertThat(lines).extracting(l -> l.spans().get(0).tone()).containsExactly(Tone.GOOD, Tone.BAD);
        assertThat(RoomLines.tone("Verdict: PASS — every expectation held")).isEqualTo(Tone.GOOD);
        assertThat(RoomLines.tone("Verdict: FAIL — service back within 1000 ms")).isEqualTo(Tone.BAD);
        // a long one wraps within the width, its continuation indented
        var wrapped = RoomLines.checks(List.of(new DrillReport.Check("probe", false, "x ".repeat(60))), 40);
        assertThat(wrapped).allSatisfy(l -> assertThat(l.text().length()).isLessThanOrEqualTo(40));
        assertThat(wrapped.get(1).text()).startsWith("    x");
    }

    private static ProbeSample sample(int i, boolean ok) {
        return new ProbeSample("page", i * 100L, i * 100L + 5, ok, ok ? "200 from ha2" : "connection refused");
    }

    @Test
    void aProbeStripShowsTheNewestSamplesThatFitOldestLeftAndWhatTheLastSaid() {
        var samples = new ArrayList<ProbeSample>();
        for (int i = 0; i < 100; i++) samples.add(sample(i, i < 90 || i > 96)); // 7 failures, then 3 answers
        samples.add(new ProbeSample("other", 0, 1, false, "not mine"));
        var line = RoomLines.strip("page", samples, 60);
        assertThat(line.text()).hasSize(60);
        assertThat(line.text()).startsWith("page       ").endsWith(" ok 200 from ha2");
        String strip = line.text().substring(11, 60 - " ok 200 from ha2".length());
        assertThat(strip).hasSize(33).endsWith("|||||||||||||||||||||||XXXXXXX|||");
        assertThat(line.spans()).extracting(Line.Span::tone).containsSubsequence(Tone.GOOD, Tone.BAD, Tone.GOOD);
        assertThat(RoomLines.strip("page", List.of(), 40).text()).contains("no sample yet");
        var failing = RoomLines.strip("page", List.of(sample(0, true), sample(1, false)), 50);
        assertThat(failing.text()).contains("|X").endsWith("FAILED connection refused");
    }

    static DrillReport report() {
        var timeline = List.of(
                new TimelineEntry(0, "inject", null, "drill", "vigil resource move www ha2: www runs on ha2 (took 300 ms)"),
                new TimelineEntry(40, "membership", "ha1", "ha2", "view changed"),
                new TimelineEntry(120, "stop", "ha1", "ha1", "web stopped on ha1"),
                new TimelineEntry(900, "probe-ok", null, "drill", "probe page answered after an outage of 800 ms"));
        var phases = List.of(new DrillReport.PhaseTime("preconditions", 0, 100), new DrillReport.PhaseTime("inject", 100, 300),
                new DrillReport.PhaseTime("observe", 400, 1200), new DrillReport.PhaseTime("restore", 1600, 400),
                new DrillReport.PhaseTime("verdict", 2000, 0));
        var probes = List.of(new DrillReport.ProbeSeries("page", "http", "http://10.0.0.50/", 100, List.of(), 800, 900L, true));
        return new DrillReport("20261205T230000.000Z-web", "web", "switchover", "www", "drills.yaml", "web", 7, "abcd", 0, 100,
                "pass", "every expectation held", "moved", 800L, List.of(new DrillReport.Check("quorum", true, "3 of 3")),
                phases, List.of(new DrillReport.ExpectationResult("www ends on ha2", true, "ha2", "ha2", "www runs on ha2")),
                timeline, probes, List.of(RestoreStep.done("move/ban rule on www cleared", "")), Map.of());
    }

    @Test
    void theReportIsTheVerdictTheGapThePhasesAsATimelineAndEveryEventButTheChatter() {
        var text = RoomLines.report(report(), 80).stream().map(Line::text).toList();
        assertThat(text.get(0)).isEqualTo("Drill web (switchover of www), report 20261205T230000.000Z-web");
        assertThat(text.get(1)).isEqualTo("Verdict: PASS — every expectation held");
        assertThat(text.get(2)).isEqualTo("Client gap: 800 ms");
        assertThat(text.get(3)).isEqualTo("Phases (ms from the start of the run, 2000 ms in all):");
        // bars of 80 - 37 - 2 = 41 columns for 2000 ms: observe starts at 400 ms (column 8) and lasts 1200 ms (25 columns)
        String observe = text.get(6);
        assertThat(observe).startsWith("  observe       +400      1200 ms    ");
        int barStart = "  observe       +400      1200 ms    ".length();
        assertThat(observe.substring(barStart)).isEqualTo(" ".repeat(8) + "#".repeat(25));
        assertThat(text.get(4).substring(barStart)).isEqualTo("##"); // preconditions: 100 ms of 2000 at column 0
        assertThat(text).contains("  ✓ www ends on ha2: www runs on ha2", "Restored:", "  ✓ move/ban rule on www cleared",
                "  page (http http://10.0.0.50/): outage 800 ms, first answer after it at +900 ms", "  ✓ quorum: 3 of 3",
                "     +120 ms  stop       ha1: web stopped on ha1", "Timeline (ms from the injection):");
        assertThat(String.join("\n", text)).doesNotContain("view changed").doesNotContain("Phases: ");
        assertThat(text).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void aHistoryRowSaysTheVerdictWithItsMarkerAndTheGap() {
        var row = RoomLines.historyRow(report(), true, 100);
        assertThat(row.text()).startsWith("> 20261205T230000.000Z-web  PASS     every expectation held (gap 800 ms)");
        assertThat(row.spans()).extracting(Line.Span::tone).contains(Tone.SELECTED, Tone.GOOD);
    }
}
