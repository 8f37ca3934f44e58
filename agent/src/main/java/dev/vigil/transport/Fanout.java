package dev.vigil.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which peers a regular beat goes to on a large cluster's unicast link ({@link #gossips(int, java.time.Duration)}). Up to
 * {@link #ALL_TO_ALL_LIMIT} peers every beat goes to every peer, as always. Above it each beat goes
 * to {@link #PER_BEAT} peers, taken in turn from a shuffled order that is drawn again each cycle:
 * every peer gets a beat from this node once a cycle of {@code ceil(peers / PER_BEAT)} beats (8
 * beats, 640 ms at {@code lan}, with 63 peers; rarely two cycles, when a new one starts mid-beat),
 * and learns of it in between from the freshness every beat relays (gossip-style failure
 * detection, van Renesse et al. 1998). It cuts what each agent receives from {@code peers} to
 * {@link #PER_BEAT} datagrams per keepalive, which is what its CPU grows with.
 *
 * <p>Not thread-safe: used by the one heartbeat sender thread.
 */
public final class Fanout {
    /** Clusters of up to 17 nodes keep all-to-all beats: exactly the behaviour and cost of before. */
    public static final int ALL_TO_ALL_LIMIT = 16;
    /**
     * Eight a beat: up to 64 nodes every peer still hears each node directly within deadtime at
     * {@code lan} (a cycle of 8 beats, 640 ms), so relays are a second path, not the only one: with
     * 4 a beat (a 1.3 s cycle, relays alone keeping nodes alive) 64 agents on a machine at load
     * 60–180 saw thousands of false deaths. Each agent receives 8 datagrams per keepalive.
     */
    public static final int PER_BEAT = 8;

    private final int peers;
    private final Random random;
    private final List<Integer> order = new ArrayList<>();
    private int next;

    /** @param random the order's source; tests pass a seeded one */
    public Fanout(int peers, Random random) {
        this.peers = peers;
        this.random = random;
        for (int i = 0; i < peers; i++) order.add(i);
        next = peers; // shuffle before the first beat
    }

    /**
     * Gossip needs a deadtime of several hops: news of a node takes ~3 keepalives to reach 64
     * nodes. The {@code fast} and {@code instant} presets (250 ms, 20 ms) keep all-to-all beats
     * at any size; {@code lan}, {@code wan} and {@code serial} gossip above the limit.
     */
    public static final java.time.Duration MIN_GOSSIP_DEADTIME = java.time.Duration.ofSeconds(1);

    /** Whether a link with {@code peers} sends beats to a few peers each: more than {@link #ALL_TO_ALL_LIMIT}. */
    public static boolean gossips(int peers) {
        return peers > ALL_TO_ALL_LIMIT;
    }

    /** {@link #gossips(int)}, and only with a deadtime of at least {@link #MIN_GOSSIP_DEADTIME}. */
    public static boolean gossips(int peers, java.time.Duration deadtime) {
        return gossips(peers) && deadtime.compareTo(MIN_GOSSIP_DEADTIME) >= 0;
    }

    /** The indices of the peers the next beat goes to: all of them, or {@link #PER_BEAT} in turn. */
    public int[] nextBeat() {
        if (!gossips(peers)) {
            int[] all = new int[peers];
            for (int i = 0; i < peers; i++) all[i] = i;
            return all;
        }
        int[] chosen = new int[PER_BEAT];
        for (int i = 0; i < PER_BEAT; ) {
            if (next == peers) {
                Collections.shuffle(order, random);
                next = 0;
            }
            int peer = order.get(next++);
            // A new cycle can start mid-beat: a datagram twice to one peer would be dropped as a replay.
            if (!contains(chosen, i, peer)) chosen[i++] = peer;
        }
        return chosen;
    }

    private static boolean contains(int[] a, int length, int value) {
        for (int i = 0; i < length; i++) {
            if (a[i] == value) return true;
        }
        return false;
    }
}
