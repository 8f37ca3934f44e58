package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.StatusReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 21: {@code vigil status} shows the quorum arbitrator: connected?, holds the vote?, algorithm. */
class StatusTextArbitratorTest {
    private static StatusReport report(StatusReport.ArbitratorReport a) {
        return new StatusReport("web", "ha1", 1, 3, List.of("ha1"), 1,
                new StatusReport.TimingReport("lan", 200, 600, 1000, 10000), new StatusReport.VotesReport(1, 2),
                List.of(new StatusReport.NodeReport("ha1", "alive", true, 5, null, List.of())),
                Map.of(), new StatusReport.SenderReport(1, 0, 0, 0), null, Map.of(), a, null);
    }

    @Test
    void aGrantedVoteWithWhatIsLeftOfItsLease() {
        var refused = new LinkedHashMap<String, Long>();
        refused.put("forged", 0L);
        refused.put("replayed", 2L);
        var text = StatusText.render(report(new StatusReport.ArbitratorReport("10.0.0.50:7696", "ffsplit", "lowest", 1,
                2000, true, "granted", true, List.of("ha1"), 1400, "of 2 partitions, [ha1] wins the tie", refused)));
        assertThat(text).contains("\nArbitrator 10.0.0.50:7696 (ffsplit, tie_breaker lowest, 1 vote, lease 2000ms): "
                + "connected, GRANTED for ha1 (this partition holds its vote, 1400ms left)\n"
                + "  of 2 partitions, [ha1] wins the tie\n"
                + "  refused on this connection: replayed 2\n");
    }

    @Test
    void anUnreachableArbitratorSaysSo() {
        var text = StatusText.render(report(new StatusReport.ArbitratorReport("arb:7696", "lms", "ha2", 2, 3000, false,
                "none", false, List.of(), 0, "arbitrator arb:7696: Connection refused", Map.of())));
        assertThat(text).contains("Arbitrator arb:7696 (lms, tie_breaker ha2, 2 votes, lease 3000ms): NOT CONNECTED, NONE "
                + "(this partition does not hold its vote)\n  arbitrator arb:7696: Connection refused\n");
        assertThat(StatusText.render(report(null))).doesNotContain("Arbitrator");
    }
}
