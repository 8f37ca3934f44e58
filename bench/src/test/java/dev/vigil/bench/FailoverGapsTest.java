package dev.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailoverGapsTest {
    @TempDir
    Path dir;

    /** A synthetic trial on a 10 ms grid: {@code okA} good answers from a, {@code fails}, then b. */
    private static List<ProbeRecord> failover(long t0, String a, int okA, int fails, String b, int okB) {
        var r = new ArrayList<ProbeRecord>();
        long t = t0;
        for (int i = 0; i < okA; i++, t += 10) r.add(ProbeRecord.ok(t, a));
        for (int i = 0; i < fails; i++, t += 10) r.add(ProbeRecord.fail(t, "timeout"));
        for (int i = 0; i < okB; i++, t += 10) r.add(ProbeRecord.ok(t, b));
        return r;
    }

    @Test
    void theGapRunsFromTheOldNodesLastGoodAnswerToTheNewNodesFirst() {
        var trial = FailoverGaps.analyse("t", failover(1_000, "ha1", 5, 12, "ha2", 5));

        assertThat(trial.probes()).isEqualTo(22);
        assertThat(trial.failed()).isEqualTo(12);
        assertThat(trial.outages()).isEmpty();
        assertThat(trial.failovers()).singleElement().satisfies(g -> {
            assertThat(g.from()).isEqualTo("ha1");
            assertThat(g.to()).isEqualTo("ha2");
            assertThat(g.lastGoodMs()).isEqualTo(1_040);
            assertThat(g.firstGoodMs()).isEqualTo(1_170);
            assertThat(g.length()).isEqualTo(Duration.ofMillis(130));
            assertThat(g.failedProbes()).isEqualTo(12);
        });
    }

    @Test
    void aNodeComingBackItselfIsAnOutageNotAFailover() {
        var records = failover(0, "ha1", 3, 4, "ha1", 3);
        var trial = FailoverGaps.analyse("t", records);

        assertThat(trial.outages()).singleElement().satisfies(g -> assertThat(g.length()).isEqualTo(Duration.ofMillis(50)));
        assertThat(trial.failovers()).isEmpty();
    }

    /** Two nodes answering in turn with nothing failing between is no takeover: no "10 ms gap" in the figures. */
    @Test
    void anotherNodeAnsweringWithNoFailedProbeIsASwitchNotAFailover() {
        var records = failover(0, "ha1", 3, 4, "ha2", 3);
        records.addAll(failover(100, "ha2", 0, 0, "ha1", 2));
        records.addAll(failover(200, "ha1", 0, 0, "ha2", 2));
        var trial = FailoverGaps.analyse("t", records);

        assertThat(trial.failovers()).singleElement().satisfies(g -> assertThat(g.failedProbes()).isEqualTo(4));
        assertThat(trial.switches()).hasSize(2).allSatisfy(g -> assertThat(g.failedProbes()).isZero());
        assertThat(FailoverGaps.failoverStats(List.of(trial)).orElseThrow().count()).isEqualTo(1);
        assertThat(FailoverGaps.report(List.of(trial))).contains("1 failover(s)", "2 switch(es)", "switch ha2 -> ha1");
    }

    @Test
    void recordsOutOfOrderAreSortedFirstAndLeadingFailuresAreNoGap() {
        var records = failover(500, "ha1", 2, 3, "ha2", 2);
        records.add(0, ProbeRecord.fail(400, "refused"));
        java.util.Collections.reverse(records);
        var trial = FailoverGaps.analyse("t", records);

        assertThat(trial.failed()).isEqualTo(4);
        assertThat(trial.failovers()).singleElement()
                .satisfies(g -> assertThat(g.length()).isEqualTo(Duration.ofMillis(40)));
    }

    @Test
    void statsAreMinMedianAndMaxOverAllTrials() {
        var trials = List.of(
                FailoverGaps.analyse("1", failover(0, "ha1", 2, 9, "ha2", 2)),    // 100 ms
                FailoverGaps.analyse("2", failover(0, "ha2", 2, 29, "ha1", 2)),   // 300 ms
                FailoverGaps.analyse("3", failover(0, "ha1", 2, 14, "ha2", 2)),   // 150 ms
                FailoverGaps.analyse("4", failover(0, "ha1", 2, 19, "ha2", 2)));  // 200 ms

        var stats = FailoverGaps.failoverStats(trials).orElseThrow();
        assertThat(stats.count()).isEqualTo(4);
        assertThat(stats.min()).isEqualTo(Duration.ofMillis(100));
        assertThat(stats.median()).isEqualTo(Duration.ofMillis(175));
        assertThat(stats.max()).isEqualTo(Duration.ofMillis(300));
        assertThat(FailoverGaps.report(trials)).contains("min 100 ms, median 175 ms, max 300 ms");

        var odd = FailoverGaps.failoverStats(trials.subList(0, 3)).orElseThrow();
        assertThat(odd.median()).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void aTrialWithoutFailoverSaysSo() {
        var trials = List.of(FailoverGaps.analyse("steady", failover(0, "ha1", 10, 0, "ha1", 0)));
        assertThat(FailoverGaps.failoverStats(trials)).isEmpty();
        assertThat(FailoverGaps.report(trials)).contains("no failover in 1 trial(s)");
    }

    @Test
    void readsTheLogFormatTheProbeWrites() throws Exception {
        var log = dir.resolve("trial1.csv");
        var lines = failover(1_700_000_000_000L, "ha1", 3, 5, "ha2", 3).stream().map(ProbeRecord::format).toList();
        Files.write(log, lines);
        assertThat(lines.get(3)).isEqualTo("1700000000030,fail,timeout");

        var trial = FailoverGaps.read(log);
        assertThat(trial.failovers()).singleElement()
                .satisfies(g -> assertThat(g.length()).isEqualTo(Duration.ofMillis(60)));
    }

    @Test
    void badLinesNameFileLineAndColumn() throws Exception {
        var log = dir.resolve("bad.csv");
        Files.write(log, List.of("1000,ok,ha1", "1010,maybe,ha1"));
        assertThatThrownBy(() -> FailoverGaps.read(log))
                .hasMessage(log + ":2:6: status must be ok or fail, got 'maybe'");

        Files.write(log, List.of("soon,ok,ha1"));
        assertThatThrownBy(() -> FailoverGaps.read(log)).hasMessageStartingWith(log + ":1:1: 'soon'");

        Files.write(log, List.of("1000,ok,"));
        assertThatThrownBy(() -> FailoverGaps.read(log)).hasMessage(log + ":1:9: an ok probe must name its node");
    }

    @Test
    void errorsWithCommasOrNewlinesStayOneField() {
        var r = ProbeRecord.fail(5, "Connection refused, really\nyes");
        assertThat(r.format()).isEqualTo("5,fail,Connection refused really yes");
        assertThat(ProbeRecord.parse(r.format(), "x:1")).isEqualTo(r);
    }
}
