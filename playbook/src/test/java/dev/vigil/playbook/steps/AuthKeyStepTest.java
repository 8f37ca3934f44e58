package dev.vigil.playbook.steps;


import dev.vigil.playbook.Journal;
import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code authkey} step on the local host: created once, copied 0600, idempotent, never shown. */
class AuthKeyStepTest {
    @TempDir
    Path dir;

    private Step.Outcome run(boolean apply, Step.FileWatcher watcher, String... more) throws Exception {
        var p = new java.util.HashMap<String, String>(Map.of("path", dir.resolve("etc/vigil/authkey").toString()));
        for (int i = 0; i + 1 < more.length; i += 2) p.put(more[i], more[i + 1]);
        return Step.of("authkey").run(new LocalHost("ha1"), p, apply, new Step.Context(dir, Map.of(), watcher));
    }

    private Step.Outcome run(boolean apply) throws Exception {
        return run(apply, Step.FileWatcher.NONE);
    }

    private Path source() {
        return dir.resolve("authkey");
    }

    private Path target() {
        return dir.resolve("etc/vigil/authkey");
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void planCreatesNothingApplyCreatesTheKeyOnceAndCopiesIt0600AndASecondApplyChangesNothing() throws Exception {
        var plan = run(false);
        assertThat(plan.changed()).isTrue();
        assertThat(plan.message()).contains("would create the key " + source()).contains("content hidden: a key");
        assertThat(Files.exists(source())).isFalse();
        assertThat(Files.exists(dir.resolve("etc"))).isFalse();
        assertThat(dir.toFile().list()).isEmpty(); // no temp file either

        var first = run(true);
        assertThat(first.changed()).isTrue();
        assertThat(first.message()).contains("created the key").contains("copied the key to " + target());
        String key = Files.readString(source());
        assertThat(Base64.getDecoder().decode(key.strip())).hasSize(32);
        assertThat(mode(source())).isEqualTo("rw-------");
        assertThat(Files.readString(target())).isEqualTo(key);
        assertThat(mode(target())).isEqualTo("rw-------");
        assertThat(first.diff()).isEmpty();
        assertThat(first.message()).doesNotContain(key.strip());

        var second = run(true);
        assertThat(second.changed()).isFalse();
        assertThat(second.message()).isEqualTo("up to date (content hidden: a key)");
        assertThat(Files.readString(source())).isEqualTo(key); // made once
        assertThat(run(false).changed()).isFalse();
    }

    @Test
    void aDifferentKeyOnTheHostIsReplacedAndSaysSoWithoutShowingEither() throws Exception {
        Files.writeString(source(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(source(), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(target().getParent());
        Files.writeString(target(), "an-old-key-on-the-host-abcdef\n");
        Files.setPosixFilePermissions(target(), PosixFilePermissions.fromString("rw-r--r--"));
        var told = new ArrayList<String>();
        Step.FileWatcher watcher = (h, path, prev, prevMode, next) -> told.add(path + " " + prevMode.orElse(-1));

        var plan = run(false, watcher);
        assertThat(plan.message()).contains("would change: a different key in " + target() + ": replace it");
        assertThat(Files.readString(target())).isEqualTo("an-old-key-on-the-host-abcdef\n");

        var o = run(true, watcher);
        assertThat(o.changed()).isTrue();
        assertThat(o.message()).contains("a different key in " + target() + ": replaced it (content hidden: a key)")
                .doesNotContain("the-operators-key").doesNotContain("an-old-key");
        assertThat(o.diff()).isEmpty();
        assertThat(Files.readString(target())).isEqualTo("the-operators-key-0123456789\n");
        assertThat(mode(target())).isEqualTo("rw-------");
        assertThat(told).containsExactly(target() + " " + 0644); // the journal is told (it keeps the old key 0600 for undo)
    }

    @Test
    void theRightKeyWithAWrongModeGetsItsModeOnly() throws Exception {
        Files.writeString(source(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(source(), PosixFilePermissions.fromString("r--------"));
        Files.createDirectories(target().getParent());
        Files.writeString(target(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(target(), PosixFilePermissions.fromString("rw-rw-r--"));
        var o = run(true);
        assertThat(o.message()).contains("mode 0664 → 0600");
        assertThat(mode(target())).isEqualTo("rw-------");
        assertThat(run(true).changed()).isFalse();
    }

    @Test
    void aSourceOthersCanReadOrTooShortIsRefused() throws Exception {
        Files.writeString(source(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(source(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> run(true)).hasMessageContaining("has mode 0644; it must be 0600 or 0400")
                .hasMessageNotContaining("the-operators-key");
        Files.writeString(source(), "short\n");
        Files.setPosixFilePermissions(source(), PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> run(true)).hasMessageContaining("is 5 bytes; the agent needs at least 16");
        assertThat(Files.exists(target())).isFalse();
    }

    @Test
    void aSourceElsewhereIsRelativeToThePlaybook() throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        run(true, Step.FileWatcher.NONE, "source", "keys/web.key");
        assertThat(Files.readString(dir.resolve("keys/web.key"))).isEqualTo(Files.readString(target()));
    }

    @Test
    void hostsRunningAtOnceShareOneNewKey() throws Exception {
        var pool = Executors.newFixedThreadPool(4);
        try {
            var tasks = new ArrayList<Callable<Step.Outcome>>();
            for (int i = 0; i < 4; i++) {
                String path = dir.resolve("host" + i + "/authkey").toString();
                tasks.add(() -> Step.of("authkey").run(new LocalHost("h"), Map.of("path", path), true,
                        new Step.Context(dir, Map.of(), Step.FileWatcher.NONE)));
            }
            for (var f : pool.invokeAll(tasks)) f.get();
        } finally {
            pool.shutdownNow();
        }
        String key = Files.readString(source());
        for (int i = 0; i < 4; i++) assertThat(Files.readString(dir.resolve("host" + i + "/authkey"))).isEqualTo(key);
        assertThat(List.of(dir.toFile().list())).noneMatch(n -> n.startsWith(".authkey-"));
    }

    @Test
    void theKeyIsAReplacedFileInTheJournalSoUndoPutsTheOldOneBack() throws Exception {
        Files.writeString(source(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(source(), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(target().getParent());
        Files.writeString(target(), "an-old-key-on-the-host-abcdef\n");
        Files.setPosixFilePermissions(target(), PosixFilePermissions.fromString("rw-------"));
        var host = new LocalHost("ha1");
        String state = dir.resolve("state").toString();
        var journal = new Journal(state, "20261205T191500Z-3fa2", "pb.yaml");
        run(true, journal);
        var runs = Journal.runs(host, state);
        assertThat(runs).singleElement().asString().doesNotContain("key-");
        Journal.undo(host, state, "20261205T191500Z-3fa2", false);
        assertThat(Files.readString(target())).isEqualTo("an-old-key-on-the-host-abcdef\n");
        assertThat(mode(target())).isEqualTo("rw-------");
        assertThat(Optional.of(mode(dir.resolve("state/20261205T191500Z-3fa2/0.orig")))).contains("rw-------");
    }

    @Test
    void asRootAKeyOwnedByAnotherUserIsRewrittenOwnedByRoot() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(((Integer) Files.getAttribute(dir, "unix:uid")) == 0, "runs as root only");
        Files.writeString(source(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(source(), PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(target().getParent());
        Files.writeString(target(), "the-operators-key-0123456789\n");
        Files.setPosixFilePermissions(target(), PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(target(), "unix:uid", 1);
        var o = run(true);
        assertThat(o.message()).contains("owner of " + target() + " → root");
        assertThat(Files.getAttribute(target(), "unix:uid")).isEqualTo(0);
        assertThat(mode(target())).isEqualTo("rw-------");
        assertThat(run(true).changed()).isFalse();
    }
}
