package dev.vigil.importer.heartbeat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import dev.vigil.importer.Golden;
import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportResult;
import dev.vigil.importer.NodeOption;
import dev.vigil.importer.Resolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classic heartbeat v1 configurations imported: golden outputs, each passing the config check; bad input at file:line:column. */
class HeartbeatImportTest {
    @TempDir
    Path dir;

    private static final Resolver NOTHING = name -> Optional.empty();

    static ImportResult run(String set, Resolver resolver, NodeOption... nodes) throws Exception {
        Path d = Golden.resource("heartbeat/" + set);
        return HeartbeatImport.run(new HeartbeatImport.Request(source(d.resolve("ha.cf")), source(d.resolve("haresources")),
                Optional.of(source(d.resolve("authkeys"))), List.of(nodes), "authkey", resolver, Golden.fixedRandom()));
    }

    static HeartbeatImport.Source source(Path p) throws Exception {
        return new HeartbeatImport.Source(Golden.read(p), p);
    }

    private static ImportResult inline(String haCf, String haresources, String authkeys, Resolver r, NodeOption... nodes)
            throws ImportException {
        return HeartbeatImport.run(new HeartbeatImport.Request(new HeartbeatImport.Source(haCf, Path.of("ha.cf")),
                new HeartbeatImport.Source(haresources, Path.of("haresources")),
                authkeys == null ? Optional.empty() : Optional.of(new HeartbeatImport.Source(authkeys, Path.of("authkeys"))),
                List.of(nodes), "authkey", r, Golden.fixedRandom()));
    }

    @Test
    void broadcastAndSerialTwoNodesWithIpFilesystemAndApache() throws Exception {
        var resolver = (Resolver) name -> Optional.ofNullable(Map.of("ha1.example.com", "10.0.0.48",
                "ha2.example.com", "10.0.0.49").get(name));
        var result = run("bcast-serial", resolver);
        Golden.assertGolden(Golden.resource("heartbeat/bcast-serial/expected.yaml"), result.yaml());
        // The sha1 secret is carried over as the key.
        assertArrayEquals("PutYourSuperSecretKeyHere\n".getBytes(StandardCharsets.UTF_8), result.key());
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        assertEquals(List.of("ha1.example.com", "ha2.example.com"), config.nodes().stream().map(n -> n.name()).toList());
        assertEquals(2, config.links().size()); // the serial cable and the broadcast link
        assertEquals(3, config.resources().resources().size());
        assertTrue(result.unmapped().stream().anyMatch(u -> u.source().equals("ha.cf:15") && u.directive().contains("watchdog")),
                result.unmapped().toString());
    }

