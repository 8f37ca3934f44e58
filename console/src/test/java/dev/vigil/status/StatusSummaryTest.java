package dev.vigil.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.StatusReport.ResourceRow;
import dev.vigil.status.StatusSummary.Run;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusSummaryTest {

    private static ResourceRow row(List<String> runningOn, Map<String, String> states, Map<String, Integer> failures) {
        return new ResourceRow("web", "ocf:vigil:apache", null, false, runningOn, states, failures, Map.of());
    }

    @Test
    void startedWinsOverAFailureElsewhere() {
        var state = StatusSummary.resourceState(row(List.of("ha2", "ha3"),
                Map.of("ha1", "failed", "ha2", "started", "ha3", "started"), Map.of("ha1", 2)));
        assertThat(state.run()).isEqualTo(Run.STARTED);
        assertThat(state.words()).isEqualTo("Started ha2, ha3");
        assertThat(state.stopFailed()).isFalse();
    }

    @Test
    void failedWhenStartedNowhereAndFailedSomewhere() {
        var state = StatusSummary.resourceState(row(List.of(), Map.of("ha1", "failed", "ha2", "stopped"), Map.of()));
        assertThat(state.run()).isEqualTo(Run.FAILED);
        assertThat(state.words()).isEqualTo("FAILED");
    }

    @Test
    void aFailedStopMarksTheNodeUncleanWhateverElseTheResourceDoes() {
        var row = row(List.of(), Map.of("ha1", "stop_failed"), Map.of());
        var state = StatusSummary.resourceState(row);
        assertThat(state.run()).isEqualTo(Run.STOPPED);
        assertThat(state.words()).isEqualTo("Stopped");
        assertThat(state.stopFailed()).isTrue();
        assertThat(StatusSummary.failedAnywhere(row)).isTrue();
    }

    @Test
    void failureCountsKeepTheReportsOrder() {
        var failures = new LinkedHashMap<String, Integer>();
        failures.put("ha2", 1);
        failures.put("ha1", 3);
        assertThat(StatusSummary.failureCounts(row(List.of(), Map.of(), failures))).containsExactly("ha2=1", "ha1=3");
    }
}
