package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil import heartbeat|keepalived} end to end: files written atomically, the real config check passing, overwrite refused. */
class ImportCommandTest {
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    @TempDir
    Path dir;

    private static final Path HB = Path.of("src/test/resources/import/heartbeat/ucast-mcast");

    private String err() {
        return io.err.toString(StandardCharsets.UTF_8);
    }

    private int heartbeat(String... extra) {
        var args = new java.util.ArrayList<>(java.util.List.of("import", "heartbeat", "--ha-cf", HB.resolve("ha.cf").toString(),
                "--haresources", HB.resolve("haresources").toString(), "--authkeys", HB.resolve("authkeys").toString(),
                "--node", "ha1=10.0.0.48"));
        args.addAll(java.util.List.of(extra));
        return VigilCommand.run(args.toArray(String[]::new));
    }

    @Test
    void heartbeatWritesTheFileAndAKeyThatVigilConfigCheckAccepts() throws Exception {
        Path out = dir.resolve("cluster.yaml");
        assertEquals(0, heartbeat("-o", out.toString()), err());
        assertEquals(Files.readString(HB.resolve("expected.yaml")), Files.readString(out));
        Path key = dir.resolve("authkey");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        // What was not carried over is on stderr too, with its line.
        assertTrue(err().contains("not carried over: ha.cf:2: `logfacility daemon`"), err());
        assertTrue(err().contains("note: the fence device ipmi-ha2 has its password in the cluster file"), err());
        assertTrue(err().contains("note: authkeys:2: `crc` authenticates nothing"), err());
        assertEquals(0, VigilCommand.run("config", "check", out.toString()), err());
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithForce() throws Exception {
        Path out = dir.resolve("cluster.yaml");
        Files.writeString(out, "mine\n");
        assertEquals(1, heartbeat("-o", out.toString()));
        assertTrue(err().contains(out + " exists; --force replaces it (nothing written)"), err());
        assertEquals("mine\n", Files.readString(out));
        assertFalse(Files.exists(dir.resolve("authkey")), "nothing written, not even the key");
        assertEquals(0, heartbeat("-o", out.toString(), "--force"), err());
        assertTrue(Files.readString(out).startsWith("# Imported from heartbeat v1"));
    }

    @Test
    void badInputWritesNothingAndNamesFileLineColumn() throws Exception {
        Path bad = dir.resolve("ha.cf");
        Files.writeString(bad, "bcast eth0\nkeepalive soon\nnode ha1 ha2\n");
        int rc = VigilCommand.run("import", "heartbeat", "--ha-cf", bad.toString(), "--haresources",
                HB.resolve("haresources").toString(), "-o", dir.resolve("c.yaml").toString());
        assertEquals(1, rc);
        assertTrue(err().contains(bad + ":2:11: `soon` is not a time"), err());
        assertFalse(Files.exists(dir.resolve("c.yaml")));
        assertEquals(2, VigilCommand.run("import", "keepalived", "--node", "ha1", "x.conf"));
        assertTrue(err().contains("--node ha1: expected NAME=ADDRESS"), err());
        assertEquals(2, VigilCommand.run("import", "keepalived", "--node", "a=10.0.0.1", "--node", "a=10.0.0.2", "x.conf"));
        assertTrue(err().contains("--node a is given twice"), err());
    }

    @Test
    void stonithFilesAreReadBesideHaCfAndAMissingOneWritesNothing() throws Exception {
        Path set = Path.of("src/test/resources/import/heartbeat/stonith-file");
        Path out = dir.resolve("cluster.yaml");
        assertEquals(0, VigilCommand.run("import", "heartbeat", "--ha-cf", set.resolve("ha.cf").toString(), "--haresources",
                set.resolve("haresources").toString(), "--node", "ha1=10.0.0.48", "--node", "ha2=10.0.0.49", "-o", out.toString()), err());
        assertTrue(Files.readString(out).contains("agent: fence_ipmilan, params: {ip: 10.0.1.49"), Files.readString(out));
        assertTrue(err().contains("not carried over: ipmi-ha2:4: a further line of `stonith external/ipmi` parameters"), err());
        // The same ha.cf elsewhere, without its stonith.d: an error naming the file, nothing written.
        Path haCf = dir.resolve("old/ha.cf");
        Files.createDirectories(haCf.getParent());
        Files.copy(set.resolve("ha.cf"), haCf);
        Path out2 = Files.createDirectories(dir.resolve("second")).resolve("c.yaml");
        assertEquals(1, VigilCommand.run("import", "heartbeat", "--ha-cf", haCf.toString(), "--haresources",
                set.resolve("haresources").toString(), "--node", "ha1=10.0.0.48", "--node", "ha2=10.0.0.49", "-o", out2.toString()));
        assertTrue(err().contains(haCf + ":8:23: cannot read " + haCf.resolveSibling("stonith.d/ipmi-ha2")
                + ", the parameters of `stonith external/ipmi`: no such file (a relative name is read beside ha.cf)"), err());
        assertFalse(Files.exists(out2), "nothing written");
        assertFalse(Files.exists(out2.resolveSibling("authkey")), "nothing written, not even the key");
    }

    @Test
    void keepalivedFromDebiansSample() throws Exception {
        Path out = dir.resolve("lb.yaml");
        int rc = VigilCommand.run("import", "keepalived", "--node", "lb1=10.0.0.11", "--node", "lb2=10.0.0.12",
                "/usr/share/doc/keepalived/samples/keepalived.conf.vrrp.scripts", "-o", out.toString());
        assertEquals(0, rc, err());
        assertTrue(err().contains("not carried over: keepalived.conf.vrrp.scripts:"), err());
        assertEquals(0, VigilCommand.run("config", "check", out.toString()), err());
        assertTrue(Files.readString(out).contains("auth: {keyfile: authkey}"));
    }

    @Test
    void notOfferedOverTheConsoleItReadsAndWritesTheHostsFiles() {
        assertTrue(RemoteCli.notOffered(java.util.List.of("import", "heartbeat")).isPresent());
    }

    @Test
    void withoutOutputTheFileGoesToStdoutAndTheKeyToTheCurrentDirectory() throws Exception {
        // A JVM of its own, to run in another working directory; bounded, and killed if it hangs.
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.vigil.cli.VigilCommand",
                "import", "heartbeat", "--ha-cf", HB.resolve("ha.cf").toAbsolutePath().toString(), "--haresources",
                HB.resolve("haresources").toAbsolutePath().toString(), "--node", "ha1=10.0.0.48")
                .directory(dir.toFile()).redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        var p = pb.start();
        try {
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "vigil import did not end");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("stderr")));
        Path key = dir.resolve("authkey").toRealPath();
        assertTrue(Files.readString(dir.resolve("stdout")).contains("auth: {keyfile: " + key + "}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        Files.writeString(dir.resolve("cluster.yaml"), Files.readString(dir.resolve("stdout")));
        assertEquals(0, VigilCommand.run("config", "check", dir.resolve("cluster.yaml").toString()), err());
    }
}
