package dev.vigil.scheduler;

import dev.vigil.config.WatchdogSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The watchdog rule, as SBD's {@code stonith-watchdog-timeout}: a lost node counts as reset by its
 * own watchdog, and so as fenced, once {@link WatchdogSpec#selfFenceWait} (timeout × 2) has passed
 * since it was declared lost, provided this partition's quorum is exclusive: a node pets only while
 * quorate, and only then is the lost one sure not to be. Before that, what it ran or may have run
 * waits; with power fencing too, whichever comes first wins: the fence's success or the end of the
 * wait (a power fence that cannot reach a node with no power still lets the cluster go on).
 */
public final class SelfFencing {
    private final SchedulerInput in;
    private final Optional<WatchdogSpec> watchdog;

    SelfFencing(SchedulerInput in) {
        this.in = in;
        this.watchdog = in.config().watchdog();
    }

    /** For the coordinator, which starts fences ahead of the plan: whether {@code node} counts as reset now. */
    public static boolean isReset(SchedulerInput in, String node) {
        return new SelfFencing(in).isReset(node);
    }

    boolean configured() {
        return watchdog.isPresent();
    }

    /** When the lost {@code node} counts as reset; empty when it never will from here. */
    Optional<Instant> resetBy(String node) {
        if (watchdog.isEmpty() || !in.selfFencing().exclusiveQuorum()) {
            return Optional.empty();
        }
        return Optional.ofNullable(in.selfFencing().lostSince().get(node))
                .map(t -> t.plus(watchdog.get().selfFenceWait()));
    }

    boolean isReset(String node) {
        return resetBy(node).map(t -> !in.now().isBefore(t)).orElse(false);
    }

    /** Why what {@code node} ran still waits, for the plan's notes. */
    String waiting(String node) {
        var w = watchdog.orElseThrow();
        String rule = "watchdog timeout " + seconds(w.timeout()) + " x 2";
        if (!in.selfFencing().exclusiveQuorum()) {
            return node + " lost; its watchdog cannot be counted on: this partition's quorum is a tie another "
                    + "partition may also hold (" + rule + " applies only with a majority)";
        }
        Instant since = in.selfFencing().lostSince().get(node);
        if (since == null) {
            return node + " lost at an unknown time; waiting for it to come back";
        }
        // No "n seconds from now": the note would change every tick, and with it the plan the log shows.
        return node + " lost at " + since + "; counts as reset by its watchdog at " + since.plus(w.selfFenceWait())
                + " (" + rule + ")";
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }
}
