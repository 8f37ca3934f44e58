package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.drill.report.ReportStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil drill}: the file's errors and exit codes, list/show, a refusal without an agent, history and report. */
class DrillCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final CapturedOutput io = new CapturedOutput();

    private static final Path EXAMPLES = Path.of("../playbooks/drills/web.yaml");

    @Test
    void listAndShowReadTheDrillFile() {
        assertThat(VigilCommand.run("drill", "list", "--file", EXAMPLES.toString())).isZero();
        assertThat(io.out.toString()).contains("web-switchover").contains("node-crash").contains("ha1-cut-off");
        io.out.reset();
        assertThat(VigilCommand.run("drill", "show", "ha1-crash", "--file", EXAMPLES.toString())).isZero();
        assertThat(io.out.toString()).contains("fault:   node-crash of ha1, method fence")
                .contains("probe:   port: tcp 10.0.0.50:80 every 100 ms").contains("expect:  ha1 fenced");
        assertThat(VigilCommand.run("drill", "show", "ha1-crsh", "--file", EXAMPLES.toString())).isEqualTo(2);
        assertThat(io.err.toString()).contains("no drill named 'ha1-crsh'; did you mean 'ha1-crash'?");
    }

    @Test
    void aBadDrillFileIsReportedAtLineAndColumnWithExit2() throws Exception {
        var f = Files.writeString(dir.resolve("drills.yaml"), "drills:\n  - {name: x, kind: crash, target: ha1}\n");
        assertThat(VigilCommand.run("drill", "run", "x", "--yes", "--file", f.toString())).isEqualTo(2);
        assertThat(io.err.toString()).contains(f + ":2:21: unknown kind `crash`").contains("1 error(s) in " + f);
    }

    @Test
    void withoutAnAgentTheRunIsRefusedWithExit2AndTheRefusalIsKept() throws Exception {
        var state = dir.resolve("state");
        int code = VigilCommand.run("drill", "run", "web-switchover", "--yes", "--file", EXAMPLES.toString(),
                "--socket", dir.resolve("nobody.sock").toString(), "--state-dir", state.toString());
        assertThat(code).as(io.out + " " + io.err).isEqualTo(2);
        assertThat(io.out.toString()).contains("Verdict: REFUSED — no agent answers").contains("== preconditions");
        var ids = new ReportStore(state).ids();
        assertThat(ids).singleElement().asString().endsWith("-web-switchover");

        io.out.reset();
        assertThat(VigilCommand.run("drill", "history", "--state-dir", state.toString())).isZero();
        assertThat(io.out.toString()).contains(ids.get(0)).contains("refused");
        var html = dir.resolve("report.html");
        assertThat(VigilCommand.run("drill", "report", ids.get(0), "--html", html.toString(), "--state-dir", state.toString())).isZero();
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("REFUSED");
        io.out.reset();
        assertThat(VigilCommand.run("drill", "report", ids.get(0), "--json", "--state-dir", state.toString())).isZero();
        assertThat(io.out.toString()).contains("\"verdict\" : \"refused\"");
        assertThat(VigilCommand.run("drill", "report", "nope", "--state-dir", state.toString())).isEqualTo(2);
    }

    @Test
    void statusAndAbortSeeTheRunningDrillsLock() throws Exception {
        var state = dir.resolve("state");
        assertThat(VigilCommand.run("drill", "status", "--state-dir", state.toString())).isEqualTo(1);
        assertThat(VigilCommand.run("drill", "abort", "--state-dir", state.toString())).isEqualTo(1);
        var store = new ReportStore(state);
        // The lock is a POSIX file lock (FileChannel's): another JVM holds it while its drill runs.
        java.nio.file.Files.createDirectories(state);
        var source = Files.writeString(dir.resolve("Hold.java"), """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Hold {
                    public static void main(String[] a) throws Exception {
                        var c = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        c.lock();
                        Thread.sleep(30_000);
                    }
                }
                """);
        var java = ProcessHandle.current().info().command().orElse("java");
        var holder = new ProcessBuilder(java, source.toString(), state.resolve("drill.lock").toString()).start();
        try {
            long end = System.nanoTime() + 30_000_000_000L; // a JVM compiling a source file: seconds
            while (store.running().isEmpty() && System.nanoTime() < end) Thread.sleep(20);
            assertThat(VigilCommand.run("drill", "status", "--state-dir", state.toString())).isZero();
            assertThat(io.out.toString()).contains("running: ");
            assertThat(VigilCommand.run("drill", "abort", "--state-dir", state.toString())).isZero();
            assertThat(store.abortRequested()).isTrue();
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void drillsAreNotOfferedOverTheSshConsole() {
        assertThat(RemoteCli.notOffered(List.of("drill", "run", "x"))).isPresent();
    }
}
