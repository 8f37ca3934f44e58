package dev.vigil.config;

import static dev.vigil.config.ConfigFixtures.NO_DNS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.ResourceSpec.MonitorSpec;
import dev.vigil.model.FenceDelay;
import dev.vigil.model.FenceDevice;
import dev.vigil.model.ResourceAgentRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy halves that load, and what they load into. */
class ResourcesConfigLoaderTest {
    @TempDir
    Path dir;

    static final String HEAD = """
            cluster: web
            auth: {keyfile: authkey}
            nodes:
              - {name: ha1, address: 10.0.0.48}
              - {name: ha2, address: 10.0.0.49}
              - {name: ha3, address: 10.0.0.50}
            links: [{type: udp, mode: unicast}]
            """;

    /** The README's example, with every policy value changed from its default. */
    static final String POLICY_HALF = """
            resources:
              - {id: vip,   agent: ocf:vigil:IPaddr,     params: {ip: 10.0.0.46, cidr_netmask: 24}}
              - {id: data,  agent: ocf:vigil:Filesystem, params: {device: /dev/loop0, directory: /ha, fstype: ext4}}
              - {id: web,   agent: ocf:vigil:apache,     params: {configfile: /etc/apache2/apache2.conf},
                 monitor: {interval: 5s, timeout: 20s}, start_timeout: 30s, stop_timeout: 30s, on_fail: restart}
              - {id: proxy, agent: "systemd:haproxy", clone: true, monitor: {interval: 2s}}
            groups:
              - {id: www, members: [vip, data, web], prefer: ha1}
            constraints:
              - {type: location,   id: www-not-ha3, target: www, node: ha3, score: -INFINITY}
              - {type: colocation, id: www-with-proxy, target: www, with: proxy, score: INFINITY}
              - {type: order,      id: proxy-then-www, first: proxy, then: www}
            policy: {auto_failback: false, no_quorum: freeze, migration_threshold: 2, failure_timeout: 5m,
                     stickiness: 50, prefer_score: 200, two_node_unsafe: false}
            fencing:
              - {id: ipmi1, agent: fence_ipmilan, params: {ip: 10.0.0.201, username: admin, password: secret},
                 host_map: {ha1: "1", ha2: "2"}, timeout: 30s}
            ping: [10.0.0.1, "fd00::1", gw.example.com]
            """;

    @BeforeEach
    void writeKey() throws Exception {
        ConfigFixtures.writeKey(dir.resolve("authkey"));
    }

    @Test
    void theDocumentedExampleLoads() throws Exception {
        ClusterConfig c = ConfigLoader.load(HEAD + POLICY_HALF, dir.resolve("cluster.yaml"), NO_DNS);
        ResourcesConfig r = c.resources();

        var timeout = ResourceSpec.DEFAULT_OPERATION_TIMEOUT;
        assertThat(r.resources()).containsExactly(
                new ResourceSpec("vip", ResourceAgentRef.ocf("vigil", "IPaddr"),
                        Map.of("ip", "10.0.0.46", "cidr_netmask", "24"), Optional.empty(), timeout, timeout,
                        OnFail.RESTART, false),
                new ResourceSpec("data", ResourceAgentRef.ocf("vigil", "Filesystem"),
                        Map.of("device", "/dev/loop0", "directory", "/ha", "fstype", "ext4"), Optional.empty(),
                        timeout, timeout, OnFail.RESTART, false),
                new ResourceSpec("web", ResourceAgentRef.ocf("vigil", "apache"),
                        Map.of("configfile", "/etc/apache2/apache2.conf"),
                        Optional.of(new MonitorSpec(Duration.ofSeconds(5), Duration.ofSeconds(20))),
                        Duration.ofSeconds(30), Duration.ofSeconds(30), OnFail.RESTART, false),
                new ResourceSpec("proxy", ResourceAgentRef.parse("systemd:haproxy"), Map.of(),
                        Optional.of(new MonitorSpec(Duration.ofSeconds(2), timeout)), timeout, timeout,
                        OnFail.RESTART, true));
        assertThat(r.groups()).containsExactly(new GroupSpec("www", List.of("vip", "data", "web"), Optional.of("ha1")));
        assertThat(r.constraints()).containsExactly(
                new Constraint.Location("www-not-ha3", "www", "ha3", -Constraint.INFINITY),
                new Constraint.Colocation("www-with-proxy", "www", "proxy", Constraint.INFINITY),
                new Constraint.Order("proxy-then-www", "proxy", "www"));
        assertThat(r.policy()).isEqualTo(new Policy(false, Policy.NoQuorumPolicy.FREEZE, 2, Duration.ofMinutes(5),
                50, 200, false));
        assertThat(r.fencing()).containsExactly(new FenceDevice("ipmi1", "fence_ipmilan",
                Map.of("ip", "10.0.0.201", "username", "admin", "password", "secret"),
                Map.of("ha1", "1", "ha2", "2"), Duration.ofSeconds(30)));
        assertThat(r.ping()).containsExactly("10.0.0.1", "fd00::1", "gw.example.com");
        assertThat(r.groupOf("data")).map(GroupSpec::id).contains("www");
        assertThat(c.text()).isEqualTo(HEAD + POLICY_HALF);
    }

