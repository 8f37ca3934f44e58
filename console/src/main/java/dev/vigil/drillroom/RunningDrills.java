package dev.vigil.drillroom;

import dev.vigil.drill.report.ReportStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The guided drills running in this console. A console stopped (SIGTERM) mid-drill must not leave
 * the fault in place, as {@code vigil drill run} does not on Ctrl-C: {@link #abortAndWait} asks each
 * to abort, as the page's {@code a} does, and waits for its restore and report, each at most its
 * budget plus settle (the budget ends the observation, restore waits at most settle).
 */
public final class RunningDrills {
    private final Set<GuidedRun> running = ConcurrentHashMap.newKeySet();

    void add(GuidedRun run) {
        running.add(run);
    }

    void remove(GuidedRun run) {
        running.remove(run);
    }

    public boolean isEmpty() {
        return running.isEmpty();
    }

    /**
     * Asks every running drill to abort and waits for each; {@code say} hears what is done. Returns
     * the drills that had not reported when their bound passed (empty: all restored and reported).
     */
    public List<String> abortAndWait(ReportStore store, Consumer<String> say) throws InterruptedException {
        var now = List.copyOf(running);
        if (now.isEmpty()) return List.of();
        try {
            store.requestAbort();
        } catch (IOException e) {
            say.accept("cannot ask the drills to abort: " + e.getMessage());
            return now.stream().map(r -> r.drill().name()).toList();
        }
        var late = new ArrayList<String>();
        for (var r : now) {
            var l = r.drill().limits();
            Duration bound = l.budget().plus(l.settle());
            say.accept("aborting drill " + r.drill().name() + " (run " + r.id().orElse("?") + "): restoring first, waiting up to "
                    + bound.toSeconds() + " s for its report");
            if (!r.awaitDone(bound)) late.add(r.drill().name());
        }
        return late;
    }
}
