package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.control.ControlEvent.Kind;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.model.ResourceStatus;
import dev.vigil.quorum.Quorum;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Plan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusChangesTest {
    private static CoordinationStatus status(String coordinator, boolean quorate, Map<String, Map<String, ResourceEntry>> byNode,
                                             AdminState admin, Set<String> lost, Set<String> fenced) {
        return new CoordinationStatus(coordinator, new Quorum(quorate, quorate ? "2 of 3 votes" : "1 of 3 votes"), admin,
                byNode, Plan.EMPTY, List.of(), "", lost, fenced);
    }

    private static ResourceEntry entry(ResourceStatus s, int fails, String lastOp) {
        return new ResourceEntry(s, fails, 0, lastOp);
    }

    @Test
    void nothingChangedMeansNoEvents() {
        var s = status("ha1", true, Map.of("ha1", Map.of("www", entry(ResourceStatus.STARTED, 0, "start: OK"))),
                AdminState.INITIAL, Set.of(), Set.of());
        assertThat(StatusChanges.between(s, s)).isEmpty();
    }

    @Test
    void everyKindOfChangeIsReported() {
        var before = status("ha1", true, Map.of(
                        "ha1", Map.of("www", entry(ResourceStatus.STARTED, 0, "start: OK")),
                        "ha2", Map.of("www", entry(ResourceStatus.STOPPED, 0, ""))),
                AdminState.INITIAL, Set.of(), Set.of());
        var after = status("ha2", false, Map.of(
                        "ha2", Map.of("www", entry(ResourceStatus.STARTED, 0, "start: OK"))),
                new AdminState(1, Set.of("ha1"), false, List.of()), Set.of("ha1"), Set.of("ha3"));
        assertThat(StatusChanges.between(before, after)).containsExactly(
                new StatusChanges.Change(Kind.COORDINATOR, "ha2", "node ha2 is the coordinator"),
                new StatusChanges.Change(Kind.QUORUM, null, "quorum lost: 1 of 3 votes"),
                new StatusChanges.Change(Kind.FENCING, "ha3", "node ha3 fenced"),
                new StatusChanges.Change(Kind.FENCING, "ha1", "node ha1 lost: it may still run resources until it is fenced or back"),
                new StatusChanges.Change(Kind.RESOURCE, "ha2", "www started on ha2 (start: OK)"),
                new StatusChanges.Change(Kind.OPERATOR, null, "operator state version 1: maintenance off, standby [ha1], rules []"));
    }

    @Test
    void aNewFailureInTheSameStateIsReported() {
        var before = status("ha1", true, Map.of("ha1", Map.of("www", entry(ResourceStatus.STARTED, 0, "start: OK"))),
                AdminState.INITIAL, Set.of(), Set.of());
        var after = status("ha1", true, Map.of("ha1", Map.of("www", entry(ResourceStatus.STARTED, 1, "monitor: NOT_RUNNING"))),
                AdminState.INITIAL, Set.of(), Set.of());
        assertThat(StatusChanges.between(before, after)).containsExactly(new StatusChanges.Change(Kind.RESOURCE, "ha1",
                "www failed on ha1 (failure 1: monitor: NOT_RUNNING)"));
    }
}
