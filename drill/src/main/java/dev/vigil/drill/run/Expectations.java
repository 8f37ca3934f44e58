package dev.vigil.drill.run;

import dev.vigil.control.StatusReport;
import dev.vigil.drill.Drill;
import dev.vigil.drill.Kind;
import dev.vigil.drill.fault.RestoreStep;
import dev.vigil.drill.report.DrillReport;
import dev.vigil.drill.report.DrillReport.ExpectationResult;
import dev.vigil.drill.report.DrillReport.ProbeSeries;
import java.util.ArrayList;
import java.util.List;

/** A drill's expectations against what the run saw; each result says what was expected, what was measured and by how much it missed. Pure. */
final class Expectations {
    private Expectations() {}

    /**
     * @param end           the last status read while observing (null if none answered)
     * @param noticed       the cluster noticed the fault (the target lost, the resource failed)
     * @param fenceRecord   for a fence drill, the history's record of the target's fence ("" or null: none)
     * @param settled       the cluster settled, with the service back, before {@code limits.settle}
     * @param doubleHolders samples where a single-holder resource was reported on two nodes
     */
    static List<ExpectationResult> evaluate(Drill drill, List<ProbeSeries> series, StatusReport end, boolean fenced,
                                            String fenceRecord, boolean noticed, boolean settled, List<String> doubleHolders) {
        var out = new ArrayList<ExpectationResult>();
        var e = drill.expect();
        if (drill.kind() == Kind.NODE_CRASH || drill.kind() == Kind.RESOURCE_FAILURE) {
            String what = drill.kind() == Kind.NODE_CRASH ? drill.target() + " declared lost" : "the failure of " + drill.target() + " noticed";
            out.add(new ExpectationResult("fault noticed", noticed, what, noticed ? "yes" : "no",
                    noticed ? "the cluster noticed the fault" : "the cluster never reported the fault (" + what + ")"));
        }
        if (drill.kind() == Kind.FENCE) {
            // The fence drill's own point: a fence happened, by the cluster's record of it, not only its word.
            boolean recorded = fenceRecord != null && !fenceRecord.isEmpty();
            out.add(new ExpectationResult("fence in the cluster's history", recorded, drill.target() + " fenced",
                    recorded ? "fenced" : "no record", recorded ? fenceRecord
                    : "the cluster's history has no successful fence of " + drill.target() + " since the injection"));
        }
        e.serviceBackWithin().ifPresent(bound -> {
            long boundMs = bound.toMillis();
            for (var s : series) {
                String expected = "outage ≤ " + boundMs + " ms";
                if (!s.back()) {
                    out.add(new ExpectationResult("service back within " + boundMs + " ms (" + s.name() + ")", false, expected,
                            "not back", "probe " + s.name() + " still failed when the drill ended, " + s.outageMs()
                            + " ms after its last answer (" + (s.outageMs() - boundMs) + " ms over the bound)"));
                } else {
                    boolean ok = s.outageMs() <= boundMs;
                    out.add(new ExpectationResult("service back within " + boundMs + " ms (" + s.name() + ")", ok, expected,
                            "outage " + s.outageMs() + " ms", ok ? "outage " + s.outageMs() + " ms"
                            : "outage " + s.outageMs() + " ms, " + (s.outageMs() - boundMs) + " ms over the bound of " + boundMs + " ms"));
                }
            }
        });
        e.resources().forEach((target, node) -> {
            var actual = end == null ? "unknown (no status)" : Preconditions.placement(end, target).orElse(runningOn(end, target));
            boolean ok = node.equals(actual);
            out.add(new ExpectationResult(target + " ends on " + node, ok, node, actual,
                    ok ? target + " runs on " + node : target + " ended on " + actual + ", not " + node));
        });
        for (var id : e.singleHolder()) {
            var mine = doubleHolders.stream().filter(d -> d.startsWith(id + " on ")).toList();
            out.add(new ExpectationResult("never two holders of " + id, mine.isEmpty(), "at most one node", mine.isEmpty()
                    ? "at most one" : mine.size() + " sample(s) with two", mine.isEmpty() ? "never reported on two nodes"
                    : "reported on two nodes in " + mine.size() + " sample(s), first " + mine.get(0)));
        }
        e.fenced().ifPresent(want -> out.add(new ExpectationResult(want ? drill.target() + " fenced" : drill.target() + " not fenced",
                fenced == want, want ? "fenced" : "not fenced", fenced ? "fenced" : "not fenced",
                fenced == want ? "as expected" : drill.target() + (fenced ? " was fenced" : " was not fenced"))));
        out.add(new ExpectationResult("cluster settled within " + drill.limits().settle().toMillis() + " ms", settled,
                "settled", settled ? "settled" : "not settled", settled ? "the cluster settled and the service answered"
                : "the cluster had not settled (or the service not answered) " + drill.limits().settle().toMillis() + " ms after the injection"));
        return out;
    }

    /** A verdict and the one line that says why. */
    record Decision(DrillReport.Verdict verdict, String reason) {}

    /**
     * Aborted when the run was; else fail on the first expectation that failed, then on a restore
     * step that did not complete (a cluster not back to normal is a failed drill); else pass.
     */
    static Decision decide(String abortReason, List<ExpectationResult> expectations, List<RestoreStep> restore) {
        if (abortReason != null) return new Decision(DrillReport.Verdict.ABORTED, abortReason);
        var failed = expectations.stream().filter(e -> !e.ok()).findFirst();
        if (failed.isPresent()) return new Decision(DrillReport.Verdict.FAIL, failed.get().name() + ": " + failed.get().detail());
        var restoreFailed = restore.stream().filter(s -> !s.ok()).findFirst();
        if (restoreFailed.isPresent()) {
            return new Decision(DrillReport.Verdict.FAIL, "restore incomplete: " + restoreFailed.get().what() + ": "
                    + restoreFailed.get().detail());
        }
        return new Decision(DrillReport.Verdict.PASS, "every expectation held");
    }

    private static String runningOn(StatusReport s, String target) {
        if (s.resources() == null) return "nowhere";
        var nodes = s.resources().resources().stream().filter(r -> r.id().equals(target) || target.equals(r.group()))
                .flatMap(r -> r.runningOn().stream()).distinct().toList();
        return nodes.isEmpty() ? "nowhere" : String.join(", ", nodes) + (nodes.size() > 1 ? " (split)" : "");
    }
}
