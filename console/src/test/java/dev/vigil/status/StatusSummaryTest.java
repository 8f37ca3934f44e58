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

    private static ResourceRow inTransition(List<String> runningOn, Map<String, String> transitions, boolean unmanaged) {
        return new ResourceRow("web", "ocf:vigil:apache", null, false, runningOn, Map.of("ha1", "started"), Map.of(),
                Map.of(), Map.of(), Map.of(), transitions, unmanaged, false);
    }

    /** Issue 18 item 4: as crm_mon, the node an operation is in flight on reads Stopping/Starting. */
    @Test
    void anOperationInFlightReadsAsCrmMonsTransitions() {
        var stopping = StatusSummary.resourceState(inTransition(List.of("ha1"), Map.of("ha1", "stopping"), false));
        assertThat(stopping.inTransition()).isTrue();
        assertThat(stopping.words()).isEqualTo("Stopping ha1");

        var starting = StatusSummary.resourceState(inTransition(List.of(), Map.of("ha2", "starting"), false));
        assertThat(starting.words()).isEqualTo("Starting ha2");

        var clone = new LinkedHashMap<String, String>();
        clone.put("ha3", "starting");
        assertThat(StatusSummary.resourceState(inTransition(List.of("ha1", "ha2"), clone, false)).words())
                .isEqualTo("Started ha1, ha2; Starting ha3");
        assertThat(StatusSummary.transitionWord("cleaning")).isEqualTo("Cleaning up");
    }

    @Test
    void inMaintenanceAResourceIsUnmanaged() {
        assertThat(StatusSummary.resourceState(inTransition(List.of("ha1"), Map.of(), true)).words())
                .isEqualTo("Started ha1 (unmanaged)");
    }

    /** From an agent without the multipleActive field, a non-clone on two nodes is still flagged. */
    @Test
    void aNonCloneOnTwoNodesIsMultipleActiveEvenFromAnOlderAgent() {
        var row = new ResourceRow("web", "ocf:vigil:apache", null, false, List.of("ha1", "ha2"),
                Map.of("ha1", "started", "ha2", "started"), Map.of(), Map.of(), null, null, null, false, false);
        var state = StatusSummary.resourceState(row);
        assertThat(state.multipleActive()).isTrue();
        assertThat(state.inTransition()).isFalse();
        assertThat(StatusSummary.multipleActiveWarning(row)).isEqualTo(
                "web is ACTIVE ON 2 NODES (ha1, ha2) but is no clone: the coordinator stops all but one; check its data");
        var clone = new ResourceRow("db", "lsb:postgresql", null, true, List.of("ha1", "ha2"),
                Map.of("ha1", "started", "ha2", "started"), Map.of(), Map.of());
        assertThat(StatusSummary.resourceState(clone).multipleActive()).isFalse();
    }

    /** A promotable clone as crm_mon shows it, its scores, and a failed promoted instance. */
    @Test
    void aPromotableCloneReadsAsItsRoles() {
        var states = new LinkedHashMap<String, String>();
        states.put("ha1", "promoted");
        states.put("ha2", "started");
        states.put("ha3", "failed_promoted");
        var scores = new LinkedHashMap<String, String>();
        scores.put("ha1", "10");
        scores.put("ha2", "5");
        var row = new ResourceRow("db", "ocf:pacemaker:Stateful", null, true, List.of("ha1", "ha2"), states,
                Map.of("ha3", 1), Map.of(), Map.of(), Map.of(), Map.of("ha2", "promoting"), false, false,
                Map.of("ha1", "Promoted", "ha2", "Unpromoted"), scores);
        var state = StatusSummary.resourceState(row);
        assertThat(state.run()).isEqualTo(Run.STARTED);
        assertThat(state.words()).isEqualTo("Promoted ha1; Promoting ha2");
        assertThat(StatusSummary.promotionScores(row)).isEqualTo("ha1=10 ha2=5");
        assertThat(StatusSummary.failedAnywhere(row)).isTrue();

        var steady = new ResourceRow("db", "ocf:pacemaker:Stateful", null, true, List.of("ha1", "ha2"), states,
                Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), false, false,
                Map.of("ha1", "Promoted", "ha2", "Unpromoted"), scores);
        assertThat(StatusSummary.resourceState(steady).words()).isEqualTo("Promoted ha1; Unpromoted ha2");
        assertThat(StatusSummary.promotionScores(row(List.of(), Map.of(), Map.of()))).isEmpty();
    }
}
