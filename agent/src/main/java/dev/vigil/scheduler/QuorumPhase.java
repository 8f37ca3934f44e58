package dev.vigil.scheduler;

import dev.vigil.config.Policy;

/**
 * Without quorum (and {@code no_quorum} other than ignore): freeze holds every unit where it is,
 * stop stops every resource of this partition.
 */
final class QuorumPhase {
    private final PlanningState s;

    QuorumPhase(PlanningState s) {
        this.s = s;
    }

    void apply() {
        if (s.acting) {
            return;
        }
        if (s.policy.noQuorum() == Policy.NoQuorumPolicy.FREEZE) {
            s.notes.add("no quorum (no_quorum: freeze): nothing is started, stopped or moved");
            s.units.forEach(u -> s.held.add(u.id()));
        } else {
            s.notes.add("no quorum (no_quorum: stop): every resource of this partition is stopped");
            s.stopAll = true;
        }
    }
}
