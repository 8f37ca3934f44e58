package dev.vigil.scheduler;

import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import dev.vigil.model.ResourceStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Probes: a resource whose state on a trusted node is unknown is probed there first, and its unit
 * (with every unit that depends on it) waits, untouched, until the answers are in.
 */
final class ProbePhase {
    private final PlanningState s;

    ProbePhase(PlanningState s) {
        this.s = s;
    }

    /** The probe actions, in resource then node order; marks their units pending. */
    List<Draft> probes() {
        var result = new ArrayList<Draft>();
        for (ResourceSpec r : s.cfg.resources()) {
            for (String n : s.facts.trustedNodes()) {
                if (s.facts.status(r, n) == ResourceStatus.UNKNOWN) {
                    result.add(new Draft(r.id() + ":probe@" + n, ActionKind.PROBE, Optional.of(r.id()), n,
                            "state unknown"));
                    s.pending.add(s.unitOf(r.id()).id());
                }
            }
        }
        return result;
    }
}