    @Test
    void theShippedExampleLoads() throws Exception {
        // Surefire runs in the module's directory; the example ships from the install module.
        String text = Files.readString(Path.of("../install/src/examples/cluster-resources.yaml"))
                .replace("/etc/vigil/authkey", dir.resolve("authkey").toString());

        ClusterConfig c = ConfigLoader.load(text, dir.resolve("cluster.yaml"), NO_DNS);

        assertThat(c.resources().groups()).extracting(GroupSpec::id).containsExactly("www");
        assertThat(c.resources().resources()).extracting(ResourceSpec::id)
                .containsExactly("vip", "data", "web", "proxy");
        assertThat(c.resources().fencingConfigured()).isTrue();
    }

    @Test
    void theSectionAloneLoadsToTheSameAsInTheWholeFile() throws Exception {
        ClusterConfig c = ConfigLoader.load(HEAD + POLICY_HALF, dir.resolve("cluster.yaml"), NO_DNS);

        ResourcesConfig alone = ConfigLoader.loadResources(POLICY_HALF, Path.of("scenario.yaml"), c.nodeNames());

        assertThat(alone).isEqualTo(c.resources());
    }

    @Test
    void defaultsApplyWhenOptionalKeysAreAbsent() throws Exception {
        ResourcesConfig r = ConfigLoader.loadResources("""
                resources: [{id: vip2, agent: "lsb:x"}, {id: vip, agent: "heartbeat:IPaddr::10.0.0.46/24"}]
                constraints:
                  - {type: location, id: vip-on-ha2, target: vip, node: ha2}
                  - {type: colocation, id: c, target: vip, with: vip2, score: 10}
                """, Path.of("s.yaml"), List.of("ha1", "ha2"));

        ResourceSpec vip = r.resource("vip").orElseThrow();
        assertThat(vip.agent().args()).containsExactly("10.0.0.46/24");
        assertThat(vip.params()).isEmpty();
        assertThat(vip.monitor()).isEmpty();
        assertThat(vip.startTimeout()).isEqualTo(ResourceSpec.DEFAULT_OPERATION_TIMEOUT);
        assertThat(vip.stopTimeout()).isEqualTo(ResourceSpec.DEFAULT_OPERATION_TIMEOUT);
        assertThat(vip.onFail()).isEqualTo(OnFail.RESTART);
        assertThat(vip.cloned()).isFalse();
        assertThat(r.constraints()).containsExactly(
                new Constraint.Location("vip-on-ha2", "vip", "ha2", Constraint.INFINITY),
                new Constraint.Colocation("c", "vip", "vip2", 10));
        assertThat(r.groups()).isEmpty();
        assertThat(r.policy()).isEqualTo(Policy.DEFAULTS);
        assertThat(r.fencing()).isEmpty();
        assertThat(r.ping()).isEmpty();
    }

