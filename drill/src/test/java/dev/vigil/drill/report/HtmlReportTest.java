package dev.vigil.drill.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.fault.RestoreStep;
import dev.vigil.drill.report.DrillReport.Check;
import dev.vigil.drill.report.DrillReport.ExpectationResult;
import dev.vigil.drill.report.DrillReport.PhaseTime;
import dev.vigil.drill.report.DrillReport.ProbeSeries;
import dev.vigil.drill.report.DrillReport.Sample;
import dev.vigil.drill.report.DrillReport.TimelineEntry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @TempDir
    java.nio.file.Path dir;

    static DrillReport sample() {
        return new DrillReport("20261205T210000Z-crash", "crash", "node-crash", "ha1", "d.yaml", "web", 7, "0123456789abcdef",
                1_800_000_000_000L, 1_800_000_001_000L, "fail", "service back within 1000 ms (page): outage 1600 ms, 600 ms over",
                "ha1 rebooted <through> fence device power-ha1", 1600L,
                List.of(new Check("quorum", true, "2 of 2")),
                List.of(new PhaseTime("preconditions", 0, 1000), new PhaseTime("inject", 1000, 30), new PhaseTime("observe", 1030, 2100)),
                List.of(new ExpectationResult("service back within 1000 ms (page)", false, "outage ≤ 1000 ms", "outage 1600 ms", "600 ms over")),
                List.of(new TimelineEntry(0, "inject", "ha1", "drill", "ha1 rebooted"),
                        new TimelineEntry(1000, "detection", "ha1", "ha2", "node ha1 is dead"),
                        new TimelineEntry(1200, "fencing", "ha1", "ha2", "node ha1 fenced"),
                        new TimelineEntry(1500, "start", "ha2", "ha2", "web started on ha2 & <ok>")),
                List.of(new ProbeSeries("page", "http", "http://10.0.0.50/", 100,
                        List.of(new Sample(-100, 1, true, "200"), new Sample(0, 1, false, "refused"), new Sample(1600, 1, true, "200")),
                        1600, 1601L, true, "ha3", "from ha3, stamped with its monotonic clock, placed on this machine's within ±0.4 ms")),
                List.of(RestoreStep.done("ha1's agent restarted", "exit 0")), java.util.Map.of("ha2", 0L));
    }

    @Test
    void thePageIsSelfContainedAndItsTimelineIsWellFormedSvgWithEveryMark() throws Exception {
        String html = HtmlReport.render(sample());
        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
        assertThat(html).contains("FAIL").contains("version 7, sha256 0123456789abcdef").contains("1600 ms").contains("ha2: 0")
                .contains("ha1 rebooted &lt;through&gt; fence device").contains("web started on ha2 &amp; &lt;ok&gt;")
                .contains("<td>ha3</td><td>from ha3, stamped with its monotonic clock, placed on this machine&#39;s within ±0.4 ms</td>");
        String svg = html.substring(html.indexOf("<svg"), html.indexOf("</svg>") + 6);
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getElementsByTagName("g").getLength()).as("one mark per timeline entry").isEqualTo(4);
        assertThat(svg).as("the legend").contains(">detection</text>").contains(">probe-fail</text>");
        assertThat(doc.getElementsByTagName("rect").getLength()).as("one mark per probe sample").isEqualTo(3);
        assertThat(svg).contains("class=\"probe failed\"").contains("first answer +1601 ms");
        // Lanes: the drill, then ha1 (the target), ha2 (its detection and fence of ha1, its start).
        assertThat(svg).contains(">drill</text>").contains(">ha1</text>").contains(">ha2</text>").contains(">probe page</text>");
    }

    @Test
    void reportsAreKeptAndReadBackById() throws Exception {
        var store = new ReportStore(dir);
        store.save(sample());
        assertThat(store.ids()).containsExactly("20261205T210000Z-crash");
        assertThat(store.load("20261205T210000Z-crash")).contains(sample());
        assertThat(store.load("../etc/passwd")).isEmpty();
        assertThat(store.load("nope")).isEmpty();
    }
}