    @Test
    void unicastMulticastTwoGroupsAndACrcKey() throws Exception {
        // ha1's own address from --node: the one ucast address left is ha2's.
        var result = run("ucast-mcast", NOTHING, new NodeOption("ha1", "10.0.0.48"));
        Golden.assertGolden(Golden.resource("heartbeat/ucast-mcast/expected.yaml"), result.yaml());
        assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("authkeys:2: `crc` authenticates nothing")), result.notes().toString());
        assertEquals(45, result.key().length, "a new key: 32 random bytes in base64, one line");
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        assertEquals("10.0.0.49", config.nodes().get(1).address().getHostAddress());
        assertEquals("fence_ipmilan", config.resources().fencing().get(0).agent(), "ha.cf:9's stonith_host");
    }

    @Test
    void stonithHostLinesBecomeFenceAgentsOrAreListed() throws Exception {
        var resolver = (Resolver) name -> Optional.ofNullable(Map.of("ha1", "10.0.0.48", "ha2", "10.0.0.49").get(name));
        var result = run("stonith", resolver);
        Golden.assertGolden(Golden.resource("heartbeat/stonith/expected.yaml"), result.yaml());
        var config = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result));
        var devices = config.resources().fencing();
        assertEquals(List.of("fence_apc", "fence_ipmilan", "fence_ipmilan", "fence_wti"),
                devices.stream().map(f -> f.agent()).toList());
        // apcmaster from any host: every node, on the outlet named after it; its parameters by name.
        assertEquals(Map.of("ip", "10.0.0.4", "username", "apc", "password", "apc"), devices.get(0).params());
        assertEquals("ha2", devices.get(0).plugFor("ha2"));
        // external/ipmi: the board of the one host it names, lanplus kept; the one from ha1 fences ha2 only.
        assertEquals(Map.of("ip", "10.0.1.49", "username", "admin", "password", "secret", "lanplus", "1"), devices.get(1).params());
        assertEquals(Map.of("ha2", "ha2"), devices.get(1).hostMap());
        assertEquals(Map.of("ha1", "ha1"), devices.get(2).hostMap());
        assertEquals(Map.of("ha2", "ha2"), devices.get(3).hostMap(), "wti_nps on ha1 fences the other node");
        // Real fencing: no two_node_unsafe.
        assertTrue(!result.yaml().contains("two_node_unsafe"), result.yaml());
        var listed = result.unmapped().stream().map(u -> u.source() + " " + u.why()).toList();
        for (var expect : List.of("ha.cf:12 ClusterLabs' fence-agents have no agent for Baytech", "ha.cf:13 a test-only plugin",
                "ha.cf:14 test-only", "ha.cf:15 manual fencing", "ha.cf:16 `ha3` is not a node", "ha.cf:17 `external/ipmi` takes")) {
            assertTrue(listed.stream().anyMatch(l -> l.startsWith(expect)), expect + " in " + listed);
        }
        // No password is repeated where it is not needed: stderr and the comments.
        assertTrue(result.unmapped().stream().noneMatch(u -> u.toString().contains("mysecretpassword")), listed.toString());
        String comments = result.yaml().lines().map(l -> l.contains("#") ? l.substring(l.indexOf('#')) : "")
                .collect(java.util.stream.Collectors.joining("\n"));
        for (var secret : List.of("mysecretpassword", "wtipass", "admin", "apc apc")) assertTrue(!comments.contains(secret), comments);
    }

    @Test
    void stonithLinesReadTheirParametersFromTheirFile() throws Exception {
        var resolver = (Resolver) name -> Optional.ofNullable(Map.of("ha1", "10.0.0.48", "ha2", "10.0.0.49").get(name));
        var result = run("stonith-file", resolver);
        Golden.assertGolden(Golden.resource("heartbeat/stonith-file/expected.yaml"), result.yaml());
        var devices = ConfigLoader.load(Golden.assertPassesConfigCheck(dir, result)).resources().fencing();
        assertEquals(List.of("fence_ipmilan", "fence_apc"), devices.stream().map(f -> f.agent()).toList());
        // The first line that is neither blank nor a comment, positional as `stonith -t external/ipmi -n` lists them;
        // a `#` inside a line is part of the password (heartbeat skipped only lines starting with one).
        assertEquals(Map.of("ip", "10.0.1.49", "username", "admin", "password", "s3cr#t", "lanplus", "1"), devices.get(0).params());
        assertEquals(Map.of("ha2", "ha2"), devices.get(0).hostMap());
        // A file edited on Windows: the password without its \r; `stonith` is any node's device.
        assertEquals(Map.of("ip", "10.0.0.4", "username", "apc", "password", "apc-pw"), devices.get(1).params());
        assertEquals(Map.of(), devices.get(1).hostMap());
        var listed = result.unmapped().stream().map(u -> u.source() + " " + u.directive() + " " + u.why()).toList();
        for (var expect : List.of("ipmi-ha2:4 a further line of `stonith external/ipmi` parameters heartbeat read only the first (ipmi-ha2:3)",
                "wti_nps:1 `stonith wti_nps stonith.d/wti_nps` `wti_nps` takes ip, password; this line has 1 parameter(s)",
                "baytech:2 `stonith baytech stonith.d/baytech` ClusterLabs' fence-agents have no agent for Baytech",
                "ipmi-ha3:1 `stonith external/ipmi stonith.d/ipmi-ha3` it fences `ha3`, which is not a node")) {
            assertTrue(listed.stream().anyMatch(l -> l.startsWith(expect)), expect + " in " + listed);
        }
        assertEquals(4, listed.size(), listed.toString());
        String comments = result.yaml().lines().map(l -> l.contains("# ") ? l.substring(l.indexOf("# ")) : "")
                .collect(java.util.stream.Collectors.joining("\n"));
        for (var secret : List.of("s3cr#t", "other", "apc-pw", "mysecretpassword", "admin pw")) {
            assertTrue(!comments.contains(secret), secret + " in " + comments);
            assertTrue(result.unmapped().stream().noneMatch(u -> u.toString().contains(secret)), secret + " in " + listed);
        }
    }

    @Test
    void aStonithFileIsMappedAsTheSameStonithHostLine() throws Exception {
        // One piece of code serves both: each mapped plugin's device is the same from a file as from ha.cf.
        var lines = Map.of("apcmaster", "10.0.0.4 apc apc-pw", "apcmastersnmp", "10.0.0.6 161 private",
                "wti_nps", "10.0.0.5 wti-pw", "external/ipmi", "ha2 10.0.1.49 admin pw lanplus extra words");
        for (var e : lines.entrySet()) {
            String head = "bcast eth0\nnode ha1 ha2\n";
            var inHaCf = inline(head + "stonith_host * " + e.getKey() + " " + e.getValue() + "\n", "ha1 10.0.0.46\n", null,
                    NOTHING, NODES);
            var fromFile = withFiles(head + "stonith " + e.getKey() + " " + "params\n", Map.of("params", "# a comment\n" + e.getValue()));
            assertEquals(fencing(inHaCf.yaml()), fencing(fromFile.yaml()), e.getKey());
            assertEquals(1, fencing(fromFile.yaml()).size(), fromFile.yaml());
        }
    }

    @Test
    void aStonithFileIsReadBesideHaCfOrWhereItsAbsolutePathSays() throws Exception {
        var asked = new java.util.ArrayList<Path>();
        HeartbeatImport.run(new HeartbeatImport.Request(new HeartbeatImport.Source("bcast eth0\nnode ha1 ha2\nstonith wti_nps "
                + "conf/wti\n", Path.of("old/ha.d/ha.cf")), new HeartbeatImport.Source("", Path.of("old/ha.d/haresources")),
                Optional.empty(), List.of(NODES), "authkey", NOTHING, Golden.fixedRandom(), f -> {
                    asked.add(f);
                    return "10.0.0.5 pw\n";
                }));
        assertEquals(List.of(Path.of("old/ha.d/conf/wti")), asked);
        // An absolute name, read from this machine (the request's default reader).
        Path wti = dir.resolve("stonith.wti");
        java.nio.file.Files.writeString(wti, "10.0.0.5 pw\n");
        var result = inline("bcast eth0\nnode ha1 ha2\nstonith wti_nps " + wti + "\n", "ha1 10.0.0.46\n", null, NOTHING, NODES);
        assertTrue(result.yaml().contains("agent: fence_wti, params: {ip: 10.0.0.5, password: pw}"), result.yaml());
    }

    @Test
    void aStonithFileThatCannotBeReadIsAnErrorNamingIt() throws Exception {
        String head = "bcast eth0\nnode ha1 ha2\n";
        var missing = assertThrows(ImportException.class, () -> withFiles(head + "stonith apcmaster stonith.apc\n", Map.of()));
        assertEquals(List.of("ha.cf:3:19: cannot read stonith.apc, the parameters of `stonith apcmaster`: no such file "
                + "(a relative name is read beside ha.cf)"), missing.problems().stream().map(Object::toString).toList());
        var empty = assertThrows(ImportException.class, () -> withFiles(head + "stonith apcmaster apc\n",
                Map.of("apc", "# IP-address login password\n\n")));
        assertEquals(List.of("ha.cf:3:19: apc holds no line of parameters for `stonith apcmaster`, only comments and blank "
                + "lines (heartbeat refused it too)"), empty.problems().stream().map(Object::toString).toList());
        var noFile = assertThrows(ImportException.class, () -> withFiles(head + "stonith apcmaster\n", Map.of()));
        assertTrue(noFile.problems().get(0).toString().startsWith("ha.cf:3:1: `stonith` takes a stonith type and the file"),
                noFile.problems().toString());
        // Through the default reader: a directory is not a file of parameters; the path is named.
        var directory = assertThrows(ImportException.class, () -> inline(head + "stonith apcmaster " + dir + "\n",
                "ha1 10.0.0.46\n", null, NOTHING, NODES));
        assertTrue(directory.problems().get(0).toString().startsWith("ha.cf:3:19: cannot read " + dir
                + ", the parameters of `stonith apcmaster`: " + dir + " is a directory"), directory.problems().toString());
    }

    private static final NodeOption[] NODES = {new NodeOption("ha1", "10.0.0.48"), new NodeOption("ha2", "10.0.0.49")};

    /** ha.cf (as {@code ha.cf}) whose stonith files are {@code files}, by the name ha.cf gives. */
    private static ImportResult withFiles(String haCf, Map<String, String> files) throws ImportException {
        return HeartbeatImport.run(new HeartbeatImport.Request(new HeartbeatImport.Source(haCf, Path.of("ha.cf")),
                new HeartbeatImport.Source("ha1 10.0.0.46\n", Path.of("haresources")), Optional.empty(), List.of(NODES),
                "authkey", NOTHING, Golden.fixedRandom(), f -> {
                    var text = files.get(f.toString());
                    if (text == null) throw new java.nio.file.NoSuchFileException(f.toString());
                    return text;
                }));
    }

    /** The {@code fencing:} entries of an output, without the comments that say where each came from. */
    private static List<String> fencing(String yaml) {
        return yaml.lines().dropWhile(l -> !l.equals("fencing:")).skip(1).takeWhile(l -> l.startsWith("  - "))
                .map(l -> l.replaceAll(" +# from .*", "")).toList();
    }

    @Test
    void aNodeWithoutAnyAddressIsNamed() {
        var e = assertThrows(ImportException.class, () -> inline("bcast eth0\nnode ha1\nnode ha2\n", "ha1 10.0.0.46\n",
                null, NOTHING, new NodeOption("ha1", "10.0.0.48")));
        assertEquals("ha.cf:3:6: node ha2 has no address: no ucast line gives it, its name does not resolve (except to "
                + "loopback), and no --node ha2=ADDRESS was given", e.problems().get(0).toString());
    }

    @Test
    void nodeOptionWinsOverNameResolutionAndUcastMatchesByAddress() throws Exception {
        var result = inline("ucast eth0 10.0.0.48\nucast eth0 10.0.0.49\nnode ha1 ha2\n", "ha1 10.0.0.46\n", null,
                name -> Optional.of(name.equals("ha1") ? "192.168.9.1" : "10.0.0.48"), new NodeOption("ha1", "10.0.0.49"));
        assertTrue(result.yaml().contains("- {name: ha1, address: 10.0.0.49}"), result.yaml());
        assertTrue(result.yaml().contains("- {name: ha2, address: 10.0.0.48}"), result.yaml());
        assertTrue(result.notes().stream().anyMatch(n -> n.contains("no authkeys given")));
    }

    @Test
    void badInputIsReportedAtFileLineColumn() {
        var e = assertThrows(ImportException.class, () -> inline("keepalive two\nbaud 1234\nbcast eth0\nnode ha1 ha2\n",
                "ha3 10.0.0.46\nha1 Filesystem::/dev/sdb1\n", "auth 1\n1 sha256 x\n", NOTHING,
                new NodeOption("ha1", "10.0.0.1"), new NodeOption("ha2", "10.0.0.2")));
        assertEquals(List.of("ha.cf:1:11: `two` is not a time: write seconds (`2`) or milliseconds (`500ms`)",
                "ha.cf:2:6: baud 1234 is not a standard serial rate (e.g. 19200, 38400, 115200)"),
                e.problems().stream().map(Object::toString).toList());
        var media = assertThrows(ImportException.class, () -> inline("mcast eth1 10.0.0.1 694 1 0\nmcast eth1 225.0.0.1 x\n"
                + "node ha1 ha2\n", "ha1 10.0.0.46\n", null, NOTHING, new NodeOption("ha1", "10.0.0.1")));
        assertEquals(List.of("ha.cf:1:12: `10.0.0.1` is not a multicast group (224.0.0.0 to 239.255.255.255)",
                "ha.cf:2:22: `x` is not a port (1 to 65535)"), media.problems().stream().map(Object::toString).toList());
        var groups = assertThrows(ImportException.class, () -> inline("bcast eth0\nnode ha1 ha2\n",
                "ha3 10.0.0.46\nha1 Filesystem::/dev/sdb1\n", null, NOTHING,
                new NodeOption("ha1", "10.0.0.1"), new NodeOption("ha2", "10.0.0.2")));
        assertEquals(List.of("haresources:1:1: `ha3` is not a node of ha.cf (ha1, ha2)",
                "haresources:2:5: Filesystem needs a device and a directory: `Filesystem::/dev/sdb1::/ha::ext3`"),
                groups.problems().stream().map(Object::toString).toList());
        var keys = assertThrows(ImportException.class, () -> inline("bcast eth0\nnode ha1 ha2\n", "ha1 10.0.0.46\n",
                "auth 1\n1 sha256 x\n", NOTHING, new NodeOption("ha1", "10.0.0.1"), new NodeOption("ha2", "10.0.0.2")));
        assertEquals("authkeys:2:3: a key line is `N crc`, `N md5 SECRET` or `N sha1 SECRET`; `sha256` is not a method",
                keys.problems().get(0).toString());
    }

    @Test
    void impossibleTimingIsRefusedAndAWarntimeOutsideTheWindowIsMoved() throws Exception {
        var e = assertThrows(ImportException.class, () -> inline("keepalive 2\ndeadtime 3\nbcast eth0\nnode ha1\n",
                "ha1 10.0.0.46\n", null, name -> Optional.of("10.0.0.1")));
        assertEquals("ha.cf:2:1: deadtime 3s must exceed twice keepalive (2s), as heartbeat itself requires",
                e.problems().get(0).toString());
        var r = inline("keepalive 1\ndeadtime 10\nwarntime 20\ninitdead 5\nbcast eth0\nnode ha1\n", "ha1 10.0.0.46\n", null,
                name -> Optional.of("10.0.0.1"));
        assertTrue(r.yaml().contains("  warntime: 5s "), r.yaml());
        assertTrue(r.yaml().contains("  initdead: 10s "), r.yaml());
        Golden.assertPassesConfigCheck(dir, r);
    }
}
