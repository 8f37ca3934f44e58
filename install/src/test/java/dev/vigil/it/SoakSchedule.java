package dev.vigil.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The soak's generator (Jepsen's word): a seed turned into a schedule of faults, with no clock and
 * no I/O, so one seed always gives the same schedule and a seed that found a violation replays it.
 *
 * <p>Faults run on two lanes. The <em>network</em> lane holds partitions (one node or a minority cut
 * off, or a bridge: A sees B and C, B and C do not see each other), 30 % loss on one node's link and a
 * flapping link; the <em>process</em> lane holds kill -9 of an agent or of a whole node, SIGSTOP of an
 * agent shorter and longer than deadtime, the web server's process killed and a hung stop. Within a
 * lane a fault is healed before the next one starts, so every fault is healed before the next of its
 * kind on its target; the two lanes overlap freely, except that a short pause never overlaps a network
 * fault (or its settling time) on the same node: its promise — the node is not fenced — could not be
 * judged then. Config applies (not faults: an operator's change the checker watches) come on a third
 * lane. The run ends with a quiet tail with no fault at all.
 *
 * @param seed   what the schedule came from
 * @param length the whole run, tail included
 * @param tail   the quiet end: no fault starts or lasts into it
 * @param faults in start order
 */
record SoakSchedule(long seed, Duration length, Duration tail, List<Fault> faults) {

    enum Kind {
        KILL_AGENT(Lane.PROCESS), KILL_NODE(Lane.PROCESS), PAUSE_SHORT(Lane.PROCESS), PAUSE_LONG(Lane.PROCESS),
        KILL_WEB(Lane.PROCESS), HUNG_STOP(Lane.PROCESS),
        PARTITION(Lane.NETWORK), BRIDGE(Lane.NETWORK), LOSS(Lane.NETWORK), FLAP(Lane.NETWORK),
        CONFIG_APPLY(Lane.OPERATOR);

        final Lane lane;

        Kind(Lane lane) {
            this.lane = lane;
        }

        /** Whether a fence of a node this fault touched is expected: every fault but a short pause. */
        boolean mayFence() {
            return this != PAUSE_SHORT && this != CONFIG_APPLY;
        }
    }

    enum Lane { PROCESS, NETWORK, OPERATOR }

    /** Whoever runs the resource when the fault starts ({@link Kind#KILL_WEB}, {@link Kind#HUNG_STOP}). */
    static final String HOLDER = "holder";

    /**
     * One fault.
     *
     * @param targets  the nodes it touches: one node; a partition's cut-off side; a bridge's
     *                 {@code [A, B, C]} (A the bridge); {@link #HOLDER}; empty for a config apply
     * @param duration how long until it is healed (a kill's: until the agent is started again)
     * @param period   a flapping link's half-period (down, then up); zero for the others
     */
    record Fault(Duration at, Kind kind, List<String> targets, Duration duration, Duration period) {
        Fault {
            targets = List.copyOf(targets);
        }

        Duration end() {
            return at.plus(duration);
        }

        @Override
        public String toString() {
            return String.format("%7.3fs %-12s %-14s %6d ms%s", at.toMillis() / 1000.0, kind, String.join(",", targets),
                    duration.toMillis(), period.isZero() ? "" : " (flap every " + period.toMillis() + " ms)");
        }
    }

    /**
     * The schedule for {@code seed}: faults on {@code nodes} from the start until {@code length -
     * tail}; {@code deadtime} sizes the pauses (a short one lasts at most 40 % of it, a long one
     * 1.5 to 4 times it) and {@code settle} is the quiet gap after each fault on its lane, at least
     * (the cluster's time to notice, fence and restart).
     */
    static SoakSchedule generate(long seed, List<String> nodes, Duration length, Duration tail, Duration deadtime,
                                 Duration settle) {
        if (nodes.size() < 3) throw new IllegalArgumentException("a soak needs 3 nodes or more, not " + nodes);
        if (length.compareTo(tail) <= 0) throw new IllegalArgumentException("tail " + tail + " >= run " + length);
        var random = new SplittableRandom(seed);
        Duration faultsEnd = length.minus(tail);
        var network = lane(random.split(), nodes, Lane.NETWORK, faultsEnd, deadtime, settle, List.of());
        var process = lane(random.split(), nodes, Lane.PROCESS, faultsEnd, deadtime, settle, network);
        var all = new ArrayList<Fault>(network);
        all.addAll(process);
        all.addAll(applies(random.split(), faultsEnd));
        all.sort(Comparator.comparing(Fault::at).thenComparing(f -> f.kind().ordinal()));
        return new SoakSchedule(seed, length, tail, all);
    }

    private static List<Fault> lane(SplittableRandom random, List<String> nodes, Lane lane, Duration faultsEnd,
                                    Duration deadtime, Duration settle, List<Fault> other) {
        var kinds = java.util.Arrays.stream(Kind.values()).filter(k -> k.lane == lane).toList();
        var faults = new ArrayList<Fault>();
        // A first gap so the cluster is settled before the first fault.
        Duration t = Duration.ofMillis(random.nextLong(1000, 1000 + settle.toMillis()));
        for (int guard = 0; guard < 10_000; guard++) {
            var kind = kinds.get(random.nextInt(kinds.size()));
            var f = fault(random, nodes, kind, t, deadtime);
            if (kind == Kind.PAUSE_SHORT && touchesDuring(other, f.targets().get(0), f.at(), f.end().plus(settle), settle)) {
                t = t.plusMillis(200); // a little later, and drawn again
                continue;
            }
            if (f.end().compareTo(faultsEnd) > 0) break;
            faults.add(f);
            // Network faults leave longer gaps, so short pauses find room between them.
            long spread = settle.toMillis() * (lane == Lane.NETWORK ? 3 : 1);
            t = f.end().plus(settle).plusMillis(random.nextLong(0, spread + 1));
        }
        return faults;
    }

    private static Fault fault(SplittableRandom r, List<String> nodes, Kind kind, Duration at, Duration deadtime) {
        String one = nodes.get(r.nextInt(nodes.size()));
        long dt = deadtime.toMillis();
        return switch (kind) {
            case KILL_AGENT, KILL_NODE -> new Fault(at, kind, List.of(one), ms(r, 2000, 8000), Duration.ZERO);
            case PAUSE_SHORT -> new Fault(at, kind, List.of(one), ms(r, dt / 10, dt * 4 / 10), Duration.ZERO);
            case PAUSE_LONG -> new Fault(at, kind, List.of(one), ms(r, dt * 3 / 2, dt * 4), Duration.ZERO);
            case KILL_WEB -> new Fault(at, kind, List.of(HOLDER), Duration.ofSeconds(1), Duration.ZERO);
            case HUNG_STOP -> new Fault(at, kind, List.of(HOLDER), ms(r, 5000, 15000), Duration.ZERO);
            case PARTITION -> new Fault(at, kind, minority(r, nodes), ms(r, 2000, 8000), Duration.ZERO);
            case BRIDGE -> new Fault(at, kind, shuffled(r, nodes).subList(0, 3), ms(r, 2000, 8000), Duration.ZERO);
            case LOSS -> new Fault(at, kind, List.of(one), ms(r, 5000, 15000), Duration.ZERO);
            case FLAP -> new Fault(at, kind, List.of(one), ms(r, 3000, 8000), ms(r, 200, 600));
            case CONFIG_APPLY -> new Fault(at, kind, List.of(), Duration.ZERO, Duration.ZERO);
        };
    }

    /** One or two config applies at random moments of the faulty part. */
    private static List<Fault> applies(SplittableRandom r, Duration faultsEnd) {
        var out = new ArrayList<Fault>();
        int n = 1 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            out.add(new Fault(ms(r, 5000, Math.max(5001, faultsEnd.toMillis())), Kind.CONFIG_APPLY, List.of(),
                    Duration.ZERO, Duration.ZERO));
        }
        return out;
    }

    /** A side cut off from the rest: one node, or (5 nodes and more) any minority. */
    private static List<String> minority(SplittableRandom r, List<String> nodes) {
        int size = 1 + r.nextInt((nodes.size() - 1) / 2);
        return List.copyOf(shuffled(r, nodes).subList(0, size)).stream().sorted().toList();
    }

    private static List<String> shuffled(SplittableRandom r, List<String> nodes) {
        var copy = new ArrayList<>(nodes);
        for (int i = copy.size() - 1; i > 0; i--) {
            java.util.Collections.swap(copy, i, r.nextInt(i + 1));
        }
        return copy;
    }

    /** Whether a fault of {@code faults} touches {@code node} (or every node: a bridge) between from and to + settle. */
    private static boolean touchesDuring(List<Fault> faults, String node, Duration from, Duration to, Duration settle) {
        return faults.stream().anyMatch(f -> f.at().compareTo(to) < 0 && f.end().plus(settle).compareTo(from) > 0
                && (f.kind() == Kind.BRIDGE || f.kind() == Kind.PARTITION || f.targets().contains(node)));
    }

    private static Duration ms(SplittableRandom r, long from, long to) {
        return Duration.ofMillis(r.nextLong(from, to + 1));
    }

    /** The schedule as printed with a violation (and at the start of every run). */
    String describe() {
        var sb = new StringBuilder("soak seed " + seed + ", " + length.toSeconds() + " s (last " + tail.toSeconds()
                + " s quiet), " + faults.size() + " faults; -Dsoak.seed=" + seed + " -Dsoak.duration=" + length
                + " replays it\n");
        faults.forEach(f -> sb.append("  ").append(f).append('\n'));
        return sb.toString();
    }
}
