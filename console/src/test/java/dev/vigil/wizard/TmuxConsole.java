package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.access.AuditLog;
import dev.vigil.ssh.AuthorizedKeysFile;
import dev.vigil.ssh.ConsoleServer;
import dev.vigil.ssh.FailureThrottle;
import dev.vigil.ssh.ShellSessionFactory;
import dev.vigil.tui.ConsoleBackend;
import dev.vigil.tui.TuiOptions;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The wizard ITs' console as an operator meets it: an in-JVM console server whose only key is a
 * fresh ed25519 key of {@code otto} with {@code role}, reached by the real OpenSSH client inside a
 * private tmux server (80x24), and the keys, captures and waits the tests drive it with. Every
 * process it starts is bounded by {@link #PATIENCE}; {@link #close()} ends the tmux server and the console.
 */
final class TmuxConsole implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(20);

    final AuditLog audit;
    final Path exit;
    private final Path dir;
    private final ConsoleServer console;
    private String tmux;

    TmuxConsole(Path dir, String role, ConsoleBackend backend, TuiOptions options) throws Exception {
        this.dir = dir;
        this.exit = dir.resolve("ssh.exit");
        var key = dir.resolve("id_ed25519");
        var r = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "otto", "-f", key.toString()));
        assertThat(r.exit()).as(r.err()).isZero();
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "role=" + role + " " + Files.readString(dir.resolve("id_ed25519.pub")));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        audit = new AuditLog(dir.resolve("audit.log"), Clock.systemUTC());
        console = new ConsoleServer(new ConsoleServer.Settings(new InetSocketAddress("127.0.0.1", 0), dir.resolve("host_ed25519")),
                new AuthorizedKeysFile(keys), new FailureThrottle(Clock.systemUTC(), FailureThrottle.Policy.defaults()),
                (who, words, in, out, err) -> 2, ShellSessionFactory.tui(backend, audit, options));
        console.start();
    }

    /** {@code ssh -t otto@127.0.0.1} in a new tmux server at 80x24; its exit code goes to {@link #exit}. */
    void connect() throws Exception {
        tmux = "vigil-wiz-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String ssh = String.join(" ", "ssh", "-p", String.valueOf(console.port()), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                "-F", "/dev/null", "-i", dir.resolve("id_ed25519").toString(), "-t", "otto@127.0.0.1");
        var started = run(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x", "80", "-y", "24",
                "sh", "-c", ssh + "; echo $? > " + exit + "; sleep 30"));
        assertThat(started.exit()).as(started.err()).isZero();
    }

    @Override
    public void close() throws Exception {
        if (tmux != null) run(List.of("tmux", "-L", tmux, "kill-server"));
        console.close();
        audit.close();
    }

    /** tmux key names (Enter, Escape, Down, BSpace, ...) or single characters. */
    void keys(String... keys) throws Exception {
        var cmd = new ArrayList<>(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui"));
        cmd.addAll(List.of(keys));
        assertThat(run(cmd).exit()).isZero();
    }

    void literal(String text) throws Exception {
        assertThat(run(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui", "-l", text)).exit()).isZero();
    }

    void resize(int columns, int rows) throws Exception {
        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", String.valueOf(columns), "-y", String.valueOf(rows)));
    }

    String capture() throws Exception {
        return run(List.of("tmux", "-L", tmux, "capture-pane", "-p", "-t", "ui")).out();
    }

    void awaitScreen(String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(capture()).contains(text));
    }

    void awaitGone(String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertThat(capture()).doesNotContain(text));
    }

    /** {@code q}, then ssh's exit code once it wrote it. */
    String quit() throws Exception {
        keys("q");
        await().atMost(PATIENCE).until(() -> Files.exists(exit) && !Files.readString(exit).isBlank());
        return Files.readString(exit).strip();
    }

    record Result(int exit, String out, String err) {}

    /** A process with its output in files, bounded by {@link #PATIENCE}. */
    Result run(List<String> command) throws Exception {
        var out = Files.createTempFile(dir, "out", ".txt");
        var err = Files.createTempFile(dir, "err", ".txt");
        var p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("timed out: " + command);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
