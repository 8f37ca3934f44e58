package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the coordinator may dispatch beside what is in flight (found by SoakBedIT, seed 20261230). */
class DispatchLanesTest {
    private static DispatchedAction inFlight(String resource, Operation op, String node) {
        return new DispatchedAction(1, resource + ":" + op + "@" + node, op, resource, node, Map.of());
    }

    private static DispatchLanes lanes(DispatchedAction... inFlight) {
        return new DispatchLanes(r -> r.equals("db") || r.equals("proxy"), List.of(inFlight));
    }

    @Test
    void aPromoteInFlightAnywhereHoldsBackAnotherPromoteOfTheSameResource() {
        var lanes = lanes(inFlight("db", Operation.PROMOTE, "ha3"));
        assertThat(lanes.free("db", "ha1", Operation.PROMOTE)).as("a second promoted instance").isFalse();
        assertThat(lanes.free("db", "ha1", Operation.START)).as("another instance's start").isTrue();
        assertThat(lanes.free("db", "ha3", Operation.DEMOTE)).as("the promoting instance itself").isFalse();
    }

    @Test
    void aPromoteTakenInThisRoundHoldsBackTheNextOne() {
        var lanes = lanes();
        assertThat(lanes.free("db", "ha3", Operation.PROMOTE)).isTrue();
        lanes.take("db", "ha3", Operation.PROMOTE);
        assertThat(lanes.free("db", "ha1", Operation.PROMOTE)).isFalse();
    }

    @Test
    void cloneInstancesRunSideBySideAndAPlainResourceOneOperationAtATime() {
        var lanes = lanes(inFlight("proxy", Operation.START, "ha1"), inFlight("vip", Operation.STOP, "ha1"));
        assertThat(lanes.free("proxy", "ha2", Operation.START)).isTrue();
        assertThat(lanes.free("proxy", "ha1", Operation.STOP)).isFalse();
        assertThat(lanes.free("vip", "ha2", Operation.START)).as("vip still stopping on ha1").isFalse();
        assertThat(lanes.free("db", "ha1", Operation.PROMOTE)).isTrue();
    }
}
