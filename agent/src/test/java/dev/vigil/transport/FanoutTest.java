package dev.vigil.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FanoutTest {

    @Test
    void upToTheLimitEveryBeatGoesToEveryPeerAsBefore() {
        var fanout = new Fanout(Fanout.ALL_TO_ALL_LIMIT, new Random(1));
        for (int beat = 0; beat < 5; beat++) {
            assertThat(fanout.nextBeat()).containsExactly(IntStream.range(0, Fanout.ALL_TO_ALL_LIMIT).toArray());
        }
        assertThat(Fanout.gossips(Fanout.ALL_TO_ALL_LIMIT)).isFalse();
        assertThat(Fanout.gossips(Fanout.ALL_TO_ALL_LIMIT + 1)).isTrue();
        // Presets too quick for a few hops of gossip keep all-to-all at any size.
        assertThat(Fanout.gossips(63, java.time.Duration.ofMillis(250))).isFalse();
        assertThat(Fanout.gossips(63, java.time.Duration.ofSeconds(1))).isTrue();
        assertThat(Fanout.gossips(16, java.time.Duration.ofSeconds(6))).isFalse();
    }

    @Test
    void aboveItEachBeatGoesToAFewDistinctPeersAndEveryPeerIsReachedEachCycle() {
        int peers = 63; // 64 nodes: not a multiple of PER_BEAT, so cycles start mid-beat
        var fanout = new Fanout(peers, new Random(7));
        int cycle = (peers + Fanout.PER_BEAT - 1) / Fanout.PER_BEAT;
        int[] lastBeat = new int[peers];
        java.util.Arrays.fill(lastBeat, -1);
        int worstGap = 0;
        for (int beat = 0; beat < 100 * cycle; beat++) {
            int[] chosen = fanout.nextBeat();
            assertThat(chosen).hasSize(Fanout.PER_BEAT).doesNotHaveDuplicates();
            for (int p : chosen) {
                assertThat(p).isBetween(0, peers - 1);
                worstGap = Math.max(worstGap, beat - lastBeat[p]);
                lastBeat[p] = beat;
            }
        }
        assertThat(IntStream.of(lastBeat).min().orElseThrow()).isGreaterThanOrEqualTo(98 * cycle);
        // A peer's next beat comes within two cycles (the end of one and the start of the next).
        assertThat(worstGap).isLessThanOrEqualTo(2 * cycle);
    }

    @Test
    void theOrderIsDrawnAgainEachCycleSoNoTwoNodesShareAFixedRotation() {
        var fanout = new Fanout(32, new Random(3));
        var first = new HashSet<Integer>();
        var seen = new java.util.ArrayList<Integer>();
        for (int beat = 0; beat < 16; beat++) {
            for (int p : fanout.nextBeat()) seen.add(p);
        }
        first.addAll(seen.subList(0, 32));
        assertThat(first).hasSize(32);
        assertThat(seen.subList(32, 64)).containsExactlyInAnyOrderElementsOf(first).isNotEqualTo(seen.subList(0, 32));
    }
}
