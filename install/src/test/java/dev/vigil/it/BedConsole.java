package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * {@code vigil console} on the operator's side of a {@link PlaybookBed}: run from the distribution
 * in the bed's client namespace with the operator's home (its SSH key and known_hosts reach the
 * nodes), {@code --config} the operator's cluster file (the wizards' hosts are the bed's sshd
 * nodes), its recipes in a directory of the test's own; and operators logged into it with the real
 * OpenSSH client inside a private tmux server (one window per operator), driven by keys and read
 * by {@code capture-pane}. Everything it starts is stopped by PID or by its private tmux socket.
 */
final class BedConsole implements AutoCloseable {
    /** Inside the client namespace: nothing else listens there. */
    static final int PORT = 2222;
    /** A screen change after a key: the console redraws within its 20 ms tick; SSH and tmux add little. */
    static final Duration SCREEN = Duration.ofSeconds(20);

    /** The network namespace the console and the operators' ssh run in. */
    private final String netns;
    private final Path dir;
    private final Process console;
    private final String tmux;
    private final List<String> windows = new ArrayList<>();

    /**
     * @param dir      the operator's files: keys, the console's log, audit log, host key, saved answers
     * @param recipes  the console's {@code --playbooks}
     * @param users    user name to role, e.g. otto=operator
     */
    BedConsole(PlaybookBed pb, Path dir, Path recipes, java.util.Map<String, String> users) throws IOException {
        // the status comes from ha1's agent once it runs; the wizards need none
        this(pb.bed().clientNamespace(), pb.operatorHome(), pb.clusterFile(), pb.socket(pb.bed().nodes().get(0)), dir, recipes, users);
    }

    /**
     * As above, anywhere: the console in network namespace {@code netns} with the operator's
     * {@code home} (its .ssh reaches the nodes), {@code --config config} (the wizards' hosts, when
     * it exists) and {@code --socket socket} (the agent it follows, when one runs there).
     */
    BedConsole(String netns, Path home, Path config, Path socket, Path dir, Path recipes, java.util.Map<String, String> users)
            throws IOException {
        this.netns = netns;
        this.dir = dir;
        var keys = new StringBuilder();
        for (var u : users.entrySet()) {
            var key = dir.resolve("console-" + u.getKey());
            var r = Commands.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", u.getKey(), "-f", key.toString()), null,
                    Duration.ofSeconds(30));
            if (r.exit() != 0) throw new IOException("ssh-keygen: " + r.all());
            keys.append("role=").append(u.getValue()).append(' ').append(Files.readString(Path.of(key + ".pub")));
        }
        var authorized = dir.resolve("console_authorized_keys");
        Files.writeString(authorized, keys);
        Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-------"));
        var cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + netns,
                "env", "-u", "SSH_AUTH_SOCK", "HOME=" + home, "JAVA_TOOL_OPTIONS=-Duser.home=" + home,
                VigilHome.launcher().toString(), "console", "--listen", "127.0.0.1:" + PORT,
                "--authorized-keys", authorized.toString(), "--host-key", dir.resolve("console_host_ed25519").toString(),
                "--audit-log", auditLog().toString(), "--playbooks", recipes.toString(), "--wizard-saves", saved().toString(),
                "--config", config.toString(), "--socket", socket.toString()));
        console = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log().toFile()).start();
        tmux = "vigil-wizbed-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            await("the console listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log()).contains("listening on") || !console.isAlive());
            assertThat(console.isAlive()).as("the console: %s", Files.readString(log())).isTrue();
        } catch (IOException | RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    Path log() {
        return dir.resolve("console.log");
    }

    Path auditLog() {
        return dir.resolve("audit.log");
    }

    Path saved() {
        return dir.resolve("wizard-saves");
    }

    /** The runs saved so far, one directory each ({@code RECIPE-RUNID}). */
    List<Path> savedRuns() throws IOException {
        if (!Files.isDirectory(saved())) return List.of();
        try (Stream<Path> s = Files.list(saved())) {
            return s.sorted().toList();
        }
    }

    /** {@code user} logs in: ssh from the client namespace in a new 80x24 tmux window named after them. */
    void login(String user) throws Exception {
        var ssh = String.join(" ", "nsenter", "--net=/run/netns/" + netns,
                "ssh", "-p", String.valueOf(PORT), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-F", "/dev/null",
                "-i", dir.resolve("console-" + user).toString(), "-t", user + "@127.0.0.1");
        var r = windows.isEmpty()
                ? tmux("-f", "/dev/null", "new-session", "-d", "-s", "bed", "-n", user, "-x", "80", "-y", "24", "sh", "-c", ssh + "; sleep 600")
                : tmux("new-window", "-d", "-t", "bed", "-n", user, "sh", "-c", ssh + "; sleep 600");
        assertThat(r.exit()).as("tmux: %s", r.all()).isZero();
        windows.add(user);
        awaitScreen(user, user + " (");
    }

    /** Named keys (tmux names: Enter, Escape, Down, BSpace, Space...) to {@code user}'s window. */
    void keys(String user, String... keys) throws IOException {
        var cmd = new ArrayList<>(List.of("send-keys", "-t", "bed:" + user));
        cmd.addAll(List.of(keys));
        var r = tmux(cmd.toArray(String[]::new));
        assertThat(r.exit()).as("send-keys: %s", r.all()).isZero();
    }

    /** Text typed as it is. */
    void type(String user, String text) throws IOException {
        assertThat(tmux("send-keys", "-t", "bed:" + user, "-l", text).exit()).isZero();
    }

    /** The current field's answer replaced by {@code text}: Backspace enough times, then the text. */
    void replace(String user, String text) throws IOException {
        assertThat(tmux("send-keys", "-t", "bed:" + user, "-N", "64", "BSpace").exit()).isZero();
        if (!text.isEmpty()) type(user, text);
    }

    String screen(String user) throws IOException {
        return tmux("capture-pane", "-p", "-t", "bed:" + user).stdout();
    }

    void awaitScreen(String user, String text) {
        try {
            await().atMost(SCREEN).pollInterval(Duration.ofMillis(50)).until(() -> screen(user).contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("'" + text + "' not on " + user + "'s screen within " + SCREEN + ":\n" + lastScreen(user), e);
        }
    }

    /** As {@link #awaitScreen} with the bound a plan or an apply over SSH needs (its steps' own timeouts). */
    void awaitScreen(String user, String text, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> screen(user).contains(text));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("'" + text + "' not on " + user + "'s screen within " + within + ":\n" + lastScreen(user)
                    + "\n--- console log\n" + consoleLog(), e);
        }
    }

    private String lastScreen(String user) {
        try {
            return screen(user);
        } catch (IOException x) {
            return "(no screen: " + x.getMessage() + ")";
        }
    }

    String consoleLog() {
        try {
            return Files.readString(log());
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private Commands.Result tmux(String... args) throws IOException {
        var cmd = new ArrayList<>(List.of("tmux", "-L", tmux));
        cmd.addAll(List.of(args));
        return Commands.run(cmd, null, Duration.ofSeconds(20));
    }

    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (IOException e) {
            // no server left to kill
        }
        console.destroy();
        try {
            if (!console.waitFor(20, TimeUnit.SECONDS)) {
                console.destroyForcibly();
                console.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
