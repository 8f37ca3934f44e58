package dev.vigil.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.model.ResourceStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parts of Pacemaker's priority-fencing-delay rule the golden scenarios do not reach: a node
 * fenced from inside the partition, what a lost node last reported, and the case status shows.
 */
class FencingPriorityTest {
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3", "ha4");

    private static ResourcesConfig config() throws Exception {
        return ConfigLoader.loadResources("""
                resources:
                  - {id: db, agent: ocf:vigil:Dummy, priority: 10}
                  - {id: web, agent: ocf:vigil:Dummy, priority: 1}
                fencing: [{id: f, agent: fence_x}]
                policy: {priority_fencing_delay: 5s}
                """, Path.of("t.yaml"), NODES);
    }

    private static NodeInfo node(String name, NodeCondition c) {
        return new NodeInfo(name, c, false, true);
    }

    @Test
    void aNodeFencedFromInsideThePartitionNeverWaits() throws Exception {
        // Half the nodes here (no majority), ha2 has the highest priority but is online: a stop
        // failed there, say. Pacemaker: no delay for a target in our partition.
        var statuses = Map.of(new ResourceOnNode("db", "ha2"), ResourceStatus.STOP_FAILED,
                new ResourceOnNode("web", "ha3"), ResourceStatus.STARTED);
        var p = FencingPriority.of(new SchedulerInput(config(), List.of(node("ha1", NodeCondition.ONLINE),
                node("ha2", NodeCondition.ONLINE), node("ha3", NodeCondition.LOST), node("ha4", NodeCondition.LOST)),
                true, statuses, Map.of(), AdminState.INITIAL, Instant.EPOCH));
        assertThat(p.priority("ha2")).as("a failed stop still counts: it may run").isEqualTo(10);
        assertThat(p.delayFor("ha2")).isZero();
        assertThat(p.delayFor("ha3")).as("lost, but not the highest").isZero();
    }

    @Test
    void aLostNodeWeighsWhatItLastReportedNotWhatIsUnknownNow() throws Exception {
        var nodes = List.of(node("ha1", NodeCondition.LOST), node("ha2", NodeCondition.ONLINE),
                node("ha3", NodeCondition.OFFLINE), node("ha4", NodeCondition.OFFLINE));
        var lastKnown = new HashMap<ResourceOnNode, ResourceStatus>();
        lastKnown.put(new ResourceOnNode("db", "ha1"), ResourceStatus.STARTED);
        var withLast = FencingPriority.of(new SchedulerInput(config(), nodes, true, Map.of(), Map.of(),
                AdminState.INITIAL, Instant.EPOCH, lastKnown));
        assertThat(withLast.priority("ha1")).isEqualTo(10);
        assertThat(withLast.delayFor("ha1")).isEqualTo(Duration.ofSeconds(5));
        assertThat(withLast.why("ha1")).hasValue("priority_fencing_delay 5s: ha1 has the highest priority, 10");
        // What is known now wins over the last report (here: it says stopped).
        var now = FencingPriority.of(new SchedulerInput(config(), nodes, true,
                Map.of(new ResourceOnNode("db", "ha1"), ResourceStatus.STOPPED), Map.of(), AdminState.INITIAL,
                Instant.EPOCH, lastKnown));
        assertThat(now.delayFor("ha1")).as("every priority 0: equal, no delay").isZero();
    }

    @Test
    void statusShowsTheDelayIfTheNodeAloneWereLost() throws Exception {
        var all = NODES.stream().map(n -> node(n, NodeCondition.ONLINE)).toList();
        var p = FencingPriority.of(new SchedulerInput(config(), all, true,
                Map.of(new ResourceOnNode("db", "ha1"), ResourceStatus.STARTED), Map.of(), AdminState.INITIAL,
                Instant.EPOCH));
        assertThat(p.delayFor("ha1")).as("online: no fence, no delay").isZero();
        assertThat(p.delayIfLost("ha1")).as("three of four left: a majority does not wait").isZero();
        var two = FencingPriority.of(new SchedulerInput(config(), all.subList(0, 2), true,
                Map.of(new ResourceOnNode("db", "ha1"), ResourceStatus.STARTED), Map.of(), AdminState.INITIAL,
                Instant.EPOCH));
        assertThat(two.delayIfLost("ha1")).isEqualTo(Duration.ofSeconds(5));
        assertThat(two.delayIfLost("ha2")).isZero();
    }
}
