package dev.vigil.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.model.ResourceStatus;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.AdminState.TemporaryConstraint;
import dev.vigil.scheduler.AdminState.TemporaryConstraint.Kind;
import dev.vigil.scheduler.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminRequestsTest {
    @TempDir
    static Path dir;
    static ClusterConfig config;

    @BeforeAll
    static void load() throws Exception {
        var key = dir.resolve("authkey");
        Files.writeString(key, "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        config = ConfigLoader.load("""
                cluster: t
                auth: {keyfile: authkey}
                nodes:
                  - {name: ha1, address: 10.0.0.1}
                  - {name: ha2, address: 10.0.0.2}
                  - {name: ha3, address: 10.0.0.3}
                links: [{type: udp, mode: unicast}]
                resources:
                  - {id: vip, agent: "ocf:test:StateFile"}
                  - {id: web, agent: "ocf:test:StateFile"}
                  - {id: db,  agent: "ocf:test:StateFile"}
                  - {id: proxy, agent: "ocf:test:StateFile", clone: true}
                groups:
                  - {id: www, members: [vip, web], prefer: ha1}
                """, dir.resolve("cluster.yaml"));
    }

    private static Optional<String> validate(String verb, String... args) {
        return AdminRequests.validate(new AdminRequest(1, verb, List.of(args)), config);
    }

    private static AdminState apply(AdminState s, String verb, String... args) {
        return AdminRequests.apply(new AdminRequest(1, verb, List.of(args)), s);
    }

    private static AdminRequests.Outcome outcome(Plan plan, boolean late, String verb, String... args) {
        return AdminRequests.outcome(new AdminRequest(1, verb, List.of(args)), plan, config, late);
    }

    private static Plan placed(Map<String, String> placement, String... notes) {
        return new Plan(List.of(), placement, List.of(notes));
    }

    @Test
    void validRequestsPass() {
        assertThat(validate("move", "www", "ha2")).isEmpty();
        assertThat(validate("move", "db", "ha3")).isEmpty();
        assertThat(validate("ban", "www", "ha1")).isEmpty();
        assertThat(validate("clear", "vip")).isEmpty();
        assertThat(validate("restart", "web")).isEmpty();
        assertThat(validate("cleanup", "web", "ha2")).isEmpty();
        assertThat(validate("standby", "ha3")).isEmpty();
        assertThat(validate("online", "ha3")).isEmpty();
        assertThat(validate("maintenance-on")).isEmpty();
        assertThat(validate("maintenance-off")).isEmpty();
    }

    @Test
    void badRequestsAreExplained() {
        assertThat(validate("move", "www")).contains("move needs a resource or group and a node");
        assertThat(validate("ban", "nope", "ha1")).contains("no resource or group 'nope'");
        assertThat(validate("move", "vip", "ha2")).contains("vip is a member of group www; move the group instead");
        assertThat(validate("ban", "vip", "ha2")).contains("vip is a member of group www; ban the group instead");
        assertThat(validate("move", "www", "ha9")).contains("no node 'ha9'");
        assertThat(validate("clear")).contains("clear needs a resource or group");
        assertThat(validate("clear", "nope")).contains("no resource or group 'nope'");
        assertThat(validate("restart")).contains("restart needs a resource (and optionally a node)");
        assertThat(validate("cleanup", "a", "b", "c")).contains("cleanup needs a resource (and optionally a node)");
        assertThat(validate("restart", "www")).as("a group is not a resource").contains("no resource 'www'");
        assertThat(validate("cleanup", "web", "ha9")).contains("no node 'ha9'");
        assertThat(validate("standby")).contains("standby needs a node");
        assertThat(validate("online", "ha9")).contains("no node 'ha9'");
        assertThat(validate("maintenance-on", "now")).contains("maintenance-on takes no arguments");
        assertThat(validate("reboot", "ha1")).hasValueSatisfying(m ->
                assertThat(m).startsWith("unknown verb 'reboot'; known: [move, ban, clear"));
    }

    @Test
    void moveReplacesEveryEarlierRuleOfItsTarget() {
        var s = apply(AdminState.INITIAL, "ban", "www", "ha2");
        s = apply(s, "move", "db", "ha1");
        s = apply(s, "move", "www", "ha3");
        s = apply(s, "move", "www", "ha2");

        assertThat(s.version()).isEqualTo(4);
        assertThat(s.temporary()).containsExactly(
                new TemporaryConstraint("db", "ha1", Kind.MOVE),
                new TemporaryConstraint("www", "ha2", Kind.MOVE));
    }

    @Test
    void banAddsToOtherBansButReplacesItsOwnDuplicate() {
        var s = apply(AdminState.INITIAL, "move", "www", "ha1");
        s = apply(s, "ban", "www", "ha2");
        s = apply(s, "ban", "www", "ha3");
        s = apply(s, "ban", "www", "ha2");

        assertThat(s.temporary()).containsExactly(
                new TemporaryConstraint("www", "ha1", Kind.MOVE),
                new TemporaryConstraint("www", "ha3", Kind.BAN),
                new TemporaryConstraint("www", "ha2", Kind.BAN));
    }

    @Test
    void clearRemovesOnlyItsTarget() {
        var s = apply(apply(apply(AdminState.INITIAL, "move", "www", "ha2"), "ban", "www", "ha3"), "ban", "db", "ha1");
        s = apply(s, "clear", "www");
        assertThat(s.temporary()).containsExactly(new TemporaryConstraint("db", "ha1", Kind.BAN));
        assertThat(s.version()).isEqualTo(4);
    }

    @Test
    void standbyOnlineAndMaintenance() {
        var s = apply(apply(AdminState.INITIAL, "standby", "ha2"), "standby", "ha3");
        assertThat(s.standby()).containsExactlyInAnyOrder("ha2", "ha3");
        s = apply(s, "online", "ha2");
        assertThat(s.standby()).containsExactly("ha3");
        s = apply(s, "maintenance-on");
        assertThat(s.maintenance()).isTrue();
        s = apply(s, "maintenance-off");
        assertThat(s.maintenance()).isFalse();
        assertThat(s.version()).isEqualTo(5);
    }

    @Test
    void restartAndCleanupChangeNoOperatorState() {
        var s = new AdminState(3, Set.of("ha3"), false, List.of());
        assertThat(apply(s, "restart", "web")).isSameAs(s);
        assertThat(apply(s, "cleanup", "web")).isSameAs(s);
    }

    @Test
    void restartStopsWhereTheResourceRunsAndCleanupWhereItFailed() {
        var reports = Map.of(
                "ha1", report("ha1", Map.of("db", entry(ResourceStatus.STOPPED, 2))),
                "ha2", report("ha2", Map.of("db", entry(ResourceStatus.STARTED, 0))),
                "ha3", report("ha3", Map.of("db", entry(ResourceStatus.STOPPED, 0))));
        assertThat(AdminRequests.directAction(new AdminRequest(1, "restart", List.of("db")), reports))
                .contains(new AdminRequests.DirectAction("db:restart@ha2", Operation.STOP, "db", "ha2"));
        assertThat(AdminRequests.directAction(new AdminRequest(1, "cleanup", List.of("db")), reports))
                .contains(new AdminRequests.DirectAction("db:cleanup@ha1", Operation.CLEANUP, "db", "ha1"));
        assertThat(AdminRequests.directAction(new AdminRequest(1, "cleanup", List.of("db", "ha3")), reports))
                .contains(new AdminRequests.DirectAction("db:cleanup@ha3", Operation.CLEANUP, "db", "ha3"));
        assertThat(AdminRequests.directAction(new AdminRequest(1, "move", List.of("www", "ha3")), reports)).isEmpty();
        var nowhere = Map.of("ha1", report("ha1", Map.of("db", entry(ResourceStatus.STOPPED, 0))));
        assertThat(AdminRequests.directAction(new AdminRequest(1, "restart", List.of("db")), nowhere)).isEmpty();
    }

    @Test
    void outcomesOfAMove() {
        var there = placed(Map.of("vip", "ha2", "web", "ha2"));
        assertThat(outcome(there, false, "move", "www", "ha2"))
                .isEqualTo(new AdminRequests.Outcome(true, "www runs on ha2"));

        var stuck = placed(Map.of("vip", "ha1", "web", "ha1"), "www cannot run on ha2: failed there");
        assertThat(outcome(stuck, false, "move", "www", "ha2")).isEqualTo(new AdminRequests.Outcome(false,
                "www could not be moved to ha2; it runs on ha1 (www cannot run on ha2: failed there); the move rule was removed"));

        assertThat(outcome(placed(Map.of()), false, "move", "db", "ha3"))
                .isEqualTo(new AdminRequests.Outcome(false, "db could not be moved to ha3; it runs on no node; the move rule was removed"));
        // Half of a group on the target is not a move done.
        assertThat(outcome(placed(Map.of("vip", "ha2")), false, "move", "www", "ha2").ok()).isFalse();
    }

    @Test
    void outcomesOfTheOtherVerbs() {
        var plan = placed(Map.of("vip", "ha3", "web", "ha3", "proxy@ha1", "ha1", "proxy@ha3", "ha3"));
        assertThat(outcome(plan, false, "ban", "www", "ha1"))
                .isEqualTo(new AdminRequests.Outcome(true, "www is banned from ha1 and runs on ha3"));
        assertThat(outcome(plan, false, "ban", "www", "ha3"))
                .isEqualTo(new AdminRequests.Outcome(false, "www still runs on ha3"));
        assertThat(outcome(plan, false, "clear", "proxy"))
                .isEqualTo(new AdminRequests.Outcome(true, "temporary constraints on proxy removed; it runs on ha1, ha3"));
        assertThat(outcome(plan, false, "restart", "web"))
                .isEqualTo(new AdminRequests.Outcome(true, "web restarted; it runs on ha3"));
        assertThat(outcome(placed(Map.of(), "db: failed everywhere"), false, "restart", "db"))
                .isEqualTo(new AdminRequests.Outcome(false, "db did not start again (db: failed everywhere)"));
        assertThat(outcome(plan, false, "cleanup", "db"))
                .isEqualTo(new AdminRequests.Outcome(true, "failures of db forgotten; it runs on no node"));
        assertThat(outcome(plan, false, "standby", "ha1"))
                .isEqualTo(new AdminRequests.Outcome(true, "ha1 is in standby and runs no resources"));
        assertThat(outcome(plan, false, "online", "ha1"))
                .isEqualTo(new AdminRequests.Outcome(true, "ha1 is online and may run resources"));
        assertThat(outcome(plan, false, "maintenance-on").message()).isEqualTo("maintenance mode on: resources are left alone");
        assertThat(outcome(plan, false, "maintenance-off").message()).isEqualTo("maintenance mode off: resources are managed again");
    }

    @Test
    void aLateAnswerSaysTheClusterDidNotSettle() {
        assertThat(outcome(placed(Map.of(), "fencing ha1 needed"), true, "move", "www", "ha2"))
                .isEqualTo(new AdminRequests.Outcome(false,
                        "move www ha2: accepted, but the cluster had not settled after the deadline (fencing ha1 needed)"));
    }

    @Test
    void unknownIdsGetADidYouMean() {
        assertThat(validate("move", "wwww", "ha2")).contains("no resource or group 'wwww'; did you mean 'www'?");
        assertThat(validate("move", "www", "ha9")).contains("no node 'ha9'"); // ha1, ha2, ha3 equally close: no guess
        assertThat(validate("move", "www", "hq2")).contains("no node 'hq2'; did you mean 'ha2'?");
        assertThat(validate("move", "www", "HA2")).contains("no node 'HA2'; did you mean 'ha2'?");
        assertThat(validate("restart", "wbe")).contains("no resource 'wbe'; did you mean 'web'?");
        assertThat(validate("standby", "node-seven")).contains("no node 'node-seven'");
        assertThat(validate("clear", "zzzzzz")).contains("no resource or group 'zzzzzz'");
        assertThat(Suggest.didYouMean("xyz", List.of("www", "db"))).isEmpty();
    }

    @Test
    void aMoveInMaintenanceIsAnsweredAtOnceAndAFailedMovesRuleGoes() {
        var maintenance = new AdminState(3, Set.of(), true, List.of());
        var reports = Map.of("ha1", report("ha1", Map.of("vip", entry(ResourceStatus.STARTED, 0), "web", entry(ResourceStatus.STARTED, 0))),
                "ha2", report("ha2", Map.of("vip", entry(ResourceStatus.STOPPED, 0), "web", entry(ResourceStatus.STOPPED, 0))));
        var refused = AdminRequests.answeredAtOnce(new AdminRequest(1, "move", List.of("www", "ha2")), maintenance, reports, config);
        assertThat(refused).get().extracting(AdminRequests.Outcome::ok).isEqualTo(false);
        assertThat(refused.get().message()).startsWith("maintenance mode is on");

        var here = AdminRequests.answeredAtOnce(new AdminRequest(1, "move", List.of("www", "ha1")), AdminState.INITIAL, reports, config);
        assertThat(here).contains(new AdminRequests.Outcome(true, "www already runs on ha1; nothing to do, no rule added"));
        assertThat(AdminRequests.answeredAtOnce(new AdminRequest(1, "move", List.of("www", "ha2")), AdminState.INITIAL, reports, config))
                .isEmpty();
        // with a rule elsewhere, a move back replaces it: not "nothing to do"
        var ruled = new AdminState(2, Set.of(), false, List.of(new TemporaryConstraint("www", "ha2", Kind.MOVE)));
        assertThat(AdminRequests.answeredAtOnce(new AdminRequest(1, "move", List.of("www", "ha1")), ruled, reports, config)).isEmpty();

        assertThat(AdminRequests.answeredAtOnce(new AdminRequest(1, "clear", List.of("www")), AdminState.INITIAL, reports, config))
                .contains(new AdminRequests.Outcome(true, "no move or ban rules on www; nothing to clear"));
        assertThat(AdminRequests.answeredAtOnce(new AdminRequest(1, "clear", List.of("www")), ruled, reports, config)).isEmpty();

        var after = AdminRequests.withoutFailedMove(new AdminRequest(1, "move", List.of("www", "ha2")), ruled);
        assertThat(after.temporary()).isEmpty();
        assertThat(after.version()).isEqualTo(3);
        var replaced = new AdminState(4, Set.of(), false, List.of(new TemporaryConstraint("www", "ha3", Kind.MOVE)));
        assertThat(AdminRequests.withoutFailedMove(new AdminRequest(1, "move", List.of("www", "ha2")), replaced)).isSameAs(replaced);
    }

    @Test
    void inMaintenanceWhereThingsRunComesFromTheReports() {
        var reports = Map.of("ha1", report("ha1", Map.of("vip", entry(ResourceStatus.STARTED, 0), "web", entry(ResourceStatus.STARTED, 0))),
                "ha2", report("ha2", Map.of("vip", entry(ResourceStatus.STOPPED, 0), "web", entry(ResourceStatus.STOPPED, 0))));
        var plan = new Plan(List.of(), AdminRequests.placementNow(reports), List.of("maintenance mode"));
        assertThat(outcome(plan, false, "clear", "www").message())
                .isEqualTo("temporary constraints on www removed; it runs on ha1 (maintenance mode)");
        assertThat(AdminRequests.allRunOn("www", "ha1", plan, config)).isTrue();
    }

    private static ResourceEntry entry(ResourceStatus status, int failCount) {
        return new ResourceEntry(status, failCount, failCount > 0 ? 1 : 0, "");
    }

    private static NodeReport report(String node, Map<String, ResourceEntry> resources) {
        return new NodeReport(node, "ha1", 1, 1, resources, List.of(), AdminState.INITIAL, List.of(), true);
    }
}
