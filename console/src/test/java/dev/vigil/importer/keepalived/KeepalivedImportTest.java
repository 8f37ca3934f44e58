package dev.vigil.importer.keepalived;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.importer.Golden;
import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportResult;
import dev.vigil.importer.NodeOption;
import dev.vigil.importer.Resolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * keepalived configurations imported: every sample Debian's keepalived package installs (read
 * from /usr/share/doc/keepalived/samples, as installed by .ci/run), each passing the config
 * check with what it cannot map listed; a pair of per-node files as a golden output; bad input.
 */
class KeepalivedImportTest {
    static final Path SAMPLES = Path.of("/usr/share/doc/keepalived/samples");
    private static final Resolver NOTHING = name -> Optional.empty();
    private static final List<NodeOption> TWO = List.of(new NodeOption("ha1", "10.0.0.48"), new NodeOption("ha2", "10.0.0.49"));

    @TempDir
    Path dir;

    static Stream<Path> samples() throws Exception {
        assertTrue(Files.isDirectory(SAMPLES), SAMPLES + " is missing: install Debian's keepalived package (.ci/run does)");
        try (var s = Files.list(SAMPLES)) {
            var list = s.filter(p -> p.getFileName().toString().startsWith("keepalived.conf")).sorted().toList();
            assertTrue(list.size() >= 20, "expected Debian's two dozen samples, found " + list);
            return list.stream();
        }
    }

