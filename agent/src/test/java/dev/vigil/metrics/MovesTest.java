package dev.vigil.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.model.ResourceStatus;
import dev.vigil.quorum.Quorum;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Plan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MovesTest {
    /** @param states node, resource, state letter (S started, s stopped, F failed), ... */
    static CoordinationStatus status(String... states) {
        var byNode = new LinkedHashMap<String, Map<String, ResourceEntry>>();
        for (int i = 0; i < states.length; i += 3) {
            var st = switch (states[i + 2]) {
                case "S" -> ResourceStatus.STARTED;
                case "s" -> ResourceStatus.STOPPED;
                case "P" -> ResourceStatus.PROMOTED;
                case "?" -> ResourceStatus.UNKNOWN;
                default -> ResourceStatus.FAILED;
            };
            byNode.computeIfAbsent(states[i], n -> new LinkedHashMap<>()).put(states[i + 1], new ResourceEntry(st, 0, 0, ""));
        }
        return new CoordinationStatus("ha1", new Quorum(true, "2 of 2 votes"), AdminState.INITIAL, byNode, Plan.EMPTY,
                List.of(), "", Set.of(), Set.of());
    }

    @Test
    void aFailoverAndAFailbackAreMovesTheFirstStartIsNot() {
        var moves = new Moves();
        var none = status();
        var onHa1 = status("ha1", "www", "S", "ha2", "www", "s");
        assertThat(moves.between(none, onHa1)).isEmpty(); // the first start this agent sees
        var ha1Dead = status("ha2", "www", "s");
        assertThat(moves.between(onHa1, ha1Dead)).isEmpty();
        var onHa2 = status("ha2", "www", "S");
        assertThat(moves.between(ha1Dead, onHa2)).containsExactly(new Moves.Move("www", "ha1", "ha2"));
        assertThat(moves.between(onHa2, onHa2)).as("the same snapshot again").isEmpty();
        var back = status("ha1", "www", "S", "ha2", "www", "s");
        assertThat(moves.between(onHa2, back)).containsExactly(new Moves.Move("www", "ha2", "ha1"));
    }

    @Test
    void aRestartInPlaceAndACloneOnMoreNodesAreNotMoves() {
        var moves = new Moves();
        var running = status("ha1", "www", "S", "ha1", "ping", "S");
        assertThat(moves.between(status(), running)).isEmpty();
        var failed = status("ha1", "www", "F", "ha1", "ping", "S", "ha2", "ping", "S");
        assertThat(moves.between(running, failed)).isEmpty();
        var restarted = status("ha1", "www", "S", "ha2", "ping", "S");
        assertThat(moves.between(failed, restarted)).as("www restarted on ha1; the clone ping ran on both, now on ha2 alone")
                .isEmpty();
    }

    @Test
    void aPromotionIsCountedWhereAKnownInstanceBecomesPromotedNotWhereAProbeFindsOne() {
        var probing = status("ha1", "db", "?", "ha2", "db", "?");
        var found = status("ha1", "db", "P", "ha2", "db", "S");
        assertThat(Moves.promotions(status(), found)).as("the first snapshot: nothing known before").isEmpty();
        assertThat(Moves.promotions(probing, found)).as("a probe finds what was there").isEmpty();
        assertThat(Moves.promotions(found, found)).isEmpty();
        // ha1 dies: ha2's unpromoted instance is promoted (a failover of the promoted role).
        var ha1Gone = status("ha2", "db", "S");
        assertThat(Moves.promotions(found, ha1Gone)).isEmpty();
        var ha2Promoted = status("ha2", "db", "P");
        assertThat(Moves.promotions(ha1Gone, ha2Promoted)).containsExactly(new Moves.Promotion("db", "ha2"));
        // Started and promoted between two snapshots counts too; a demotion does not.
        assertThat(Moves.promotions(status("ha1", "db", "s", "ha2", "db", "P"), status("ha1", "db", "P", "ha2", "db", "S")))
                .containsExactly(new Moves.Promotion("db", "ha1"));
    }
}
