package dev.vigil.playbook.steps;


import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static dev.vigil.playbook.steps.StepTesting.assertNoChange;
import static dev.vigil.playbook.steps.StepTesting.ctx;
import static dev.vigil.playbook.steps.StepTesting.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code exports}: the kernel format against a temp exports file, with {@code exportfs} a
 * stand-in (this kernel has no nfsd and nfs-kernel-server is not installed); the ganesha format
 * rendered, replaced and removed, and its block served for real by ganesha.nfsd in a network
 * namespace of its own, read back with showmount and nfs-ls.
 */
class ExportsStepTest {
    @TempDir
    Path dir;

    Path calls;

    private Host host(boolean withExportfs) throws IOException {
        Path bin = dir.resolve(withExportfs ? "bin" : "empty");
        calls = dir.resolve("calls");
        Files.createDirectories(bin);
        if (withExportfs) StepTesting.script(bin, "exportfs", "echo \"exportfs $*\" >>" + calls + "\n");
        // The whole PATH: the machine's own exportfs, should one be installed, is not found.
        return StepTesting.withPath(bin, true);
    }

    private Step.Outcome run(Host h, boolean apply, String... kv) throws Exception {
        var p = new HashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
        return new ExportsStep().run(h, p, apply, ctx(dir));
    }

    static final String EXPORTS = """
            # /etc/exports: the access control list for filesystems which may be exported
            /srv/old   10.0.0.0/24(ro,sync)   \\
                       10.0.1.0/24(ro)
            "/srv/keep" *(ro)\r
            /srv/other host1(rw)""";

    @Test
    void kernelLineReplacedAddedAndRemovedKeepingTheRestByteForByte() throws Exception {
        Path f = dir.resolve("exports");
        Files.writeString(f, EXPORTS);
        Host h = host(true);
        String[] replace = {"path", "/srv/old/", "clients", "10.0.0.0/24 10.0.2.0/24", "options", "rw,sync,no_root_squash", "file", f.toString()};
        var plan = run(h, false, replace);
        assertThat(plan.changed()).isTrue();
        assertThat(plan.message()).isEqualTo("would export /srv/old in " + f + "; then exportfs -ra");
        assertThat(plan.diff()).contains("+/srv/old 10.0.0.0/24(rw,sync,no_root_squash) 10.0.2.0/24(rw,sync,no_root_squash)");
        assertThat(Files.readString(f)).isEqualTo(EXPORTS);
        assertThat(read(calls)).isEmpty();

        assertThat(run(h, true, replace).message()).isEqualTo("exported /srv/old in " + f + "; exportfs -ra");
        assertThat(Files.readString(f)).isEqualTo(EXPORTS.replace("""
                /srv/old   10.0.0.0/24(ro,sync)   \\
                           10.0.1.0/24(ro)
                """, "/srv/old 10.0.0.0/24(rw,sync,no_root_squash) 10.0.2.0/24(rw,sync,no_root_squash)\n"));
        assertThat(read(calls)).isEqualTo("exportfs -ra\n");
        assertNoChange(run(h, true, replace));
        assertThat(read(calls)).isEqualTo("exportfs -ra\n"); // not run again: nothing changed

        // A new path is appended (after a newline the file lacked); a quoted entry is found by its path.
        run(h, true, "path", "/srv/new", "clients", "*", "file", f.toString());
        assertThat(Files.readString(f)).endsWith("/srv/other host1(rw)\n/srv/new *(ro,sync,no_subtree_check)\n");
        run(h, true, "path", "/srv/keep", "state", "absent", "file", f.toString());
        assertThat(Files.readString(f)).doesNotContain("keep").contains("/srv/other host1(rw)\n");
        assertNoChange(run(h, true, "path", "/srv/keep", "state", "absent", "file", f.toString()));
        assertThat(read(calls)).isEqualTo("exportfs -ra\n".repeat(3));
    }

