package dev.vigil.coordination;

import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.AdminState.DrillLock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * The drills' half of the operator state: one drill at a time in the whole cluster, and each
 * schedule fire taken once (docs/drills.md, "One drill at a time in the cluster"). The coordinator
 * answers {@code drill-begin} and {@code drill-end} at once; the lock travels with the rest of the
 * operator state, so a new coordinator knows it. Pure functions on the state and a wall-clock time.
 */
final class DrillLocks {
    private DrillLocks() {}

    static final List<String> VERBS = List.of("drill-begin", "drill-end", "drill-renew", "drill-abort");
    /** {@code drill-abort --any}: whichever drill holds the lock. */
    static final String ANY = "--any";
    /** Schedule entries remembered in the fire log; the oldest fires go first (a schedule has a few entries). */
    static final int MAX_FIRES = 64;
    /** No drill needs longer (budget and settle are minutes); a longer lease is a mistake, not a drill. */
    static final Duration MAX_LEASE = Duration.ofHours(6);
    private static final int MAX_TEXT = 200;

    /** The coordinator's answer and the state after it (the same instance when nothing changed). */
    record Result(AdminState state, boolean ok, String message) {}

    static boolean handles(String verb) {
        return VERBS.contains(verb);
    }

    /**
     * {@code drill-begin RUN-ID DRILL RUNNER LEASE-MS [ENTRY@FIRE-MS]}, {@code drill-end RUN-ID},
     * {@code drill-renew RUN-ID LEASE-MS}, {@code drill-abort RUN-ID|--any BY}.
     * Sizes are bounded: the state is gossiped on every heartbeat.
     */
    static Optional<String> validate(AdminRequest req) {
        var a = req.args();
        if (a.stream().anyMatch(x -> x.isEmpty() || x.length() > MAX_TEXT)) {
            return Optional.of(req.verb() + ": every argument must be 1 to " + MAX_TEXT + " characters");
        }
        if (req.verb().equals("drill-end")) {
            return a.size() == 1 ? Optional.empty() : Optional.of("drill-end needs the run id");
        }
        if (req.verb().equals("drill-abort")) {
            return a.size() == 2 ? Optional.empty() : Optional.of("drill-abort needs the run id (or " + ANY + ") and who asks");
        }
        if (req.verb().equals("drill-renew")) {
            if (a.size() != 2) return Optional.of("drill-renew needs the run id and a lease in ms");
            return leaseProblem(req.verb(), a.get(1));
        }
        if (a.size() != 4 && a.size() != 5) return Optional.of("drill-begin needs run id, drill, runner, lease in ms [and entry@fire-ms]");
        try {
            if (a.size() == 5) fire(a.get(4));
        } catch (IllegalArgumentException e) {
            return Optional.of("drill-begin: " + e.getMessage());
        }
        return leaseProblem(req.verb(), a.get(3));
    }

    private static Optional<String> leaseProblem(String verb, String text) {
        try {
            long lease = Long.parseLong(text);
            return lease <= 0 || lease > MAX_LEASE.toMillis() ? Optional.of(verb + ": lease must be 1 ms to " + MAX_LEASE) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.of(verb + ": lease '" + text + "' is not a number of ms");
        }
    }

    /** The answer to a valid drill verb. */
    static Result answer(AdminRequest req, AdminState s, boolean quorate, long nowMs) {
        return switch (req.verb()) {
            case "drill-begin" -> begin(req, s, quorate, nowMs);
            case "drill-renew" -> renew(req, s, nowMs);
            case "drill-abort" -> abort(req, s, nowMs);
            default -> end(req, s);
        };
    }

    /** Whether the lock (if any) is still held at {@code nowMs}. */
    static Optional<DrillLock> held(AdminState s, long nowMs) {
        return s.drillLock().filter(d -> d.leaseUntilMs() > nowMs);
    }

