package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.StatusReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 21: {@code vigil status} says who would win a fence race and why. */
class StatusTextFencingTest {
    private static StatusReport report(StatusReport.FencingReport fencing) {
        var res = new StatusReport.ResourcesReport("ha1", true, "2 of 2 votes", false, List.of(), List.of(), "",
                List.of(), List.of(), List.of(), List.of(), List.of(), null, Map.of(), fencing);
        return new StatusReport("web", "ha1", 1, 3, List.of("ha1", "ha2"), 1,
                new StatusReport.TimingReport("lan", 200, 600, 1000, 10000), new StatusReport.VotesReport(2, 2),
                List.of(new StatusReport.NodeReport("ha1", "alive", true, 5, null, List.of())),
                Map.of(), new StatusReport.SenderReport(1, 0, 0, 0), res);
    }

    @Test
    void eachDevicesDelayAndEachNodesPriorityAndWait() {
        var text = StatusText.render(report(new StatusReport.FencingReport(5000,
                List.of(new StatusReport.FenceDeviceDelay("f1", "ha2 2s, others 0s + random, total < 3s", 0,
                        Map.of("ha2", 2000L), 3000)),
                List.of(new StatusReport.NodeFencing("ha1", 10, 5000, "f1", 5000, 7999),
                        new StatusReport.NodeFencing("ha2", 0, 0, "f1", 2000, 2000),
                        new StatusReport.NodeFencing("ha3", 0, 0, null, 0, 0)))));
        assertThat(text).contains("Fence races (if a node alone were lost now):\n"
                + "  priority_fencing_delay: 5000ms\n"
                + "  device f1               delay ha2 2s, others 0s + random, total < 3s\n"
                + "  node ha1                priority 10     fencing it waits 5000-7999ms (5000ms priority delay, then f1)\n"
                + "  node ha2                priority 0      fencing it waits 2000ms (f1)\n"
                + "  node ha3                priority 0      fencing it waits (no device can fence it)\n");
    }

    @Test
    void withoutFencingThereIsNoSuchSection() {
        assertThat(StatusText.render(report(null))).doesNotContain("Fence races");
    }
}