    @Test
    void withoutExportfsPlanSaysSoAndApplyFailsWritingNothing() throws Exception {
        Path f = dir.resolve("exports");
        Files.writeString(f, EXPORTS);
        Host h = host(false);
        var plan = run(h, false, "path", "/srv/a", "clients", "*", "file", f.toString());
        assertThat(plan.changed()).isTrue();
        assertThat(plan.message()).endsWith("exportfs is not installed here: apply fails unless a step before installs it (nfs-kernel-server)");
        assertThatThrownBy(() -> run(h, true, "path", "/srv/a", "clients", "*", "file", f.toString()))
                .hasMessage("exportfs is not installed on local (apt-get install nfs-kernel-server); " + f + " left as it was");
        assertThat(Files.readString(f)).isEqualTo(EXPORTS);
    }

    @Test
    void ganeshaBlockReplacedAndRemovedBetweenItsMarkers() throws Exception {
        Path f = dir.resolve("ganesha.conf");
        String head = "NFS_CORE_PARAM { Protocols = 4; }\n";
        String tail = "# BEGIN vigil export /srv/b\nEXPORT { Export_Id = 9; Path = \"/srv/b\"; }\n# END vigil export /srv/b\n";
        Files.writeString(f, head + tail);
        Host h = host(false); // ganesha needs no exportfs
        String[] a = {"path", "/srv/a", "clients", "10.0.0.0/24", "options", "rw,no_root_squash,anonuid=99", "format", "ganesha",
                "export_id", "7", "file", f.toString()};
        assertThat(run(h, true, a).message()).isEqualTo("exported /srv/a in " + f);
        assertThat(Files.readString(f)).isEqualTo(head + tail + """
                # BEGIN vigil export /srv/a
                EXPORT {
                    Export_Id = 7;
                    Path = "/srv/a";
                    Pseudo = "/srv/a";
                    Protocols = 3, 4;
                    Transports = TCP;
                    Access_Type = None;
                    CLIENT {
                        Clients = 10.0.0.0/24;
                        Access_Type = RW;
                        Squash = No_Root_Squash;
                        Anonymous_Uid = 99;
                    }
                    FSAL { Name = VFS; }
                }
                # END vigil export /srv/a
                """);
        assertNoChange(run(h, true, a));
        a[3] = "*";
        a[5] = "ro";
        run(h, true, a);
        String everyone = Files.readString(f);
        assertThat(everyone).startsWith(head + tail).contains("    Access_Type = RO;\n    Squash = Root_Squash;\n").doesNotContain("CLIENT");
        assertThat(run(h, true, "path", "/srv/a", "state", "absent", "format", "ganesha", "file", f.toString()).changed()).isTrue();
        assertThat(Files.readString(f)).isEqualTo(head + tail);
        assertThat(read(calls)).isEmpty();

        // Another export's id is refused; an option ganesha cannot honour too.
        assertThatThrownBy(() -> run(h, false, "path", "/srv/c", "clients", "*", "format", "ganesha", "export_id", "9", "file", f.toString()))
                .hasMessage("Export_Id 9 is used by another export in the file; choose another `export_id`");
        assertThatThrownBy(() -> run(h, false, "path", "/srv/c", "clients", "*", "options", "rw,mp", "format", "ganesha", "export_id", "3",
                "file", f.toString())).hasMessage("option 'mp' has no nfs-ganesha equivalent");
        Files.writeString(f, head + "# BEGIN vigil export /srv/c\nEXPORT {\n");
        assertThatThrownBy(() -> run(h, false, "path", "/srv/c", "clients", "*", "format", "ganesha", "export_id", "3", "file", f.toString()))
                .hasMessage("'# BEGIN vigil export /srv/c' has no '# END vigil export /srv/c' after it; mend the file by hand");
    }

