package dev.vigil.drill.run;

import dev.vigil.control.StatusReport;
import dev.vigil.drill.ClusterAccess;
import dev.vigil.drill.Drill;
import dev.vigil.drill.DrillClock;
import dev.vigil.drill.report.DrillReport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The cluster's drill lock as one run holds it (docs/drills.md, "One drill at a time in the cluster"):
 * granted with a short lease ({@code drill-begin}) and renewed while the run lives ({@code drill-renew}),
 * so a killed runner frees the cluster within that short lease, not at the end of its whole budget.
 * A renewal the coordinator refuses means the lock is lost (its lease passed while the runner was
 * stuck, or another drill holds it): the run must abort. The run's poll loops call {@link #renewIfDue},
 * which only starts a renewal: it runs on a thread of its own, because an operator verb waits for the
 * coordinator (up to two minutes while a node-crash drill kills it and the next one takes over), and
 * the observation must not stall meanwhile. An unanswered renewal is retried at the next one, which
 * leaves three of them before the lease passes.
 */
final class ClusterLease {
    static final String CHECK = "no other drill in the cluster";
    /** How the coordinator refuses a renewal ({@code DrillLocks.renew}); any other refusal is "no answer". */
    static final String LOST = "does not hold the cluster's drill lock";

    private final ClusterAccess cluster;
    private final DrillClock clock;
    private final Drill.Limits limits;
    private final Consumer<String> note;
    private final Executor renewals;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private String runId;
    private long grantedNanos = -1;
    private long renewedNanos;
    /** Set by the renewing thread; read (and noted) by the run's. */
    private volatile String lost;
    private volatile String unanswered;
    private boolean noted;

    /**
     * @param note     the run's timeline, called on the run's thread only
     * @param renewals where a renewal runs: a thread of its own ({@link #THREAD}); tests run it in place
     */
    ClusterLease(ClusterAccess cluster, DrillClock clock, Drill.Limits limits, Consumer<String> note, Executor renewals) {
        this.cluster = cluster;
        this.clock = clock;
        this.limits = limits;
        this.note = note;
        this.renewals = renewals;
    }

    /** A daemon thread per renewal: renewals are seconds apart, and a runner that exits leaves none behind. */
    static final Executor THREAD = r -> {
        var t = new Thread(r, "vigil-drill-lease");
        t.setDaemon(true);
        t.start();
    };

    /** Each grant or renewal: restore's wait and the observation's end (settle each) and half a minute of slack. */
    static Duration shortLease(Drill.Limits l) {
        return l.settle().multipliedBy(2).plus(Duration.ofSeconds(30));
    }

    /** No renewal reaches past this after the grant: the whole run (its budget) and restore's wait, twice over. */
    static Duration longest(Drill.Limits l) {
        return l.budget().plus(l.settle().multipliedBy(2)).plus(Duration.ofMinutes(1));
    }

    static Duration renewEvery(Drill.Limits l) {
        return shortLease(l).dividedBy(4);
    }

    /** {@code drill-begin}: the check the preconditions show. */
    DrillReport.Check begin(String id, String drillName, String runner, Optional<String> fire) {
        runId = id;
        var args = new ArrayList<>(List.of(id, drillName, runner, Long.toString(shortLease(limits).toMillis())));
        fire.ifPresent(args::add);
        try {
            long asked = clock.nanos();
            var answer = cluster.admin("drill-begin", args);
            if (answer.ok()) {
                grantedNanos = asked;
                renewedNanos = asked;
            }
            return new DrillReport.Check(CHECK, answer.ok(), answer.message());
        } catch (IOException e) {
            return new DrillReport.Check(CHECK, false, "the coordinator did not answer: " + e.getMessage());
        }
    }

    /** Starts a renewal of the lease when one is due (none in flight); bounded by {@link #longest} after the grant. */
    void renewIfDue() {
        var u = unanswered;
        if (u != null && !noted) note.accept("could not renew the cluster's drill lock (" + u + "); trying again every "
                + renewEvery(limits).toSeconds() + " s");
        noted = u != null;
        long now = clock.nanos();
        if (grantedNanos < 0 || lost != null || now - renewedNanos < renewEvery(limits).toNanos()) return;
        long leftNanos = longest(limits).toNanos() - (now - grantedNanos);
        long lease = Math.min(shortLease(limits).toMillis(), leftNanos / 1_000_000);
        if (lease <= 0) return; // the run is past every bound of its own: its lease just runs out
        if (!inFlight.compareAndSet(false, true)) return;
        renewedNanos = now;
        renewals.execute(() -> {
            try {
                var answer = cluster.admin("drill-renew", List.of(runId, Long.toString(lease)));
                if (answer.ok()) {
                    unanswered = null;
                } else if (answer.message().contains(LOST)) {
                    lost = answer.message();
                } else {
                    unanswered = answer.message(); // "no answer from the coordinator": the lease still runs
                }
            } catch (IOException e) {
                unanswered = e.getMessage();
            } finally {
                inFlight.set(false);
            }
        });
    }

    /** Why the run must abort because of the cluster's lock: lost, or someone asked (the mark in {@code status}). */
    Optional<String> abortReason(StatusReport status) {
        if (lost != null) return Optional.of("the cluster's drill lock was lost: " + lost);
        return Optional.ofNullable(status).map(StatusReport::resources).map(StatusReport.ResourcesReport::drill)
                .filter(d -> d.runId().equals(runId) && !d.abortBy().isEmpty())
                .map(d -> d.abortBy() + " aborted the drill (vigil drill abort)");
    }

    /** {@code drill-end}; false with why when the coordinator did not answer (the short lease ends it). */
    Optional<String> release() {
        if (grantedNanos < 0) return Optional.empty();
        try {
            cluster.admin("drill-end", List.of(runId));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("could not release the cluster's drill lock (" + e.getMessage() + "); its lease of "
                    + shortLease(limits).toSeconds() + " s ends it");
        }
    }
}
