package dev.vigil.config;

import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code policy:}: the cluster-wide choices about failback, quorum loss, failures and stickiness. */
final class PolicySection extends SectionReader {

    private static final List<String> POLICY_KEYS = List.of("auto_failback", "no_quorum", "migration_threshold",
            "failure_timeout", "stickiness", "prefer_score", "two_node_unsafe",
            "priority_fencing_delay");

    PolicySection(SectionReader shared) {
        super(shared);
    }

    /** The {@code policy:} section; {@link Policy#DEFAULTS} for every key it leaves out. */
    Policy read(Node v) {
        Optional<MapNode> pm = map(v, "policy", "a map such as {auto_failback: true, no_quorum: stop} with the "
                + "keys " + String.join(", ", POLICY_KEYS));
        if (pm.isEmpty()) {
            return Policy.DEFAULTS;
        }
        MapNode m = pm.get();
        checkKeys(m, "policy", POLICY_KEYS);
        Policy d = Policy.DEFAULTS;
        boolean autoFailback = m.entry("auto_failback").flatMap(e -> bool(e.value(), "auto_failback"))
                .orElse(d.autoFailback());
        Policy.NoQuorumPolicy noQuorum = m.entry("no_quorum").flatMap(e -> enumValue(e.value(), "no_quorum",
                Policy.NoQuorumPolicy.values(), Policy.NoQuorumPolicy::configName)).orElse(d.noQuorum());
        int threshold = m.entry("migration_threshold").flatMap(e -> intIn(e.value(), "migration_threshold", 0,
                Integer.MAX_VALUE, "an integer >= 0 (0 = never move because of failures)"))
                .orElse(d.migrationThreshold());
        Duration failureTimeout = m.entry("failure_timeout").flatMap(e -> duration(e.value(), "failure_timeout"))
                .orElse(d.failureTimeout());
        int stickiness = m.entry("stickiness").flatMap(e -> score(e.value(), "stickiness")).orElse(d.stickiness());
        int preferScore = m.entry("prefer_score").flatMap(e -> score(e.value(), "prefer_score"))
                .orElse(d.preferScore());
        boolean unsafe = m.entry("two_node_unsafe").flatMap(e -> bool(e.value(), "two_node_unsafe"))
                .orElse(d.twoNodeUnsafe());
        Duration priorityDelay = m.entry("priority_fencing_delay")
                .flatMap(e -> duration(e.value(), "priority_fencing_delay")).orElse(d.priorityFencingDelay());
        return new Policy(autoFailback, noQuorum, threshold, failureTimeout, stickiness, preferScore, unsafe,
                priorityDelay);
    }
}
