package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.model.ActionKind;
import dev.vigil.model.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The promotable keys of the cluster file (docs/promotable.md): what they read as, and each mistake at line:column. */
class PromotableConfigTest {
    private static final Path FILE = Path.of("promotable.yaml");
    private static final List<String> NODES = List.of("ha1", "ha2", "ha3");

    @Test
    void aPromotableCloneWithRoleMonitorsNotificationsAndRoleConstraints() throws ConfigException {
        var cfg = ConfigLoader.loadResources("""
                resources:
                  - id: db
                    agent: "ocf:pacemaker:Stateful"
                    promotable: true
                    promoted_max: 2
                    notify: true
                    monitor: [{interval: 10s, role: Promoted}, {interval: 11s, role: Slave, timeout: 5s}, {interval: 30s}]
                  - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}
                constraints:
                  - {type: colocation, id: vip-with-primary, target: vip, with: db, with_role: Promoted}
                  - {type: order, id: promote-then-vip, first: db, first_action: promote, then: vip}
                  - {type: location, id: primary-on-ha1, target: db, node: ha1, score: 50, role: master}
                """, FILE, NODES);
        ResourceSpec db = cfg.resource("db").orElseThrow();
        assertThat(db.cloned()).as("promotable implies clone").isTrue();
        assertThat(db.notifyClone()).isTrue();
        assertThat(db.notifyCommands()).isEmpty();
        assertThat(db.promotable().orElseThrow().promotedMax()).isEqualTo(2);
        assertThat(db.promotable().orElseThrow().promotedNodeMax()).isEqualTo(1);
        assertThat(db.monitorFor(Role.PROMOTED).orElseThrow().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(db.monitorFor(Role.UNPROMOTED).orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(db.monitor().orElseThrow().interval()).as("the one without a role").isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.constraints()).containsExactly(
                new Constraint.Colocation("vip-with-primary", "vip", "db", Constraint.INFINITY, Role.PROMOTED),
                new Constraint.Order("promote-then-vip", "db", "vip", ActionKind.PROMOTE, ActionKind.START),
                new Constraint.Location("primary-on-ha1", "db", "ha1", 50, Role.PROMOTED));
        assertThat(cfg.resource("vip").orElseThrow().isPromotable()).isFalse();
    }

    @Test
    void equalMonitorIntervalsAreRefusedAtTheSecond() {
        var errors = errors("""
                resources:
                  - id: db
                    agent: "ocf:pacemaker:Stateful"
                    promotable: true
                    monitor: [{interval: 10s, role: Promoted}, {interval: 10s, role: Unpromoted}]
                """);
        assertThat(errors).hasSize(1);
        assertError(errors.get(0), 5, 59, "two monitors with interval 10s (the other at line 5, column 26)",
                "each monitor of a resource needs its own interval");
    }

    @Test
    void promotableKeysOnAnOrdinaryResourceAreRefusedWhereWritten() {
        var errors = errors("""
                resources:
                  - {id: web, agent: ocf:vigil:apache, promoted_max: 2, notify: true, monitor: [{interval: 5s, role: Promoted}]}
                  - {id: db, agent: "ocf:pacemaker:Stateful", promotable: true, monitor: [{interval: 5s, role: Boss}, {interval: 6s}, {interval: 7s}]}
                """);
        assertThat(errors).hasSize(5);
        assertError(errors.get(0), 2, 40, "promoted_max needs promotable: true");
        assertError(errors.get(1), 2, 65, "notify: true is for clones");
        assertError(errors.get(2), 2, 96, "a monitor's role needs promotable: true");
        assertError(errors.get(3), 3, 96, "unknown monitor role `Boss`; valid roles: Promoted | Unpromoted");
        assertError(errors.get(4), 3, 119, "only one monitor may have no role");
    }

    @Test
    void rolesAndPromoteActionsNeedAPromotableResource() {
        var errors = errors("""
                resources:
                  - {id: proxy, agent: "systemd:haproxy", clone: true}
                  - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}
                constraints:
                  - {type: colocation, id: c1, target: vip, with: proxy, with_role: Promoted}
                  - {type: order, id: o1, first: proxy, first_action: promote, then: vip}
                  - {type: location, id: l1, target: vip, node: ha1, role: Leader}
                  - {type: order, id: o2, first: proxy, then: vip, then_action: migrate}
                """);
        assertThat(errors).hasSize(4);
        assertError(errors.get(0), 5, 69, "with_role Promoted names `proxy`, which is not promotable");
        assertError(errors.get(1), 6, 55, "first_action promote names `proxy`, which is not promotable");
        assertError(errors.get(2), 7, 60, "unknown role `Leader`; valid roles: Promoted | Unpromoted | Started");
        assertError(errors.get(3), 8, 65, "unknown then_action `migrate`; valid actions: start | promote");
    }

    @Test
    void promotedNodeMaxIsOneInstancePerNode() {
        var errors = errors("""
                resources:
                  - {id: db, agent: "ocf:pacemaker:Stateful", promotable: true, promoted_node_max: 2}
                """);
        assertThat(errors).hasSize(1);
        assertError(errors.get(0), 2, 84, "promoted_node_max must be 1: Vigil runs one instance of a clone per node");
    }

    private static List<ConfigError> errors(String yaml) {
        return ConfigFixtures.resourceErrors(yaml, FILE, NODES);
    }
}