    static ImportResult run(List<Path> files, List<NodeOption> nodes) throws ImportException {
        return KeepalivedImport.run(new KeepalivedImport.Request(files, nodes, "authkey", NOTHING, Golden.fixedRandom()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyDebianSampleImportsAndPassesTheConfigCheck(Path sample) throws Exception {
        var result = run(List.of(sample), TWO);
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        assertEquals(2, config.nodes().size());
        // Nothing vanishes silently: every top-level section is imported or listed.
        var parsed = KeepalivedConf.parse(sample, Files::readString, Optional.of("ha1"));
        for (var item : parsed.items()) {
            String k = item.key().text();
            boolean vrrp = List.of("vrrp_instance", "vrrp_sync_group", "vrrp_script").contains(k);
            boolean listed = result.unmapped().stream().anyMatch(u -> u.source().startsWith(sample.getFileName() + ":"));
            boolean lvs = k.equals("virtual_server") && result.yaml().contains("agent: \"ocf:vigil:lvs\"");
            assertTrue(vrrp || listed || lvs || (k.equals("global_defs") && item.children().stream()
                    .allMatch(c -> c.key().text().equals("router_id"))), sample + ": " + item.text() + " neither imported nor listed");
        }
        // Each IPv4 virtual_server is an lvs resource, each other one listed with its ipvsadm rules.
        for (var vs : parsed.items().stream().filter(i -> i.key().text().equals("virtual_server")).toList()) {
            String from = "from " + vs.key().source() + " `" + vs.text() + "`";
            boolean resource = config.resources().resources().stream().anyMatch(r -> r.agent().toString().equals("ocf:vigil:lvs"))
                    && result.yaml().contains(from);
            boolean rules = result.notes().stream().anyMatch(n -> n.startsWith(vs.key().source() + ": `" + vs.text()
                    + "` as ipvsadm rules:\nipvsadm -A "));
            boolean again = result.notes().stream().anyMatch(n -> n.startsWith(vs.key().source() + ": `" + vs.text() + "` again"));
            assertTrue(resource || rules || again || vs.args().size() != 2, vs.text() + " neither a resource nor its rules:\n" + result.yaml());
        }
    }

    @Test
    void theVrrpSampleGivesFourGroupsSharedBetweenTheTwoNodesByPriority() throws Exception {
        var result = run(List.of(SAMPLES.resolve("keepalived.conf.vrrp")), TWO);
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        var groups = config.resources().groups();
        assertEquals(List.of("VI_1", "VI_2", "VI_3", "VI_4"), groups.stream().map(g -> g.id()).toList());
        // MASTER at 100 stays on this file's node; priority 50 is the peer's.
        assertEquals(List.of("ha1", "ha2", "ha1", "ha2"), groups.stream().map(g -> g.prefer().orElseThrow()).toList());
        assertEquals(12, config.resources().resources().size(), "192.168.200.18 is listed twice in VI_1 and imported once");
        assertTrue(result.yaml().contains("params: {ip: 192.168.200.16, cidr_netmask: 32, nic: eth0}"), result.yaml());
        // smtp_alert with global_defs' server and recipients: a mail alert, and nothing of it listed as lost.
        assertTrue(result.yaml().contains("- {name: keepalived-mail, kind: smtp, smtp: {host: 192.168.200.1, "
                + "from: Alexandre.Cassen@firewall.loc}, recipients: [acassen], events: [node-dead, resource-moved, "
                + "resource-failed], timeout: 30s}"), result.yaml());
        assertEquals(1, config.resources().alerts().size());
        assertTrue(result.unmapped().stream().noneMatch(u -> u.directive().contains("smtp")), result.unmapped().toString());
    }

    @Test
    void nopreemptAndAVirtualServer() throws Exception {
        var result = run(List.of(SAMPLES.resolve("keepalived.conf.sample")), TWO);
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        assertFalse(config.resources().policy().autoFailback());
        // The virtual service as the lvs-director recipe's resource, its HTTP_GET as the http check, every 6 s.
        var lvs = config.resources().resources().stream().filter(r -> r.id().equals("lvs-10.10.10.2-1358")).findFirst().orElseThrow();
        assertEquals("ocf:vigil:lvs", lvs.agent().toString());
        assertEquals(Map.of("vip", "10.10.10.2", "port", "1358", "protocol", "tcp", "scheduler", "rr", "persistent", "50",
                "forwarding", "nat", "real_servers", "192.168.200.2:1358:1", "check", "http", "check_path", "/testurl3/test.jsp",
                "check_timeout", "3"), withoutQuiescent(lvs.params()));
        assertEquals("false", lvs.params().get("quiescent"), "keepalived removes a failing real server");
        assertEquals(java.time.Duration.ofSeconds(6), lvs.monitor().orElseThrow().interval());
        // What the resource cannot say is listed with its line.
        var listed = result.unmapped().stream().map(u -> u.source() + " " + u.directive()).toList();
        for (var expect : List.of("keepalived.conf.sample:33 `sorry_server", "keepalived.conf.sample:40 `digest",
                "keepalived.conf.sample:43 `retry 3`", "keepalived.conf.sample:44 `delay_before_retry 3`")) {
            assertTrue(listed.stream().anyMatch(l -> l.startsWith(expect)), expect + " in " + listed);
        }
    }

    private static Map<String, String> withoutQuiescent(Map<String, String> params) {
        var m = new java.util.LinkedHashMap<>(params);
        m.remove("quiescent");
        return m;
    }

    @Test
    void aVirtualServerJoinsTheGroupOfItsAddress() throws Exception {
        Path conf = dir.resolve("lb.conf");
        Files.writeString(conf, """
                vrrp_instance VI_WEB {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    virtual_ipaddress {
                        10.0.0.10/24
                    }
                }
                virtual_server 10.0.0.10 80 {
                    delay_loop 5
                    lb_algo wlc
                    lb_kind DR
                    quorum 2
                    real_server 10.0.0.21 80 {
                        weight 3
                        inhibit_on_failure
                        TCP_CHECK {
                            connect_port 8080
                            connect_timeout 2.5
                        }
                    }
                    real_server 10.0.0.22 80 {
                        inhibit_on_failure
                        TCP_CHECK {
                            connect_port 8080
                            connect_timeout 2.5
                        }
                    }
                }
                """);
        var result = run(List.of(conf), TWO);
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(Files.createDirectories(dir.resolve("out")), result));
        var group = config.resources().groups().get(0);
        assertEquals(List.of("ip-10.0.0.10", "lvs-10.0.0.10-80"), group.members(), result.yaml());
        var lvs = config.resources().resources().stream().filter(r -> r.id().equals("lvs-10.0.0.10-80")).findFirst().orElseThrow();
        assertEquals(Map.of("vip", "10.0.0.10", "port", "80", "protocol", "tcp", "scheduler", "wlc", "forwarding", "dr",
                "real_servers", "10.0.0.21:80:3 10.0.0.22:80:1", "check", "tcp", "check_port", "8080", "check_timeout", "3",
                "quiescent", "true"), lvs.params(), "inhibit_on_failure on every real server: quiescent");
        assertTrue(result.unmapped().stream().anyMatch(u -> u.source().equals("lb.conf:14") && u.directive().startsWith("`quorum 2`")),
                result.unmapped().toString());
    }

    @Test
    void aProcessCheckBecomesAMonitoredCloneTheGroupRunsWith() throws Exception {
        var result = run(List.of(SAMPLES.resolve("keepalived.conf.vrrp.localcheck")), TWO);
        Golden.assertPassesConfigCheck(dir, result);
        assertTrue(result.yaml().contains("- {id: haproxy, agent: systemd:haproxy, clone: true, monitor: {interval: 2s}}"), result.yaml());
        assertTrue(result.yaml().contains("- {type: colocation, id: VI_1-with-haproxy, target: VI_1, with: haproxy, score: 2}"), result.yaml());
        assertTrue(result.unmapped().stream().anyMatch(u -> u.directive().startsWith("`vrrp_script chk_http_port` (`</dev/tcp/127.0.0.1/80`)")));
    }

    @Test
    void oneFilePerNodeWithAnIncludeAndUnicastPeers() throws Exception {
        var d = Golden.resource("keepalived/two-nodes");
        var result = run(List.of(d.resolve("lb1.conf"), d.resolve("lb2.conf")), List.of());
        Golden.assertGolden(d.resolve("expected.yaml"), result.yaml());
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        assertEquals("lb1", config.resources().groups().get(0).prefer().orElseThrow());
        assertEquals(45, result.key().length);
    }

    @Test
    void perNodeFilesThatDisagreeOnAddressesImportThePreferredNodesAndSaySo() throws Exception {
        String conf = "global_defs {\n  router_id %s\n}\nvrrp_instance VI_1 {\n  interface eth0\n  priority %d\n"
                + "  virtual_ipaddress {\n    %s\n  }\n}\n";
        Files.writeString(dir.resolve("a.conf"), conf.formatted("a", 100, "10.0.0.100/24"));
        Files.writeString(dir.resolve("b.conf"), conf.formatted("b", 200, "10.0.0.200/24"));
        var result = KeepalivedImport.run(new KeepalivedImport.Request(List.of(dir.resolve("a.conf"), dir.resolve("b.conf")),
                List.of(), "authkey", name -> Optional.of(name.equals("a") ? "10.0.0.1" : "10.0.0.2"), Golden.fixedRandom()));
        assertTrue(result.yaml().contains("params: {ip: 10.0.0.200, cidr_netmask: 24, nic: eth0}"), result.yaml());
        assertTrue(result.yaml().contains("prefer: b"), result.yaml());
        assertTrue(result.notes().contains("a.conf:4: VI_1 on a lists other addresses than on b (b.conf:4), whose were "
                + "imported"), result.notes().toString());
        assertTrue(result.yaml().contains("- {name: a, address: 10.0.0.1}                # resolved from its name"), result.yaml());
    }

    @Test
    void conditionalLinesFollowTheConfigurationId() throws Exception {
        var sample = SAMPLES.resolve("keepalived.conf.conditional_conf");
        var high = run(List.of(sample), List.of(new NodeOption("high", "10.0.0.48"), new NodeOption("low", "10.0.0.49")));
        Golden.assertPassesConfigCheck(dir, high);
        assertTrue(high.yaml().contains("prefer: high"), high.yaml());
        assertTrue(high.notes().stream().anyMatch(n -> n.equals("keepalived.conf.conditional_conf:4: `@low` line left out "
                + "(the configuration id is `high`)")), high.notes().toString());
    }

    @Test
    void badInputAtFileLineColumnAndIncludeCyclesRefused() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "vrrp_instance VI_1 {\n  state MASTER\n  virtual_ipaddress {\n    10.0.0.1\n}\n");
        var e = assertThrows(ImportException.class, () -> run(List.of(dir.resolve("a.conf")), TWO));
        assertEquals(dir.resolve("a.conf") + ":1:20: this `{` of `vrrp_instance` is never closed", e.problems().get(0).toString());
        Files.writeString(dir.resolve("b.conf"), "global_defs {\n}\n}\nvrrp_script x {\n  script \"pidof x\n}\n");
        var b = assertThrows(ImportException.class, () -> run(List.of(dir.resolve("b.conf")), TWO));
        assertEquals(List.of(dir.resolve("b.conf") + ":5:10: a quoted word is not closed on its line",
                dir.resolve("b.conf") + ":3:1: `}` closes no block"), b.problems().stream().map(Object::toString).toList());
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("main.conf"), "include conf.d/*.conf\n");
        Files.writeString(dir.resolve("conf.d/loop.conf"), "\n  include ../main.conf\n");
        var c = assertThrows(ImportException.class, () -> run(List.of(dir.resolve("main.conf")), TWO));
        assertEquals(dir.resolve("conf.d/loop.conf") + ":2:11: `include ../main.conf` includes " + dir.resolve("main.conf")
                + ", which is already being read (an include cycle)", c.problems().get(0).toString());
    }

    @Test
    void oneFileNeedsItsMembersNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> run(List.of(SAMPLES.resolve("keepalived.conf.vrrp")), List.of()));
        assertTrue(e.getMessage().contains("--node NAME=ADDRESS"), e.getMessage());
    }
}
