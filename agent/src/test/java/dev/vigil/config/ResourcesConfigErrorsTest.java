package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per kind of mistake in the policy half of the cluster file: where it is reported
 * (line:column) and what the message says. Most read the section alone, through
 * {@link ConfigLoader#loadResources}, so that line 1 is its first line.
 */
class ResourcesConfigErrorsTest {
    static final Path FILE = Path.of("scenario.yaml");
    static final List<String> NODES = List.of("ha1", "ha2", "ha3");

    @TempDir
    Path dir;

    @BeforeEach
    void writeKey() throws Exception {
        ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    @Test
    void unknownKeysListTheValidOnes() {
        var errors = errors("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr, on-fail: restart}
                groups:
                  - {id: www, members: [vip], prefered: ha1}
                policy: {stickyness: 10}
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 2, 40, "unknown key `on-fail` in a resource (did you mean `on_fail`?)",
                "valid keys: id, agent, params, monitor, start_timeout, stop_timeout, on_fail, clone");
        assertError(errors.get(1), 4, 31, "unknown key `prefered` in a group (did you mean `prefer`?)",
                "valid keys: id, members, prefer");
        assertError(errors.get(2), 5, 10, "unknown key `stickyness` in policy (did you mean `stickiness`?)");
    }

    @Test
    void onlyThePolicyHalfIsAllowedInAResourcesSection() {
        var errors = errors("""
                resources: []
                nodes: []
                """);
        assertSingle(errors, 2, 1, "unknown key `nodes` in the resources section",
                "valid keys: resources, groups, constraints, policy, fencing, ping, drills");
    }

    @Test
    void idsAreValidNamesSharedByResourcesAndGroups() {
        var errors = errors("""
                resources:
                  - {id: www, agent: ocf:vigil:IPaddr}
                  - {id: "bad id", agent: ocf:vigil:IPaddr}
                groups:
                  - {id: www, members: [www]}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 3, 10, "resource id `bad id` is not valid",
                "1 to 64 letters, digits, '_', '.' or '-'");
        assertError(errors.get(1), 5, 10, "duplicate id `www` (already used at line 2)",
                "resources and groups need ids unique among them all");
    }

    @Test
    void missingIdAndAgentAreReportedAtTheResource() {
        var errors = errors("""
                resources:
                  - {params: {ip: 10.0.0.46}}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 2, 5, "missing required key `id` in a resource");
        assertError(errors.get(1), 2, 5, "missing required key `agent` in a resource", "ocf:vigil:IPaddr");
    }

    @Test
    void badAgentCarriesTheParsersMessage() {
        var errors = errors("""
                resources:
                  - id: vip
                    agent: ocf:IPaddr
                """);
        assertSingle(errors, 3, 12, "bad resource agent 'ocf:IPaddr': an OCF agent is ocf:provider:type");
    }

    @Test
    void paramsAreSingleValuesWithUsableNames() {
        var errors = errors("""
                resources:
                  - id: vip
                    agent: ocf:vigil:IPaddr
                    params:
                      ip: [10.0.0.46]
                      cidr-netmask: 24
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 5, 11, "the value of ip must be a single value", "got a list");
        assertError(errors.get(1), 6, 7, "params name `cidr-netmask` is not valid",
                "letters, digits and '_'", "OCF_RESKEY_");
    }

    @Test
    void operationDurationsMustBePositiveAndAMonitorNeedsAnInterval() {
        var errors = errors("""
                resources:
                  - id: web
                    agent: ocf:vigil:apache
                    monitor: {interval: 0s}
                    start_timeout: 30 sec
                  - id: db
                    agent: ocf:vigil:apache
                    monitor: {timeout: 10s}
                """);
        assertThat(errors).hasSize(3);
        assertError(errors.get(0), 4, 25, "interval must be longer than 0");
        assertError(errors.get(1), 5, 20, "start_timeout must be a duration such as 200ms", "got `30 sec`");
        assertError(errors.get(2), 8, 14, "missing required key `interval` in monitor", "interval: 5s");
    }

    @Test
    void onFailIsOneOfTheKnownReactionsAndFenceNeedsFencing() {
        var errors = errors("""
                resources:
                  - {id: web, agent: ocf:vigil:apache, on_fail: reboot}
                  - {id: db, agent: ocf:vigil:apache, on_fail: fence}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 2, 49, "unknown on_fail `reboot`",
                "valid values: restart | move | block | fence | stop | ignore");
        assertError(errors.get(1), 3, 48, "resource `db` has on_fail: fence, but no fencing is configured");
    }

    @Test
    void onFailFenceIsFineWithAFenceDevice() throws Exception {
        ResourcesConfig r = ConfigLoader.loadResources("""
                resources:
                  - {id: db, agent: ocf:vigil:apache, on_fail: fence}
                fencing:
                  - {id: ssh, agent: fence_vigil_ssh}
                """, FILE, NODES);
        assertThat(r.resource("db").orElseThrow().onFail()).isEqualTo(OnFail.FENCE);
        assertThat(r.fencingConfigured()).isTrue();
    }

    @Test
    void groupMembersAreExistingUnclonedResourcesInOneGroupOnly() {
        var errors = errors("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr}
                  - {id: web, agent: ocf:vigil:apache}
                  - {id: proxy, agent: "systemd:haproxy", clone: true}
                groups:
                  - {id: www, members: [vip, ghost, proxy]}
                  - {id: www2, members: [vip]}
                  - {id: none, members: []}
                  - {id: far, members: [web, web], prefer: ha9}
                """);
        assertThat(errors).hasSize(6);
        assertError(errors.get(0), 6, 30, "unknown resource `ghost` in members",
                "resources in this file: vip, web, proxy");
        assertError(errors.get(1), 6, 37, "resource `proxy` is a clone", "cannot be a member of a group");
        assertError(errors.get(2), 7, 26, "resource `vip` is already a member of group `www`",
                "at most one group");
        assertError(errors.get(3), 8, 25, "members must list at least one resource");
        assertError(errors.get(4), 9, 30, "resource `web` is already a member of this group");
        assertError(errors.get(5), 9, 44, "unknown node `ha9` in prefer", "nodes in this file: ha1, ha2, ha3");
    }

    @Test
    void constraintsNamePlaceableThingsAndConfiguredNodes() {
        var errors = errors("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr}
                  - {id: web, agent: ocf:vigil:apache}
                  - {id: proxy, agent: "systemd:haproxy", clone: true}
                groups:
                  - {id: www, members: [vip, web]}
                constraints:
                  - type: location
                    id: a
                    target: web
                    node: ha9
                    score: lots
                  - type: colocation
                    id: b
                    target: proxy
                    with: proxy
                  - type: order
                    id: a
                    first: ghost
                    then: www
                  - {type: before, id: c}
                """);
        assertThat(errors).hasSize(7);
        assertError(errors.get(0), 10, 13, "`web` is a member of group `www`", "constrain the group `www` instead");
        assertError(errors.get(1), 11, 11, "unknown node `ha9` in node", "nodes in this file: ha1, ha2, ha3");
        assertError(errors.get(2), 12, 12,
                "score must be an integer from -1000000 to 1000000, INFINITY or -INFINITY, got `lots`");
        assertError(errors.get(3), 16, 11, "colocation `b` puts `proxy` with itself");
        assertError(errors.get(4), 18, 9, "duplicate constraint id `a` (already used at line 9)");
        assertError(errors.get(5), 19, 12, "unknown resource or group `ghost` in first",
                "resources and groups in this file: proxy, www");
        assertError(errors.get(6), 21, 12, "unknown constraint type `before`",
                "valid types: location | colocation | order");
    }

    @Test
    void eachKindOfConstraintHasItsOwnKeys() {
        var errors = errors("""
                resources: [{id: a, agent: "systemd:a"}, {id: b, agent: "systemd:b"}]
                constraints:
                  - {type: order, id: a-b, first: a, then: b, score: 10}
                  - {type: location, id: a-on, target: a}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 3, 47, "unknown key `score` in an order constraint",
                "valid keys: type, id, first, then");
        assertError(errors.get(1), 4, 5, "missing required key `node` in a location constraint");
    }

    @Test
    void orderCyclesAreNamedAtTheConstraintThatClosesThem() {
        var errors = errors("""
                resources:
                  - {id: a, agent: "systemd:a"}
                  - {id: b, agent: "systemd:b"}
                  - {id: c, agent: "systemd:c"}
                constraints:
                  - {type: order, id: a-b, first: a, then: b}
                  - {type: order, id: b-c, first: b, then: c}
                  - {type: order, id: c-a, first: c, then: a}
                  - {type: order, id: self, first: b, then: b}
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 8, 44, "order `c-a` closes a cycle: a → b → c → a");
        assertError(errors.get(1), 9, 45, "order `self` closes a cycle: b → b");
    }

    @Test
    void policyValuesAreChecked() {
        var errors = errors("""
                policy:
                  auto_failback: legacy
                  no_quorum: suicide
                  migration_threshold: -1
                  failure_timeout: soon
                  stickiness: 2000000
                """);
        assertThat(errors).hasSize(5);
        assertError(errors.get(0), 2, 18, "auto_failback must be true or false, got the string `legacy`");
        assertError(errors.get(1), 3, 14, "unknown no_quorum `suicide`; valid values: stop | freeze | ignore");
        assertError(errors.get(2), 4, 24, "migration_threshold must be an integer >= 0", "got -1");
        assertError(errors.get(3), 5, 20, "failure_timeout must be a duration", "got `soon`");
        assertError(errors.get(4), 6, 15,
                "stickiness must be an integer from -1000000 to 1000000, INFINITY or -INFINITY, got 2000000");
    }

    @Test
    void fenceDevicesNameAgentsAndConfiguredNodes() {
        var errors = errors("""
                fencing:
                  - id: ipmi1
                    agent: /usr/sbin/fence_ipmilan
                    host_map: {ha1: "1", ha9: "9"}
                    timeout: 0s
                  - {id: ipmi1, agent: fence_ipmilan, params: {"a=b": c}}
                """);
        assertThat(errors).hasSize(5);
        assertError(errors.get(0), 3, 12, "agent must be a command name such as fence_ipmilan, not a path");
        assertError(errors.get(1), 4, 26, "unknown node `ha9` in host_map", "nodes in this file: ha1, ha2, ha3");
        assertError(errors.get(2), 5, 14, "timeout must be longer than 0");
        assertError(errors.get(3), 6, 10, "duplicate fence device id `ipmi1` (already used at line 2)");
        assertError(errors.get(4), 6, 48, "params name `a=b` is not valid", "letters, digits, '_' and '-'");
    }

    @Test
    void fenceRaceDelaysAndPrioritiesAreCheckedWhereTheyAreWritten() {
        var errors = errors("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr, priority: -1}
                groups:
                  - {id: www, members: [vip], priority: lots}
                fencing:
                  - {id: a, agent: fence_ipmilan, delay_base: 5s, delay_max: 2s}
                  - {id: b, agent: fence_ipmilan, delay_base: {ha1: 5s, ha9: 1s}, delay_max: 3s}
                  - {id: c, agent: fence_ipmilan, delay_base: -1s, delay_max: soon}
                policy: {priority_fencing_delay: -5s}
                """);
        assertThat(errors).hasSize(8);
        assertError(errors.get(0), 2, 50, "priority must be an integer from 0 to 1000000, got -1");
        assertError(errors.get(1), 4, 41, "priority must be an integer from 0 to 1000000");
        assertError(errors.get(2), 6, 62, "delay_max (2s) is below delay_base (5s)");
        assertError(errors.get(3), 7, 57, "unknown node `ha9` in delay_base", "nodes in this file: ha1, ha2, ha3");
        assertError(errors.get(4), 7, 78, "delay_max (3s) is below the delay_base of ha1 (5s, line 7)");
        assertError(errors.get(5), 8, 47, "delay_base must be a duration", "got `-1s`");
        assertError(errors.get(6), 8, 63, "delay_max must be a duration", "got `soon`");
        assertError(errors.get(7), 9, 34, "priority_fencing_delay must be a duration", "got `-5s`");
    }

    @Test
    void pingTargetsAreAddressesOrHostNames() {
        var errors = errors("""
                ping: [10.0.0.1, "10.0.0.300", 10.0.0.1, gw.example.com, "fd00::1"]
                """);
        assertThat(errors).hasSize(2);
        assertError(errors.get(0), 1, 18, "ping target `10.0.0.300` is not an IP address or host name");
        assertError(errors.get(1), 1, 32, "duplicate ping target `10.0.0.1` (already listed at line 1)");
        assertSingle(errors("ping: 10.0.0.1\n"), 1, 7, "ping must be a list of addresses to ping",
                "got the string `10.0.0.1`");
    }

    // ---- the whole file

    /** Two nodes, one vote each: lines 1–6; line 7 is free. */
    static final String TWO_NODES = """
            cluster: web
            auth: {keyfile: authkey}
            nodes:
              - {name: ha1, address: 10.0.0.48}
              - {name: ha2, address: 10.0.0.49}
            links: [{type: udp, mode: unicast}]
            """;
    static final String ONE_RESOURCE = "resources: [{id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}]\n";

    @Test
    void twoVotesNeedFencingOrAPingTieBreakerOrAnExplicitWaiver() {
        var errors = fileErrors(TWO_NODES + ONE_RESOURCE);
        assertSingle(errors, 3, 1, "this cluster has 2 votes", "configure fencing", "a ping tie-breaker (ping:",
                "policy: {two_node_unsafe: true}");

        assertThat(fileErrors(TWO_NODES + ONE_RESOURCE + "fencing: [{id: ssh, agent: fence_vigil_ssh}]\n"))
                .isEmpty();
        assertThat(fileErrors(TWO_NODES + ONE_RESOURCE + "ping: [10.0.0.1]\n")).isEmpty();
        assertThat(fileErrors(TWO_NODES + ONE_RESOURCE + "policy: {two_node_unsafe: true}\n")).isEmpty();
    }

    @Test
    void twoNodeRuleCountsVotesAndOnlyAppliesToClustersWithResources() {
        assertThat(fileErrors(TWO_NODES)).as("heartbeat only").isEmpty();
        assertThat(fileErrors(TWO_NODES.replace("10.0.0.49}", "10.0.0.49, votes: 2}") + ONE_RESOURCE))
                .as("three votes").isEmpty();
        String threeNodesTwoVotes = TWO_NODES.replace("links:", "  - {name: q, address: 10.0.0.50, votes: 0}\nlinks:");
        assertSingle(fileErrors(threeNodesTwoVotes + ONE_RESOURCE), 3, 1, "this cluster has 2 votes");
    }

    @Test
    void inTheWholeFileNodeNamesComeFromNodes() {
        var errors = fileErrors(TWO_NODES + """
                resources: [{id: vip, agent: ocf:vigil:IPaddr}]
                groups: [{id: www, members: [vip], prefer: ha3}]
                ping: [10.0.0.1]
                """);
        assertSingle(errors, 8, 44, "unknown node `ha3` in prefer", "nodes in this file: ha1, ha2");
    }

    @Test
    void brokenNodesDoNotCauseUnknownNodeErrors() {
        var errors = fileErrors(TWO_NODES.replace("name: ha2", "name: \"ha 2\"") + """
                resources: [{id: vip, agent: ocf:vigil:IPaddr}]
                groups: [{id: www, members: [vip], prefer: ha2}]
                """);
        assertSingle(errors, 5, 12, "node name `ha 2` is not valid");
    }

    @Test
    void unknownTopLevelKeySuggestsTheNewKeys() {
        var errors = fileErrors(TWO_NODES + "resource: []\n");
        assertSingle(errors, 7, 1, "unknown key `resource` in the cluster file (did you mean `resources`?)",
                "resources, groups, constraints, policy, fencing, ping, drills");
    }

    private List<ConfigError> errors(String yaml) {
        try {
            ConfigLoader.loadResources(yaml, FILE, NODES);
            return List.of();
        } catch (ConfigException e) {
            assertThat(e.errors()).allSatisfy(err -> assertThat(err.file()).isEqualTo(FILE));
            return e.errors();
        }
    }

    private List<ConfigError> fileErrors(String yaml) {
        return ConfigLoader.check(yaml, dir.resolve("cluster.yaml"), NO_DNS);
    }

    private static void assertSingle(List<ConfigError> errors, int line, int column, String... fragments) {
        assertThat(errors).hasSize(1);
        assertError(errors.get(0), line, column, fragments);
    }

    private static void assertError(ConfigError e, int line, int column, String... fragments) {
        assertThat(e.line()).as("line of %s", e).isEqualTo(line);
        assertThat(e.column()).as("column of %s", e).isEqualTo(column);
        assertThat(e.message()).contains(fragments);
    }
}
