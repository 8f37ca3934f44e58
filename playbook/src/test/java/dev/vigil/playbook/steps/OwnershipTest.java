package dev.vigil.playbook.steps;


import dev.vigil.playbook.Engine;
import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.PlaybookReader;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static dev.vigil.playbook.steps.StepTesting.assertNoChange;
import static dev.vigil.playbook.steps.StepTesting.ctx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code owner} and {@code group} of {@code file} and {@code directory} (the tests run as root, as the steps do). */
class OwnershipTest {
    @TempDir
    Path dir;

    private final Host local = new LocalHost("local");

    private Step.Outcome run(Step step, boolean apply, String... kv) throws Exception {
        var p = new HashMap<String, String>();
        for (int i = 0; i < kv.length; i += 2) p.put(kv[i], kv[i + 1]);
        return step.run(local, p, apply, ctx(dir));
    }

    private static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void fileOwnerByNameIsSetAfterTheContentAndThenUpToDate() throws Exception {
        Path f = dir.resolve("page.html");
        String[] p = {"path", f.toString(), "content", "hi\n", "mode", "0640", "owner", "nobody", "group", "nogroup"};
        var plan = run(new FileStep(), false, p);
        assertThat(plan.message()).isEqualTo("would create it (3 bytes); owner nobody:nogroup");
        assertThat(f).doesNotExist();

        var done = run(new FileStep(), true, p);
        assertThat(done.changed()).isTrue();
        assertThat(done.message()).isEqualTo("created (3 bytes, mode 0640); owner root → nobody, group root → nogroup");
        assertThat(uid(f)).isEqualTo(65534);
        assertThat(gid(f)).isEqualTo(65534);
        assertThat(local.mode(f.toString())).isEqualTo(0640);
        assertNoChange(run(new FileStep(), true, p));
        assertNoChange(run(new FileStep(), false, p));
    }

    @Test
    void numericIdsAndAChangeOfOwnerOnly() throws Exception {
        Path f = dir.resolve("conf");
        Files.writeString(f, "x\n");
        var plan = run(new FileStep(), false, "path", f.toString(), "content", "x\n", "owner", "4321", "group", "4322");
        assertThat(plan.message()).isEqualTo("would change owner root → 4321, group root → 4322");
        assertThat(uid(f)).isZero();
        assertThat(run(new FileStep(), true, "path", f.toString(), "content", "x\n", "owner", "4321", "group", "4322").changed()).isTrue();
        assertThat(uid(f)).isEqualTo(4321);
        assertThat(gid(f)).isEqualTo(4322);
        assertNoChange(run(new FileStep(), true, "path", f.toString(), "content", "x\n", "owner", "4321", "group", "4322"));
        // group alone leaves the owner as it is
        assertThat(run(new FileStep(), true, "path", f.toString(), "content", "x\n", "group", "daemon").message())
                .isEqualTo("changed group 4322 → daemon");
        assertThat(uid(f)).isEqualTo(4321);
        assertThat(gid(f)).isEqualTo(1);
    }

    @Test
    void directoryOwner() throws Exception {
        Path d = dir.resolve("a/b");
        assertThat(run(new DirectoryStep(), true, "path", d.toString(), "owner", "daemon").message())
                .isEqualTo("created; owner root → daemon");
        assertThat(uid(d)).isEqualTo(1);
        assertThat(uid(d.getParent())).isZero(); // only the directory named, as mkdir -p and chown without -R
        assertNoChange(run(new DirectoryStep(), true, "path", d.toString(), "owner", "daemon"));
    }

    @Test
    void anUnknownUserFailsBeforeAnythingIsWritten() throws Exception {
        Path f = dir.resolve("f");
        var plan = run(new FileStep(), false, "path", f.toString(), "content", "x", "owner", "vigil-nosuchuser");
        assertThat(plan.message()).isEqualTo("would create it (1 bytes); owner vigil-nosuchuser");
        Files.writeString(f, "old");
        assertThat(run(new FileStep(), false, "path", f.toString(), "content", "x", "owner", "vigil-nosuchuser").message())
                .endsWith("owner vigil-nosuchuser (no user vigil-nosuchuser yet: a step before must create it)");
        assertThatThrownBy(() -> run(new FileStep(), true, "path", f.toString(), "content", "x", "group", "vigil-nosuchgroup"))
                .hasMessage("no group vigil-nosuchgroup on local");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThatThrownBy(() -> run(new DirectoryStep(), true, "path", dir.resolve("d").toString(), "owner", "vigil-nosuchuser"))
                .hasMessage("no user vigil-nosuchuser on local");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void badParameters() throws Exception {
        assertThatThrownBy(() -> run(new FileStep(), false, "path", "/tmp/x", "content", "", "owner", "root;reboot"))
                .hasMessage("`owner` must be a user name or a numeric id, got 'root;reboot'");
        assertThat(StepTesting.checkErrors(dir, """
                  - file: {path: /tmp/x, content: "", owner: "a b", group: "-g"}
                  - directory: {path: /tmp/y, owner: root, group: "0"}
                """)).containsExactly(
                "3:46: `owner` must be a user name or a numeric id, got 'a b'",
                "3:60: `group` must be a group name or a numeric id, got '-g'");
    }

    @Test
    void engineRunsOwnerThroughThePlaybook() throws Exception {
        Path pb = dir.resolve("pb.yaml");
        Files.writeString(pb, """
                hosts: local
                steps:
                  - file: {path: %s, content: "x\\n", owner: nobody}
                """.formatted(dir.resolve("owned")));
        var r = PlaybookReader.read(pb, Inventory.localOnly());
        assertThat(r.errors()).isEmpty();
        var report = Engine.run(r.playbook().orElseThrow(), Map.of(), Map.of("local", local), true, Engine.newRunId(),
                Step.FileWatcher.NONE, Engine.Listener.NONE);
        assertThat(report.hosts().get("local").changed()).isEqualTo(1);
        assertThat(uid(dir.resolve("owned"))).isEqualTo(65534);
    }
}