    @Test
    void badParameters() throws Exception {
        Host h = host(true);
        assertThatThrownBy(() -> run(h, false, "path", "/srv/a b", "clients", "*")).hasMessage("`path` must not contain blanks, quotes, #, ( ) { } ; , or \\");
        assertThatThrownBy(() -> run(h, false, "path", "/srv/a", "clients", "x(rw)")).hasMessage("`clients`: 'x(rw)' is not a host, address, network or wildcard");
        assertThatThrownBy(() -> run(h, false, "path", "/srv/a", "clients", "*", "options", "rw sync")).hasMessageStartingWith("`options` must be exportfs options");
        assertThat(StepTesting.checkErrors(dir, """
                  - exports: {path: /srv, clients: "*", format: nfs, export_id: "0"}
                  - exports: {path: /srv, format: ganesha}
                """)).containsExactly(
                "3:49: `format` must be kernel or ganesha, got 'nfs'",
                "3:65: `export_id` must be 1..65535 (0 is ganesha's pseudo root), got '0'",
                "4:5: `exports` needs `clients` (e.g. 10.0.0.0/24, or * for everyone)");
    }

    /** The command line tools the real ganesha test needs. */
    private static boolean ganeshaHere() {
        for (String c : new String[] {"/usr/bin/ganesha.nfsd", "/usr/sbin/rpcbind", "/usr/sbin/rpcinfo", "/usr/sbin/showmount", "/usr/bin/nfs-ls", "/usr/bin/unshare"}) {
            if (!Files.isExecutable(Path.of(c))) return false;
        }
        return true;
    }

    @Test
    void ganeshaServesTheBlockTheStepWrote() throws Exception {
        Assumptions.assumeTrue(ganeshaHere(), "nfs-ganesha, rpcbind, nfs-common or libnfs-utils missing");
        Path export = Files.createDirectories(dir.resolve("export"));
        Files.writeString(export.resolve("file.txt"), "served\n");
        Path conf = dir.resolve("ganesha.conf");
        Files.writeString(conf, """
                NFS_CORE_PARAM { Protocols = 3, 4; NFS_Port = 2049; MNT_Port = 20048; Enable_NLM = false; Enable_RQUOTA = false; }
                NFS_KRB5 { Active_krb5 = false; }
                NFSV4 { RecoveryBackend = fs; RecoveryRoot = "%s"; Grace_Period = 5; Lease_Lifetime = 5; }
                """.formatted(Files.createDirectories(dir.resolve("recovery"))));
        Host h = host(false);
        run(h, true, "path", export.toString(), "clients", "127.0.0.1", "options", "rw,no_root_squash", "format", "ganesha",
                "export_id", "7", "file", conf.toString());
        run(h, true, "path", dir.resolve("gone").toString(), "clients", "*", "format", "ganesha", "export_id", "8", "file", conf.toString());
        run(h, true, "path", dir.resolve("gone").toString(), "state", "absent", "format", "ganesha", "export_id", "8", "file", conf.toString());

        // ganesha and rpcbind in a network namespace with a private /run, as the resource scripts' tests run them.
        String ns = "vigil-pbexp-" + ProcessHandle.current().pid();
        String script = """
                set -u
                mount -t tmpfs tmpfs /run || exit 1
                rpcbind -w -f & rp=$!
                for i in $(seq 50); do rpcinfo -p 127.0.0.1 >/dev/null 2>&1 && break; sleep 0.1; done
                ganesha.nfsd -F -f "$1" -p "$2/ganesha.pid" -L "$2/ganesha.log" -N NIV_EVENT & gp=$!
                rc=1
                for i in $(seq 100); do
                  if out=$(showmount -e --no-headers 127.0.0.1 2>&1); then echo "showmount: $out"; rc=0; break; fi
                  sleep 0.2
                done
                echo "nfs-ls: $(nfs-ls "nfs://127.0.0.1$3" 2>&1)"
                kill $gp $rp; wait
                exit $rc
                """;
        var pb = new ProcessBuilder("sh", "-c", "ip netns add " + ns + " && ip -n " + ns + " link set lo up && "
                + "timeout 60 ip netns exec " + ns + " unshare --mount --propagation private bash -c '" + script.replace("'", "'\\''")
                + "' _ " + conf + " " + dir + " " + export + "; rc=$?; ip netns pids " + ns + " | xargs -r kill -9; ip netns del " + ns
                + "; exit $rc").redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + read(dir.resolve("ganesha.log"))).isZero();
        assertThat(out).contains("showmount: " + export + " 127.0.0.1").doesNotContain(dir.resolve("gone").toString())
                .containsPattern("nfs-ls: .*file\\.txt");
    }
}
