package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.AlertEvent;
import dev.vigil.alerts.NotifyState;
import dev.vigil.config.AlertTopic;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.ResourcesConfig;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.membership.MembershipEvent;
import dev.vigil.membership.MembershipView;
import dev.vigil.model.ResourceStatus;
import dev.vigil.quorum.Quorum;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.Plan;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Who sends what: one alert per cluster-wide event across all nodes, a node's own operations from it. */
class AlertRoutingTest {
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC);

    private final List<AlertEvent> sent = new ArrayList<>();
    private final List<String> notified = new ArrayList<>();

    private AlertRouting node(String self) throws Exception {
        ResourcesConfig policy = ConfigLoader.loadResources("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}, notify: {master: /bin/true}}
                  - {id: web, agent: lsb:apache2, clone: true}
                """, Path.of("c.yaml"), NODES);
        return new AlertRouting(self, NODES, policy, CLOCK, e -> sent.add(e),
                n -> notified.add(self + " " + n.resource().id() + " " + n.state()));
    }

    private static MembershipView view(long number, String... members) {
        var m = new TreeMap<String, Long>();
        for (String n : members) m.put(n, 1L);
        return new MembershipView(number, m);
    }

    private static MembershipEvent event(MembershipEvent.Kind kind, String node) {
        return new MembershipEvent(kind, node, 1, 2, Instant.EPOCH);
    }

    @Test
    void aDeathIsToldOnceByTheSurvivorsCoordinator() throws Exception {
        for (String survivor : List.of("ha2", "ha3")) {
            var routing = node(survivor);
            routing.onMembership(event(MembershipEvent.Kind.JOINED, "ha1"), view(1, "ha1", "ha2", "ha3"));
            routing.onMembership(event(MembershipEvent.Kind.DEAD, "ha1"), view(2, "ha2", "ha3"));
        }
        assertThat(sent).singleElement().satisfies(e -> {
            assertThat(e.topic()).isEqualTo(AlertTopic.NODE_DEAD);
            assertThat(e.node()).isEqualTo("ha1");
            assertThat(e.message()).isEqualTo("node ha1 is dead: no heartbeat for longer than deadtime");
            assertThat(e.at()).isEqualTo(CLOCK.instant());
        });
    }

    @Test
    void aPeerNeverHeardWithinInitdeadIsNoDeathToTell() throws Exception {
        for (String starting : List.of("ha2", "ha3")) {
            node(starting).onMembership(event(MembershipEvent.Kind.DEAD, "ha1"), view(1, starting));
        }
        assertThat(sent).isEmpty();
    }

    @Test
    void aLateCoordinatorIsToldByTheNextNode() throws Exception {
        for (String n : List.of("ha2", "ha3")) {
            node(n).onMembership(event(MembershipEvent.Kind.LATE, "ha1"), view(1, "ha1", "ha2", "ha3"));
        }
        assertThat(sent).extracting(AlertEvent::topic).containsExactly(AlertTopic.NODE_LATE);
    }

    @Test
    void aJoinIsToldByTheCoordinatorItJoins() throws Exception {
        // ha3 joins ha1 and ha2: each of the three sees the others; only "ha3 joined" is new to the cluster.
        var ha1 = node("ha1");
        var ha2 = node("ha2");
        ha1.onMembership(event(MembershipEvent.Kind.JOINED, "ha2"), view(2, "ha1", "ha2")); // started together
        ha2.onMembership(event(MembershipEvent.Kind.JOINED, "ha1"), view(2, "ha1", "ha2"));
        ha1.onMembership(event(MembershipEvent.Kind.JOINED, "ha3"), view(3, "ha1", "ha2", "ha3"));
        ha2.onMembership(event(MembershipEvent.Kind.JOINED, "ha3"), view(3, "ha1", "ha2", "ha3"));
        var ha3 = node("ha3");
        ha3.onMembership(event(MembershipEvent.Kind.JOINED, "ha2"), view(2, "ha2", "ha3"));
        ha3.onMembership(event(MembershipEvent.Kind.JOINED, "ha1"), view(3, "ha1", "ha2", "ha3"));
        assertThat(sent).extracting(e -> e.topic() + " " + e.node()).containsExactly("NODE_JOINED ha3");
    }

    @Test
    void aRestartedNodeIsToldByTheNodeThatStayed() throws Exception {
        var ha2 = node("ha2");
        ha2.onMembership(event(MembershipEvent.Kind.JOINED, "ha1"), view(2, "ha1", "ha2")); // both starting: nobody tells
        ha2.onMembership(event(MembershipEvent.Kind.DEAD, "ha1"), view(3, "ha2"));
        var ha1 = node("ha1"); // ha1's agent, started again
        ha1.onMembership(event(MembershipEvent.Kind.JOINED, "ha2"), view(2, "ha1", "ha2"));
        ha2.onMembership(event(MembershipEvent.Kind.JOINED, "ha1"), view(4, "ha1", "ha2"));
        assertThat(sent).extracting(e -> e.topic() + " " + e.node()).containsExactly("NODE_DEAD ha1", "NODE_JOINED ha1");
    }

    @Test
    void aFailoverAfterTheCoordinatorsDeathIsToldOnceByTheNewOne() throws Exception {
        var before = status("ha1", Set.of(), Map.of(
                "ha1", Map.of("vip", entry(ResourceStatus.STARTED), "web", entry(ResourceStatus.STARTED)),
                "ha2", Map.of("vip", entry(ResourceStatus.STOPPED), "web", entry(ResourceStatus.STARTED)),
                "ha3", Map.of("vip", entry(ResourceStatus.STOPPED), "web", entry(ResourceStatus.STARTED))));
        var after = status("ha2", Set.of("ha1"), Map.of(
                "ha2", Map.of("vip", entry(ResourceStatus.STARTED), "web", entry(ResourceStatus.STARTED)),
                "ha3", Map.of("vip", entry(ResourceStatus.STOPPED), "web", entry(ResourceStatus.STARTED))));
        for (String n : List.of("ha2", "ha3")) {
            var routing = node(n);
            routing.onCoordination(before, before); // every node remembers where vip ran
            routing.onCoordination(before, after);
        }
        assertThat(sent).extracting(e -> e.topic() + " " + e.node() + " " + e.message()).containsExactlyInAnyOrder(
                "COORDINATOR_CHANGED ha2 node ha2 is the coordinator (was ha1)",
                "NODE_FENCED ha1 node ha1 fenced by ha2",
                "RESOURCE_STARTED ha2 vip started on ha2",
                "RESOURCE_MOVED ha2 vip moved from ha1 to ha2");
        assertThat(sent).filteredOn(e -> e.topic() == AlertTopic.RESOURCE_MOVED).singleElement()
                .satisfies(e -> assertThat(e.details()).isEqualTo(Map.of("from", "ha1", "to", "ha2")));
        assertThat(notified).containsExactly("ha2 vip " + NotifyState.MASTER);
    }

    @Test
    void ownOperationsButNotProbes() throws Exception {
        var routing = node("ha2");
        var unknown = status("ha1", Set.of(), Map.of("ha2", Map.of("vip", entry(ResourceStatus.UNKNOWN))));
        var started = status("ha1", Set.of(), Map.of("ha2", Map.of("vip", entry(ResourceStatus.STARTED))));
        var stopped = status("ha1", Set.of(), Map.of("ha2", Map.of("vip", entry(ResourceStatus.STOPPED))));
        var failed = status("ha1", Set.of(), Map.of("ha2", Map.of("vip",
                new ResourceEntry(ResourceStatus.FAILED, 1, 0, "start: ERR_GENERIC (timeout)"))));
        routing.onCoordination(unknown, started); // a probe found it running: nothing happened
        routing.onCoordination(started, stopped);
        routing.onCoordination(stopped, failed);
        // A report without a return code (an agent too old to send one): OCF_ERR_GENERIC, as before.
        assertThat(sent).extracting(e -> e.topic() + " " + e.task() + " " + e.rc()).containsExactly(
                "RESOURCE_STOPPED stop 0", "RESOURCE_FAILED start 1");
        assertThat(notified).containsExactly("ha2 vip BACKUP", "ha2 vip FAULT");
    }

    /** docs/alerts.md: CRM_alert_rc and the webhook's rc are the failed operation's OCF return code. */
    @Test
    void aFailureCarriesTheOperationsOcfReturnCode() throws Exception {
        var routing = node("ha2");
        java.util.function.Function<ResourceEntry, CoordinationStatus> on = e ->
                status("ha1", Set.of(), Map.of("ha2", Map.of("vip", e, "db", e)));
        var started = new ResourceEntry(ResourceStatus.STARTED, 0, 0, "start: SUCCESS", "", 0);
        var gone = new ResourceEntry(ResourceStatus.FAILED, 1, 5, "monitor: NOT_RUNNING (rc 7)", "monitor: NOT_RUNNING (rc 7)", 7);
        routing.onCoordination(on.apply(started), on.apply(gone));
        assertThat(sent).filteredOn(e -> e.resource().equals("vip")).singleElement().satisfies(e -> {
            assertThat(e.topic() + " " + e.task() + " " + e.rc()).isEqualTo("RESOURCE_FAILED monitor 7");
            assertThat(e.details()).isEqualTo(Map.of("operation", "monitor: NOT_RUNNING (rc 7)"));
        });

        // A promoted instance's monitor that says OCF_SUCCESS has changed role by itself: rc 0, target 8.
        sent.clear();
        var promoted = new ResourceEntry(ResourceStatus.PROMOTED, 0, 0, "promote: SUCCESS", "", 0);
        var demotedItself = new ResourceEntry(ResourceStatus.FAILED, 1, 5, "monitor: SUCCESS", "monitor: SUCCESS", 0);
        var failedPromoted = new ResourceEntry(ResourceStatus.FAILED_PROMOTED, 1, 5, "monitor: FAILED_PROMOTED (rc 9)",
                "monitor: FAILED_PROMOTED (rc 9)", 9);
        routing.onCoordination(on.apply(promoted), on.apply(demotedItself));
        routing.onCoordination(on.apply(promoted), on.apply(failedPromoted));
        assertThat(sent).filteredOn(e -> e.resource().equals("db") && e.topic() == AlertTopic.RESOURCE_FAILED)
                .extracting(e -> e.task() + " " + e.rc() + " target " + e.details().get("target_rc"))
                .containsExactly("monitor 0 target 8", "monitor 9 target 8");

        // A failure counted again in the same state carries the new operation's code.
        sent.clear();
        var timedOut = new ResourceEntry(ResourceStatus.FAILED, 2, 6, "start: TIMED_OUT (timeout)", "start: TIMED_OUT (timeout)", 1);
        var notInstalled = new ResourceEntry(ResourceStatus.FAILED, 3, 7, "start: ERR_INSTALLED (rc 5)", "start: ERR_INSTALLED (rc 5)", 5);
        routing.onCoordination(on.apply(timedOut), on.apply(notInstalled));
        assertThat(sent).filteredOn(e -> e.resource().equals("vip")).extracting(e -> e.task() + " " + e.rc())
                .containsExactly("start 5");
    }

    @Test
    void promoteAndDemoteAreResourceAlertsInTheOrderTheyRan() throws Exception {
        var routing = node("ha2");
        java.util.function.Function<ResourceStatus, CoordinationStatus> db = st ->
                status("ha1", Set.of(), Map.of("ha2", Map.of("db", new ResourceEntry(st, 0, 0, ""))));
        routing.onCoordination(db.apply(ResourceStatus.STOPPED), db.apply(ResourceStatus.STARTED));
        routing.onCoordination(db.apply(ResourceStatus.STARTED), db.apply(ResourceStatus.PROMOTED));
        routing.onCoordination(db.apply(ResourceStatus.PROMOTED), db.apply(ResourceStatus.STARTED));
        // Started and promoted, then demoted and stopped, each between two snapshots.
        routing.onCoordination(db.apply(ResourceStatus.STOPPED), db.apply(ResourceStatus.PROMOTED));
        routing.onCoordination(db.apply(ResourceStatus.PROMOTED), db.apply(ResourceStatus.STOPPED));
        // A promoted instance that fails is a failure, not a demotion.
        routing.onCoordination(db.apply(ResourceStatus.PROMOTED), db.apply(ResourceStatus.FAILED_PROMOTED));
        assertThat(sent).extracting(e -> e.topic() + " " + e.task() + " " + e.rc()).containsExactly(
                "RESOURCE_STARTED start 0", "RESOURCE_PROMOTED promote 0", "RESOURCE_DEMOTED demote 0",
                "RESOURCE_STARTED start 0", "RESOURCE_PROMOTED promote 0", "RESOURCE_DEMOTED demote 0", "RESOURCE_STOPPED stop 0",
                "RESOURCE_FAILED monitor 1");
        assertThat(sent).filteredOn(e -> e.topic() == AlertTopic.RESOURCE_PROMOTED)
                .allSatisfy(e -> assertThat(e.node() + " " + e.resource() + " " + e.message()).isEqualTo("ha2 db db promoted on ha2"));
    }

    @Test
    void theEndOfADrillIsToldByTheCoordinator() throws Exception {
        var lock = new AdminState.DrillLock("r-1", "crash-ha1", "console@ops", "", 0, 60_000, "");
        var running = new AdminState(1, Set.of(), false, List.of(), lock, Map.of());
        var done = new AdminState(2, Set.of(), false, List.of(), null, Map.of());
        for (String n : List.of("ha1", "ha2")) {
            node(n).onCoordination(withAdmin(running), withAdmin(done));
        }
        assertThat(sent).singleElement().satisfies(e -> {
            assertThat(e.topic()).isEqualTo(AlertTopic.DRILL_FINISHED);
            assertThat(e.message()).isEqualTo("drill crash-ha1 finished (run r-1 by console@ops)");
        });
    }

    private static CoordinationStatus withAdmin(AdminState admin) {
        return new CoordinationStatus("ha1", new Quorum(true, "2 of 3 votes"), admin, Map.of(), Plan.EMPTY, List.of(), "",
                Set.of(), Set.of());
    }

    private static ResourceEntry entry(ResourceStatus s) {
        return new ResourceEntry(s, 0, 0, s == ResourceStatus.STARTED ? "start: OK" : "");
    }

    private static CoordinationStatus status(String coordinator, Set<String> fenced,
                                             Map<String, Map<String, ResourceEntry>> byNode) {
        return new CoordinationStatus(coordinator, new Quorum(true, "2 of 3 votes"), AdminState.INITIAL, byNode,
                Plan.EMPTY, List.of(), "", Set.of(), fenced);
    }
}
