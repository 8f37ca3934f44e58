package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.it.SoakSchedule.Fault;
import dev.vigil.it.SoakSchedule.Kind;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The soak's generator: pure, so a seed is a schedule (SoakBedIT runs it on the bed). */
class SoakScheduleTest {
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");
    private static final Duration DEADTIME = Duration.ofSeconds(1);
    private static final Duration SETTLE = Duration.ofSeconds(4);

    private static SoakSchedule of(long seed, List<String> nodes, Duration length) {
        return SoakSchedule.generate(seed, nodes, length, Duration.ofSeconds(60), DEADTIME, SETTLE);
    }

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        assertThat(of(42, NODES, Duration.ofMinutes(3))).isEqualTo(of(42, NODES, Duration.ofMinutes(3)));
        assertThat(of(42, NODES, Duration.ofMinutes(3)).faults()).isNotEqualTo(of(43, NODES, Duration.ofMinutes(3)).faults());
        assertThat(of(42, NODES, Duration.ofMinutes(3)).describe()).contains("-Dsoak.seed=42");
    }

    @Test
    void everyKindIsReachableInAShortRunAndAllOfThemInFew() {
        var seen = EnumSet.noneOf(Kind.class);
        LongStream.range(0, 20).forEach(seed -> of(seed, NODES, Duration.ofMinutes(3)).faults()
                .forEach(f -> seen.add(f.kind())));
        assertThat(seen).containsExactlyInAnyOrder(Kind.values());
        // The 30-minute run gets every kind from one seed.
        var one = EnumSet.noneOf(Kind.class);
        of(7, NODES, Duration.ofMinutes(30)).faults().forEach(f -> one.add(f.kind()));
        assertThat(one).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void theSeedCiRunsHasEveryKindInItsThreeMinutes() {
        var kinds = EnumSet.noneOf(Kind.class);
        SoakSchedule.generate(SoakBedIT.DEFAULT_SEED, NODES, Duration.ofMinutes(3), Duration.ofSeconds(36),
                DEADTIME, SETTLE).faults().forEach(f -> kinds.add(f.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void faultsOfALaneNeverOverlapAndAllEndBeforeTheQuietTail() {
        for (long seed = 0; seed < 200; seed++) {
            var s = of(seed, NODES, Duration.ofMinutes(3));
            var quiet = s.length().minus(s.tail());
            for (var lane : SoakSchedule.Lane.values()) {
                if (lane == SoakSchedule.Lane.OPERATOR) continue;
                var faults = s.faults().stream().filter(f -> f.kind().lane == lane).toList();
                for (int i = 1; i < faults.size(); i++) {
                    // Healed, then the settling time, before the next on the lane: the same kind on the same target too.
                    assertThat(faults.get(i).at()).as("seed %d: %s after %s", seed, faults.get(i), faults.get(i - 1))
                            .isGreaterThanOrEqualTo(faults.get(i - 1).end().plus(SETTLE));
                }
            }
            assertThat(s.faults()).allSatisfy(f -> assertThat(f.end()).isLessThanOrEqualTo(quiet));
        }
    }

    @Test
    void aShortPauseIsShorterThanDeadtimeALongOneLongerAndNoNetworkFaultTouchesItsNode() {
        for (long seed = 0; seed < 200; seed++) {
            var s = of(seed, NODES, Duration.ofMinutes(3));
            for (var f : s.faults()) {
                if (f.kind() == Kind.PAUSE_SHORT) {
                    assertThat(f.duration()).isLessThan(DEADTIME.dividedBy(2));
                    var node = f.targets().get(0);
                    assertThat(s.faults()).filteredOn(n -> n.kind().lane == SoakSchedule.Lane.NETWORK)
                            .noneMatch(n -> n.at().compareTo(f.end().plus(SETTLE)) < 0
                                    && n.end().plus(SETTLE).compareTo(f.at()) > 0
                                    && (n.targets().contains(node) || n.kind() == Kind.PARTITION || n.kind() == Kind.BRIDGE));
                }
                if (f.kind() == Kind.PAUSE_LONG) {
                    assertThat(f.duration()).isGreaterThan(DEADTIME);
                }
            }
        }
    }

    @Test
    void partitionsCutOffAMinorityAndABridgeNamesThreeNodes() {
        var five = List.of("ha1", "ha2", "ha3", "ha4", "ha5");
        var sizes = new java.util.HashSet<Integer>();
        for (long seed = 0; seed < 50; seed++) {
            for (Fault f : of(seed, five, Duration.ofMinutes(5)).faults()) {
                if (f.kind() == Kind.PARTITION) {
                    assertThat(f.targets().size()).isBetween(1, 2);
                    sizes.add(f.targets().size());
                }
                if (f.kind() == Kind.BRIDGE) assertThat(f.targets()).hasSize(3).doesNotHaveDuplicates();
            }
        }
        assertThat(sizes).as("an isolated node and a 2|3 split").containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void fewerThanThreeNodesOrATailLongerThanTheRunAreRefused() {
        assertThatThrownBy(() -> of(1, List.of("ha1", "ha2"), Duration.ofMinutes(3)))
                .hasMessageContaining("3 nodes");
        assertThatThrownBy(() -> of(1, NODES, Duration.ofSeconds(30))).hasMessageContaining("tail");
    }
}
