package dev.vigil.drill.fault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A drill's fault: made once, undone at most once, and the cluster brought back by restore, which
 * always runs (after a pass, a fail or an abort) and says what it did.
 */
public interface Fault {
    /**
     * Makes the fault; returns what was done, for the timeline. Throws when it could not be made
     * (the drill is then aborted and restored).
     */
    String inject() throws Exception;

    /** How long the fault lasts before {@link #undo()} ends it (a freeze, a cut with a duration); empty: until restore. */
    default Optional<Duration> holdFor() {
        return Optional.empty();
    }

    /** Ends the fault itself (SIGCONT, links back); safe to call twice. Empty when there is nothing to undo. */
    default Optional<RestoreStep> undo() {
        return Optional.empty();
    }

    /** Undoes whatever {@link #inject()} left behind (after {@link #undo()}): rules cleared, failures forgotten, an agent restarted. */
    List<RestoreStep> restore();
}
