package dev.vigil.scheduler;

import java.time.Instant;
import java.util.Map;

/**
 * What the watchdog rule needs beyond the rest of the input (docs/fencing.md, "Watchdog
 * self-fencing").
 *
 * @param lostSince       when each lost node was declared lost (the clock of {@link SchedulerInput#now});
 *                        a lost node missing here never counts as reset by its watchdog
 * @param exclusiveQuorum no other partition can be quorate while this one is: it holds a majority of
 *                        the votes (or, with an arbitrator, its vote). A tie broken by fencing, a ping
 *                        target or {@code two_node_unsafe} is not exclusive: the other half may be
 *                        quorate too, and then it keeps petting its watchdog
 */
public record SelfFencingInput(Map<String, Instant> lostSince, boolean exclusiveQuorum) {

    /** Nothing known: no lost node counts as reset by its watchdog. */
    public static final SelfFencingInput NONE = new SelfFencingInput(Map.of(), false);

    public SelfFencingInput {
        lostSince = Map.copyOf(lostSince);
    }
}
