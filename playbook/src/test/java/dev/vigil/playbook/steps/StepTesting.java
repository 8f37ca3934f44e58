package dev.vigil.playbook.steps;


import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.PlaybookReader;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import static org.assertj.core.api.Assertions.assertThat;

/** Shared pieces of the step types' tests: a context, the reader's errors, stand-in commands. */
final class StepTesting {
    private StepTesting() {}

    static Step.Context ctx(Path dir) {
        return new Step.Context(dir, Map.of(), Step.FileWatcher.NONE);
    }

    static Step.Context ctx(Path dir, Duration timeout) {
        return new Step.Context(dir, Map.of(), Step.FileWatcher.NONE, name -> Optional.empty(), timeout);
    }

    /** {@code check}'s errors for a playbook of {@code steps} on local, as "line:column: message". */
    static List<String> checkErrors(Path dir, String steps) throws IOException {
        Path p = dir.resolve("check.yaml");
        Files.writeString(p, "hosts: local\nsteps:\n" + steps);
        var r = PlaybookReader.read(p, Inventory.localOnly());
        return r.errors().stream().map(e -> e.line() + ":" + e.column() + ": " + e.message()).toList();
    }

    /** Writes an executable stand-in script {@code name} into {@code bin}. */
    static Path script(Path bin, String name, String body) throws IOException {
        Files.createDirectories(bin);
        Path s = bin.resolve(name);
        Files.writeString(s, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    /**
     * This machine with stand-in commands: {@code bin} is put first on the PATH of every command
     * (or is the whole PATH, with {@code only}, so that the real command is not found either).
     */
    static Host withPath(Path bin, boolean only) {
        var local = new LocalHost("local");
        String prefix = "PATH=" + Shell.quote(bin.toString()) + (only ? "" : ":\"$PATH\"") + "; export PATH; ";
        return new Host() {
            @Override public String name() { return "local"; }
            @Override public Exec shell(String command, Duration timeout) throws IOException {
                return local.shell(prefix + command, timeout);
            }
            @Override public Kind kind(String path) { return local.kind(path); }
            @Override public byte[] read(String path, int limit) throws IOException { return local.read(path, limit); }
            @Override public void write(String path, byte[] content, Optional<Integer> mode) throws IOException { local.write(path, content, mode); }
            @Override public int mode(String path) throws IOException { return local.mode(path); }
            @Override public void chmod(String path, int mode) throws IOException { local.chmod(path, mode); }
            @Override public void mkdirs(String path, Optional<Integer> mode) throws IOException { local.mkdirs(path, mode); }
            @Override public List<String> list(String dir, int limit) throws IOException { return local.list(dir, limit); }
            @Override public void delete(String path) throws IOException { local.delete(path); }
        };
    }

    static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    static void assertNoChange(Step.Outcome o) {
        assertThat(o.changed()).as(o.message()).isFalse();
    }
}
