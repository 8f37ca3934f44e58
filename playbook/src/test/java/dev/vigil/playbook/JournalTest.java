package dev.vigil.playbook;


import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run journal: what an apply replaced is kept, listed, and put back by undo. */
class JournalTest {
    @TempDir
    Path dir;

    private final LocalHost local = new LocalHost("local");

    private Report apply(String runId) throws IOException {
        Path p = dir.resolve("pb.yaml");
        Files.writeString(p, """
                hosts: local
                vars:
                  root: {type: path}
                steps:
                  - file: {path: "{{root}}/a.conf", content: "new a\\n", mode: "0600"}
                  - line: {path: "{{root}}/b.conf", line: "added"}
                  - file: {path: "{{root}}/created", content: "c\\n"}
                  - file: {path: "{{root}}/a.conf", content: "newer a\\n"}
                """);
        Files.writeString(dir.resolve("vars.yaml"), "root: " + dir.resolve("etc") + "\n");
        var pb = PlaybookReader.read(p, Inventory.localOnly()).playbook().orElseThrow();
        var values = Vars.resolve(pb, Optional.of(dir.resolve("vars.yaml"))).values();
        return Engine.run(pb, values, Map.of("local", local), true, runId,
                new Journal(state(), runId, p.toString()), Engine.Listener.NONE);
    }

    private String state() {
        return dir.resolve("state").toString();
    }

    private void original() throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/a.conf"), "old a\n");
        Files.setPosixFilePermissions(dir.resolve("etc/a.conf"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dir.resolve("etc/b.conf"), "b\n");
    }

    @Test
    void undoPutsBackEveryFileAndRemovesCreatedOnes() throws IOException {
        original();
        String before = EngineTest.checksum(dir.resolve("etc"));
        var r = apply("20261205T190000Z-0001");
        assertThat(r.changed()).isEqualTo(4);
        assertThat(Files.readString(dir.resolve("etc/a.conf"))).isEqualTo("newer a\n");

        assertThat(Journal.runs(local, state())).containsExactly(
                new Journal.Run("20261205T190000Z-0001", dir.resolve("pb.yaml").toString(), 4, false));
        var undone = Journal.undo(local, state(), "20261205T190000Z-0001", false);
        assertThat(undone).allMatch(Journal.Undone::done).hasSize(4);
        assertThat(Files.readString(dir.resolve("etc/a.conf"))).isEqualTo("old a\n");
        assertThat(Files.exists(dir.resolve("etc/created"))).isFalse();
        // content and modes as before (times differ: the files were rewritten)
        assertThat(EngineTest.checksum(dir.resolve("etc")).replaceAll(" \\S+Z", ""))
                .isEqualTo(before.replaceAll(" \\S+Z", ""));
        assertThat(Journal.runs(local, state()).get(0).undone()).isTrue();
        assertThatThrownBy(() -> Journal.undo(local, state(), "20261205T190000Z-0001", false))
                .hasMessage("run 20261205T190000Z-0001 was undone already");
    }

    @Test
    void aFileEditedSinceTheRunIsLeftAloneUnlessForced() throws IOException {
        original();
        apply("20261205T190000Z-0002");
        Files.writeString(dir.resolve("etc/b.conf"), "edited by hand\n");
        var undone = Journal.undo(local, state(), "20261205T190000Z-0002", false);
        assertThat(undone).filteredOn(u -> !u.done()).singleElement()
                .satisfies(u -> assertThat(u.path()).endsWith("b.conf"));
        assertThat(Files.readString(dir.resolve("etc/b.conf"))).isEqualTo("edited by hand\n");
        assertThat(Files.readString(dir.resolve("etc/a.conf"))).isEqualTo("old a\n");
        assertThat(Journal.runs(local, state()).get(0).undone()).isFalse();

        var forced = Journal.undo(local, state(), "20261205T190000Z-0002", true);
        assertThat(forced).singleElement().satisfies(u -> assertThat(u.done()).isTrue());
        assertThat(Files.readString(dir.resolve("etc/b.conf"))).isEqualTo("b\n");
    }

    @Test
    void journalFilesAreOwnerOnlyAndUnknownRunsAreRefused() throws IOException {
        original();
        apply("20261205T190000Z-0003");
        Path index = dir.resolve("state/20261205T190000Z-0003/journal.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(index))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(index.getParent()))).isEqualTo("rwx------");
        assertThatThrownBy(() -> Journal.undo(local, state(), "20261205T190000Z-ffff", false))
                .hasMessageStartingWith("no run 20261205T190000Z-ffff in ");
        assertThatThrownBy(() -> Journal.undo(local, state(), "../../etc", false)).hasMessageContaining("is not a run id");
    }
}