    static Result begin(AdminRequest req, AdminState s, boolean quorate, long nowMs) {
        var a = req.args();
        String runId = a.get(0);
        String fire = a.size() == 5 ? a.get(4) : "";
        var holder = held(s, nowMs);
        // The same run asking again: a coordinator died after granting it and its successor takes the request up again.
        if (holder.isPresent() && holder.get().runId().equals(runId)) {
            return new Result(s, true, "drill " + holder.get().drill() + " holds the cluster's drill lock");
        }
        if (!quorate) return new Result(s, false, "no quorum: a partition without quorum grants no drill");
        if (holder.isPresent()) {
            var d = holder.get();
            return new Result(s, false, "drill " + d.drill() + " (run " + d.runId() + ") by " + d.runner() + " is running since "
                    + Instant.ofEpochMilli(d.sinceMs()) + "; its lease ends " + Instant.ofEpochMilli(d.leaseUntilMs()));
        }
        var fires = new HashMap<>(s.fires());
        if (!fire.isEmpty()) {
            var f = fire(fire);
            Long taken = fires.get(f.entry());
            if (taken != null && taken >= f.atMs()) {
                return new Result(s, false, "schedule fire " + f.entry() + " @" + Instant.ofEpochMilli(f.atMs())
                        + " was already taken (the entry's latest taken fire is @" + Instant.ofEpochMilli(taken) + ")");
            }
            fires.put(f.entry(), f.atMs());
            while (fires.size() > MAX_FIRES) {
                fires.entrySet().stream().min(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey)
                        .ifPresent(fires::remove);
            }
        }
        long lease = Long.parseLong(a.get(3));
        var lock = new DrillLock(runId, a.get(1), a.get(2), fire, nowMs, nowMs + lease);
        return new Result(s.withDrills(Optional.of(lock), fires), true, "drill " + a.get(1) + " holds the cluster's drill lock until "
                + Instant.ofEpochMilli(lock.leaseUntilMs()));
    }

    static Result end(AdminRequest req, AdminState s) {
        String runId = req.args().get(0);
        if (s.drillLock().isEmpty() || !s.drillLock().get().runId().equals(runId)) {
            return new Result(s, true, "run " + runId + " holds no drill lock; nothing to release");
        }
        return new Result(s.withDrills(Optional.empty(), s.fires()), true, "drill lock of run " + runId + " released");
    }

    /**
     * The running run's lease moved to now + LEASE-MS (it may also shrink: the runner bounds it by its
     * budget). Refused when the run holds the lock no more (its lease passed and it was let go, or
     * another drill holds it): the runner has lost it and aborts. The answer names an abort mark.
     */
    static Result renew(AdminRequest req, AdminState s, long nowMs) {
        String runId = req.args().get(0);
        var holder = held(s, nowMs);
        if (holder.isEmpty() || !holder.get().runId().equals(runId)) {
            return new Result(s, false, "run " + runId + " does not hold the cluster's drill lock any more"
                    + holder.map(d -> " (drill " + d.drill() + ", run " + d.runId() + ", holds it)").orElse(" (its lease passed)"));
        }
        var d = holder.get();
        var renewed = new DrillLock(d.runId(), d.drill(), d.runner(), d.fire(), d.sinceMs(), nowMs + Long.parseLong(req.args().get(1)),
                d.abortBy());
        return new Result(s.withDrills(Optional.of(renewed), s.fires()), true, "drill " + d.drill() + " holds the cluster's drill lock until "
                + Instant.ofEpochMilli(renewed.leaseUntilMs()) + (d.abortBy().isEmpty() ? "" : "; abort asked by " + d.abortBy()));
    }

    /**
     * {@code vigil drill abort} from any machine: the lock marked "abort asked by BY"; the runner sees
     * the mark in the status, aborts and restores, then ends the lock as usual. The first asker is kept.
     */
    static Result abort(AdminRequest req, AdminState s, long nowMs) {
        String target = req.args().get(0);
        var holder = held(s, nowMs);
        if (holder.isEmpty()) return new Result(s, false, "no drill is running in the cluster");
        var d = holder.get();
        if (!target.equals(ANY) && !target.equals(d.runId())) {
            return new Result(s, false, "run " + target + " is not running; drill " + d.drill() + " (run " + d.runId() + ") is");
        }
        String what = "drill " + d.drill() + " (run " + d.runId() + ") by " + d.runner();
        if (!d.abortBy().isEmpty()) return new Result(s, true, "abort of " + what + " was already asked by " + d.abortBy());
        var marked = new DrillLock(d.runId(), d.drill(), d.runner(), d.fire(), d.sinceMs(), d.leaseUntilMs(), req.args().get(1));
        return new Result(s.withDrills(Optional.of(marked), s.fires()), true, "asked " + what + " to abort; it restores, then reports");
    }

    /** The state without a lock whose lease has passed; the same instance when there is none. */
    static AdminState expire(AdminState s, long nowMs) {
        if (s.drillLock().isEmpty() || held(s, nowMs).isPresent()) return s;
        return s.withDrills(Optional.empty(), s.fires());
    }

    /** A schedule fire, {@code entry@epochMs}. */
    record Fire(String entry, long atMs) {}

    static Fire fire(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0) throw new IllegalArgumentException("fire '" + text + "': expected ENTRY@EPOCH-MS");
        try {
            return new Fire(text.substring(0, at), Long.parseLong(text.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fire '" + text + "': expected ENTRY@EPOCH-MS");
        }
    }

    /** The latest fire taken per entry, oldest first, for the status. */
    static List<Fire> fires(AdminState s) {
        return s.fires().entrySet().stream().map(e -> new Fire(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(Fire::atMs)).toList();
    }
}