    @Test
    void fenceRaceSettingsLoad() throws Exception {
        ResourcesConfig r = ConfigLoader.loadResources("""
                resources:
                  - {id: vip, agent: ocf:vigil:IPaddr, priority: 3}
                  - {id: db, agent: ocf:vigil:Dummy}
                groups: [{id: www, members: [vip], priority: 10}]
                fencing:
                  - {id: one, agent: fence_ipmilan, delay_base: 2s}
                  - {id: map, agent: fence_ipmilan, delay_base: {ha1: 5s}, delay_max: 8s}
                  - {id: none, agent: fence_ipmilan}
                policy: {priority_fencing_delay: 15s}
                """, Path.of("s.yaml"), List.of("ha1", "ha2"));

        assertThat(r.resource("vip").orElseThrow().priority()).isEqualTo(3);
        assertThat(r.resource("db").orElseThrow().priority()).isZero();
        assertThat(r.group("www").orElseThrow().priority()).isEqualTo(10);
        assertThat(r.policy().priorityFencingDelay()).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.fencing()).extracting(FenceDevice::delay).containsExactly(
                new FenceDelay(Duration.ofSeconds(2), Map.of(), Duration.ZERO),
                new FenceDelay(Duration.ZERO, Map.of("ha1", Duration.ofSeconds(5)), Duration.ofSeconds(8)),
                FenceDelay.NONE);
    }

    @Test
    void paramValuesAreKeptAsWritten() throws Exception {
        ResourcesConfig r = ConfigLoader.loadResources("""
                resources:
                  - {id: x, agent: ocf:vigil:Dummy, params: {version: 1.10, port: 0080, on: true, name: "a b"}}
                fencing:
                  - {id: f, agent: fence_vigil_ssh, params: {ssh-port: 22}, timeout: 1.5s}
                """, Path.of("s.yaml"), List.of("ha1"));

        assertThat(r.resource("x").orElseThrow().params())
                .isEqualTo(Map.of("version", "1.10", "port", "0080", "on", "true", "name", "a b"));
        assertThat(r.fencing().get(0).params()).isEqualTo(Map.of("ssh-port", "22"));
        assertThat(r.fencing().get(0).timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(r.fencing().get(0).hostMap()).isEmpty();
    }

    @Test
    void scoresAcceptEveryInfinitySpelling() throws Exception {
        ResourcesConfig r = ConfigLoader.loadResources("""
                resources: [{id: a, agent: "systemd:a"}]
                constraints:
                  - {type: location, id: l1, target: a, node: ha1, score: +INFINITY}
                  - {type: location, id: l2, target: a, node: ha1, score: -1000000}
                  - {type: location, id: l3, target: a, node: ha1, score: -5}
                policy: {stickiness: INFINITY}
                """, Path.of("s.yaml"), List.of("ha1"));

        assertThat(r.constraints()).extracting(c -> ((Constraint.Location) c).score())
                .containsExactly(Constraint.INFINITY, -Constraint.INFINITY, -5);
        assertThat(r.policy().stickiness()).isEqualTo(Constraint.INFINITY);
    }

    @Test
    void anEmptySectionIsTheEmptyConfiguration() throws Exception {
        assertThat(ConfigLoader.loadResources("", Path.of("s.yaml"), List.of("ha1"))).isEqualTo(ResourcesConfig.EMPTY);
        assertThat(ConfigLoader.loadResources("resources: []\n", Path.of("s.yaml"), List.of("ha1")))
                .isEqualTo(ResourcesConfig.EMPTY);
    }

    @Test
    void aHeartbeatOnlyFileHasNoResources() throws Exception {
        ClusterConfig c = ConfigLoader.load(HEAD, dir.resolve("cluster.yaml"), NO_DNS);
        assertThat(c.resources()).isEqualTo(ResourcesConfig.EMPTY);
    }
}
