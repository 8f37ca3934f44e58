package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.StatusReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 21, item 3: {@code vigil status} shows this node's watchdog. */
class StatusTextWatchdogTest {
    private static StatusReport report(StatusReport.WatchdogReport watchdog) {
        return new StatusReport("web", "ha1", 1, 3, List.of("ha1", "ha2", "ha3"), 1,
                new StatusReport.TimingReport("lan", 200, 600, 1000, 10000), new StatusReport.VotesReport(3, 3),
                List.of(new StatusReport.NodeReport("ha1", "alive", true, 5, null, List.of())),
                Map.of(), new StatusReport.SenderReport(1, 0, 0, 0), null, Map.of(), null, watchdog);
    }

    @Test
    void deviceTimeoutStateLastPetAndTheOthersWait() {
        assertThat(StatusText.render(report(new StatusReport.WatchdogReport("/dev/watchdog", false, 10000, "petting",
                250L, "", 20000)))).contains("\nWatchdog: /dev/watchdog, timeout 10s: PETTING, last pet 250ms ago\n"
                + "  if this node is lost, the others take it as reset after 20s (timeout x 2)\n");
        assertThat(StatusText.render(report(new StatusReport.WatchdogReport("/run/vigil-bed/ha1.wd", true, 2000,
                "not-petting", 1750L, "quorum lost", 4000))))
                .contains("Watchdog: /run/vigil-bed/ha1.wd (stand-in), timeout 2s: NOT-PETTING, last pet 1750ms ago "
                        + "(quorum lost)\n");
        assertThat(StatusText.render(report(new StatusReport.WatchdogReport("/dev/watchdog", false, 10000, "waiting",
                null, "not quorate yet", 20000)))).contains("WAITING, never petted (not quorate yet)");
    }

    @Test
    void withoutAWatchdogThereIsNoSuchLine() {
        assertThat(StatusText.render(report(null))).doesNotContain("Watchdog");
    }
}
