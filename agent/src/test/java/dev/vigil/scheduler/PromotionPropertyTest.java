package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Constraint;
import dev.vigil.config.OnFail;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ActionKind;
import dev.vigil.model.FenceDevice;
import dev.vigil.model.ResourceAgentRef;
import dev.vigil.model.ResourceStatus;
import dev.vigil.model.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Promotable clones over random clusters: whatever the statuses, scores, quorum and policy, a plan
 * never has more than {@code promoted_max} instances promoted at any moment (every promote waits
 * for every demote), demotes a promoted instance before stopping it, promotes only after the
 * instance's start, and promotes nothing without quorum.
 */
class PromotionPropertyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    private static final List<ResourceStatus> STATES = List.of(ResourceStatus.UNKNOWN, ResourceStatus.STOPPED,
            ResourceStatus.STARTED, ResourceStatus.STARTED, ResourceStatus.PROMOTED, ResourceStatus.PROMOTED,
            ResourceStatus.FAILED, ResourceStatus.FAILED_PROMOTED);

    @Test
    void neverMoreThanPromotedMaxAndDemoteBeforeStop() {
        var random = new Random(15);
        var scheduler = new Scheduler();
        int promotions = 0;
        for (int i = 0; i < 3000; i++) {
            SchedulerInput input = randomInput(random);
            Plan plan = scheduler.plan(input);
            assertThat(scheduler.plan(input)).as("deterministic").isEqualTo(plan);
            promotions += (int) plan.actions().stream().filter(a -> a.kind() == ActionKind.PROMOTE).count();
            check(input, plan);
        }
        assertThat(promotions).as("the random clusters do promote").isGreaterThan(500);
    }

    private static void check(SchedulerInput input, Plan plan) {
        int max = input.config().resource("db").orElseThrow().promotable().orElseThrow().promotedMax();
        var ancestors = new HashMap<String, Set<String>>();
        for (PlannedAction a : plan.actions()) {
            var anc = new HashSet<String>();
            for (String p : a.after()) {
                anc.add(p);
                anc.addAll(ancestors.get(p));
            }
            ancestors.put(a.id(), anc);
        }
        var demotes = plan.actions().stream().filter(a -> a.kind() == ActionKind.DEMOTE).map(PlannedAction::id).toList();
        var promotes = plan.actions().stream().filter(a -> a.kind() == ActionKind.PROMOTE).toList();
        long promotedNow = input.nodes().stream().filter(n -> n.condition() == NodeCondition.ONLINE)
                .filter(n -> Set.of(ResourceStatus.PROMOTED, ResourceStatus.FAILED_PROMOTED)
                        .contains(input.status("db", n.name()))).count();
        boolean acting = input.quorate() || input.config().policy().noQuorum() == Policy.NoQuorumPolicy.IGNORE;
        String what = plan.actions().stream().map(Scenario::oneLiner).toList() + " from " + input.statuses();
        assertThat(plan.promoted().size()).as("promoted after %s", what).isLessThanOrEqualTo(max);
        if (!acting) {
            assertThat(promotes).as("no promote without quorum: %s", what).isEmpty();
        }
        if (!promotes.isEmpty()) {
            assertThat(promotedNow - demotes.size() + promotes.size()).as("at most %d at once: %s", max, what)
                    .isLessThanOrEqualTo(max);
        }
        for (PlannedAction p : promotes) {
            assertThat(ancestors.get(p.id())).as("%s waits for every demote: %s", p.id(), what).containsAll(demotes);
            String start = "db:start@" + p.node();
            if (plan.actions().stream().anyMatch(a -> a.id().equals(start))) {
                assertThat(ancestors.get(p.id())).as("%s after its start: %s", p.id(), what).contains(start);
            }
        }
        for (PlannedAction s : plan.actions()) {
            if (s.kind() == ActionKind.STOP && s.resource().equals(Optional.of("db"))
                    && Set.of(ResourceStatus.PROMOTED, ResourceStatus.FAILED_PROMOTED).contains(input.status("db", s.node()))) {
                assertThat(ancestors.get(s.id())).as("%s after its demote: %s", s.id(), what)
                        .contains("db:demote@" + s.node());
            }
        }
    }

    private static SchedulerInput randomInput(Random random) {
        List<String> nodes = List.of("ha1", "ha2", "ha3").subList(0, 2 + random.nextInt(2));
        var db = new ResourceSpec("db", ResourceAgentRef.parse("ocf:pacemaker:Stateful"), Map.of(), Optional.empty(),
                Duration.ofSeconds(20), Duration.ofSeconds(20), random.nextInt(4) == 0 ? OnFail.MOVE : OnFail.RESTART,
                true, Optional.empty(), 0, Optional.of(new ResourceSpec.Promotable(1 + random.nextInt(2), 1, List.of())),
                random.nextBoolean());
        var vip = new ResourceSpec("vip", ResourceAgentRef.parse("ocf:vigil:IPaddr"), Map.of("ip", "10.0.0.46"),
                Optional.empty(), Duration.ofSeconds(20), Duration.ofSeconds(20), OnFail.RESTART, false);
        var constraints = new ArrayList<Constraint>();
        if (random.nextBoolean()) {
            constraints.add(new Constraint.Colocation("c", "vip", "db", Constraint.INFINITY, Role.PROMOTED));
            constraints.add(new Constraint.Order("o", "db", "vip", ActionKind.PROMOTE, ActionKind.START));
        }
        if (random.nextInt(3) == 0) {
            constraints.add(new Constraint.Location("l", "db", nodes.get(random.nextInt(nodes.size())),
                    List.of(Constraint.INFINITY, -Constraint.INFINITY, 50).get(random.nextInt(3)), Role.PROMOTED));
        }
        var policy = new Policy(random.nextBoolean(), Policy.NoQuorumPolicy.values()[random.nextInt(3)], random.nextInt(4),
                Duration.ofMinutes(5), random.nextInt(20), 100, false);
        var fencing = random.nextBoolean() ? List.of(new FenceDevice("f", "fence_vigil_ssh", Map.of())) : List.<FenceDevice>of();
        var config = new ResourcesConfig(List.of(db, vip), List.of(), constraints, policy, fencing, List.of());
        var infos = new ArrayList<NodeInfo>();
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        var failures = new HashMap<ResourceOnNode, Failures>();
        var attributes = new HashMap<String, Map<String, String>>();
        for (String n : nodes) {
            infos.add(new NodeInfo(n, random.nextInt(4) > 0 ? NodeCondition.ONLINE
                    : NodeCondition.values()[random.nextInt(3)], random.nextInt(8) == 0, true));
            statuses.put(new ResourceOnNode("db", n), STATES.get(1 + random.nextInt(STATES.size() - 1)));
            statuses.put(new ResourceOnNode("vip", n), random.nextInt(3) == 0 ? ResourceStatus.STARTED : ResourceStatus.STOPPED);
            if (random.nextInt(4) == 0) {
                failures.put(new ResourceOnNode("db", n), new Failures(1 + random.nextInt(4), NOW.minusSeconds(60)));
            }
            if (random.nextInt(5) > 0) {
                attributes.put(n, Map.of("master-db", List.of("5", "10", "-1", "INFINITY", "0").get(random.nextInt(5))));
            }
        }
        return new SchedulerInput(config, infos, random.nextInt(4) > 0, statuses, failures, AdminState.INITIAL, NOW,
                Map.of(), SelfFencingInput.NONE, attributes);
    }
}
