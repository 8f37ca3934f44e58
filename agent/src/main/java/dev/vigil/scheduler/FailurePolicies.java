package dev.vigil.scheduler;

import dev.vigil.config.OnFail;
import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ResourceStatus;
import java.util.List;

/**
 * What failures do: {@code on_fail} (fence, block and stop hold or disable units; move keeps a
 * resource off the node it failed on) and {@code migration_threshold} (enough failures on a node
 * and the unit leaves it). Restarts in place are the default and need nothing here.
 */
final class FailurePolicies {
    private final PlanningState s;
    private final NodeFacts facts;

    FailurePolicies(PlanningState s) {
        this.s = s;
        this.facts = s.facts;
    }

    /** Holds or disables units for failed stops and for {@code on_fail} fence, block and stop. */
    void apply() {
        for (ResourceSpec r : s.cfg.resources()) {
            String unit = s.unitOf(r.id()).id();
            for (String n : facts.trustedNodes()) {
                ResourceStatus st = facts.status(r, n);
                if (st == ResourceStatus.STOP_FAILED) {
                    s.held.add(unit);
                    s.notes.add("stop of " + r.id() + " failed on " + n + "; cannot be recovered without fencing"
                            + (s.cfg.fencingConfigured() ? " (fencing needs quorum)" : "")
                            + ": " + unit + " is left alone until an operator cleans it up");
                } else if (st == ResourceStatus.FAILED || st == ResourceStatus.FAILED_PROMOTED) {
                    switch (r.onFail()) {
                        case FENCE -> {
                            s.held.add(unit);
                            s.notes.add(r.id() + " failed on " + n + " and on_fail is fence, but "
                                    + (s.cfg.fencingConfigured() ? "fencing needs quorum" : "no fencing is configured")
                                    + ": " + unit + " is left alone");
                        }
                        case BLOCK -> {
                            s.held.add(unit);
                            s.notes.add(r.id() + " failed on " + n + "; on_fail is block: " + unit
                                    + " is left alone until an operator cleans it up");
                        }
                        case STOP -> {
                            s.disabled.add(r.id());
                            s.notes.add(r.id() + " failed on " + n + "; on_fail is stop: it stays stopped until"
                                    + " an operator cleans it up");
                        }
                        default -> { }
                    }
                }
            }
        }
    }

    /** Why failures keep {@code u} off {@code n} ({@code on_fail: move}, migration threshold), or null. */
    String forbids(Unit u, List<ResourceSpec> active, String n) {
        int threshold = s.policy.migrationThreshold();
        for (ResourceSpec r : active) {
            int count = facts.failcount(r, n);
            String of = u.type() == Unit.Type.GROUP ? " of " + r.id() : "";
            if (r.onFail() == OnFail.MOVE && (count > 0 || facts.failed(r, n))) {
                return r.id() + " failed on " + n + " (on_fail: move)";
            }
            if (threshold > 0 && count >= threshold) {
                return "failcount" + of + " " + count + " ≥ migration_threshold " + threshold + " on " + n;
            }
        }
        return null;
    }

    String failedReason(ResourceSpec r, String n) {
        return "failed on " + n + (r.onFail() == OnFail.RESTART ? "" : " (on_fail: " + r.onFail().configName() + ")");
    }

    String recoverReason(ResourceSpec r, String n) {
        int threshold = s.policy.migrationThreshold();
        return "recover in place" + (threshold > 0
                ? " (failcount " + facts.failcount(r, n) + " < migration_threshold " + threshold + ")" : "");
    }
}
