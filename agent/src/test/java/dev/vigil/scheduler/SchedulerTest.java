package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Constraint;
import dev.vigil.config.GroupSpec;
import dev.vigil.config.OnFail;
import dev.vigil.config.Policy;
import dev.vigil.config.ResourceSpec;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ActionKind;
import dev.vigil.model.FenceDevice;
import dev.vigil.model.ResourceAgentRef;
import dev.vigil.model.ResourceStatus;
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
 * Properties every plan must have, over many random clusters. The behaviour case by case is in the
 * scenario files ({@link SchedulerScenariosTest}).
 */
class SchedulerTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    private final Scheduler scheduler = new Scheduler();

    static ResourceSpec resource(String id, OnFail onFail, boolean cloned) {
        return new ResourceSpec(id, ResourceAgentRef.ocf("vigil", "Dummy"), Map.of(), Optional.empty(),
                Duration.ofSeconds(20), Duration.ofSeconds(20), onFail, cloned);
    }

    @Test
    void aGroupMovesFromALostNodeInOrderAfterTheFence() {
        var config = new ResourcesConfig(
                List.of(resource("vip", OnFail.RESTART, false), resource("web", OnFail.RESTART, false)),
                List.of(new GroupSpec("site", List.of("vip", "web"), Optional.of("ha1"))), List.of(),
                Policy.DEFAULTS, List.of(new FenceDevice("ipmi", "fence_ipmilan", Map.of())), List.of());
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        statuses.put(new ResourceOnNode("vip", "ha1"), ResourceStatus.STARTED);
        statuses.put(new ResourceOnNode("web", "ha1"), ResourceStatus.STARTED);
        statuses.put(new ResourceOnNode("vip", "ha2"), ResourceStatus.STOPPED);
        statuses.put(new ResourceOnNode("web", "ha2"), ResourceStatus.STOPPED);
        var input = new SchedulerInput(config,
                List.of(new NodeInfo("ha1", NodeCondition.LOST, false, true),
                        new NodeInfo("ha2", NodeCondition.ONLINE, false, true)),
                true, statuses, Map.of(), AdminState.INITIAL, NOW);

        Plan plan = scheduler.plan(input);

        assertThat(plan.actions()).extracting(a -> a.id() + " after " + a.after() + " (" + a.reason() + ")")
                .containsExactly(
                        "ha1:fence after [] (ha1 lost)",
                        "vip:start@ha2 after [ha1:fence] (primary ha1 lost)",
                        "web:start@ha2 after [vip:start@ha2] (primary ha1 lost)");
        assertThat(plan.placement()).isEqualTo(Map.of("vip", "ha2", "web", "ha2"));
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void randomClustersGiveValidDeterministicPlans() {
        var random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            SchedulerInput input = randomInput(random);
            Plan plan = scheduler.plan(input);
            assertThat(scheduler.plan(input)).as("deterministic for %s", input).isEqualTo(plan);
            assertValid(plan, input);
        }
    }

    private static void assertValid(Plan plan, SchedulerInput input) {
        var seen = new HashSet<String>();
        for (PlannedAction a : plan.actions()) {
            assertThat(seen).as("%s: after points backwards in %s", a.id(), plan).containsAll(a.after());
            assertThat(seen.add(a.id())).as("unique id %s", a.id()).isTrue();
            assertThat(input.nodes().stream().map(NodeInfo::name)).contains(a.node());
            if (a.kind() == ActionKind.START) {
                NodeInfo node = input.nodes().stream().filter(n -> n.name().equals(a.node())).findFirst().orElseThrow();
                assertThat(node.canRunResources() && !input.admin().standby().contains(a.node()))
                        .as("%s starts on a node that can run resources", a.id()).isTrue();
                assertThat(plan.actions()).as("never probe and start %s in one plan", a.resource())
                        .noneMatch(p -> p.kind() == ActionKind.PROBE && p.resource().equals(a.resource()));
            }
            assertThat(a.reason()).isNotBlank();
        }
        // Placement agrees with the actions: a non-clone runs on at most one node afterwards.
        for (var e : plan.placement().entrySet()) {
            assertThat(plan.actions()).as("%s placed on %s but stopped there", e.getKey(), e.getValue())
                    .noneMatch(a -> a.kind() == ActionKind.STOP && a.id().equals(e.getKey().replaceAll("@.*", "")
                            + ":stop@" + e.getValue())
                            && plan.actions().stream().noneMatch(s -> s.id().equals(e.getKey().replaceAll("@.*", "")
                            + ":start@" + e.getValue())));
        }
    }

    private static SchedulerInput randomInput(Random random) {
        List<String> nodes = List.of("ha1", "ha2", "ha3").subList(0, 2 + random.nextInt(2));
        var resources = new ArrayList<ResourceSpec>();
        var names = List.of("a", "b", "c", "d", "e");
        for (String n : names) {
            resources.add(resource(n, OnFail.values()[random.nextInt(OnFail.values().length)], random.nextInt(6) == 0));
        }
        var groups = new ArrayList<GroupSpec>();
        if (!resources.get(0).cloned() && !resources.get(1).cloned() && random.nextBoolean()) {
            groups.add(new GroupSpec("g", List.of("a", "b"), random.nextBoolean() ? Optional.of("ha1") : Optional.empty()));
        }
        var constraints = new ArrayList<Constraint>();
        int scores[] = {Constraint.INFINITY, -Constraint.INFINITY, 50, -50};
        for (int i = 0; i < random.nextInt(4); i++) {
            String x = names.get(2 + random.nextInt(3));
            String y = names.get(random.nextInt(2 + (constraints.size() % 2)));
            switch (random.nextInt(3)) {
                case 0 -> constraints.add(new Constraint.Location("l" + i, x, nodes.get(random.nextInt(nodes.size())),
                        scores[random.nextInt(4)]));
                case 1 -> constraints.add(new Constraint.Colocation("c" + i, x, y, scores[random.nextInt(4)]));
                default -> constraints.add(new Constraint.Order("o" + i, y, x));
            }
        }
        var policy = new Policy(random.nextBoolean(), Policy.NoQuorumPolicy.values()[random.nextInt(3)],
                random.nextInt(4), Duration.ofMinutes(random.nextInt(2) * 5), random.nextInt(200), 100, false);
        var fencing = random.nextBoolean() ? List.of(new FenceDevice("f", "fence_vigil_ssh", Map.of())) : List.<FenceDevice>of();
        var config = new ResourcesConfig(resources, groups, constraints, policy, fencing,
                random.nextBoolean() ? List.of("10.0.0.1") : List.of());
        var infos = new ArrayList<NodeInfo>();
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        var failures = new HashMap<ResourceOnNode, Failures>();
        for (String n : nodes) {
            infos.add(new NodeInfo(n, NodeCondition.values()[random.nextInt(5) < 3 ? 0 : random.nextInt(3)],
                    random.nextInt(6) == 0, random.nextInt(5) > 0));
            for (String r : names) {
                int s = random.nextInt(12);
                if (s < 11) {
                    statuses.put(new ResourceOnNode(r, n), ResourceStatus.values()[s < 5 ? 1 : s < 8 ? 2 : 1 + s % 4]);
                }
                if (random.nextInt(5) == 0) {
                    failures.put(new ResourceOnNode(r, n), new Failures(1 + random.nextInt(4),
                            NOW.minus(Duration.ofMinutes(random.nextInt(20)))));
                }
            }
        }
        var temporary = new ArrayList<AdminState.TemporaryConstraint>();
        if (random.nextInt(4) == 0) {
            temporary.add(new AdminState.TemporaryConstraint(names.get(random.nextInt(5)), nodes.get(random.nextInt(nodes.size())),
                    AdminState.TemporaryConstraint.Kind.values()[random.nextInt(2)]));
        }
        var admin = new AdminState(1, random.nextInt(8) == 0 ? Set.of("ha2") : Set.of(), random.nextInt(30) == 0, temporary);
        return new SchedulerInput(config, infos, random.nextInt(5) > 0, statuses, failures, admin, NOW);
    }
}
