package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSH client against a console, in private tmux servers ({@code tmux -L <unique>}),
 * for the ITs that drive the text UI as an operator would: keys made with ssh-keygen, one tmux
 * server per session, the screen read with capture-pane, everything cleaned up by {@link #close()}.
 */
final class SshInTmux implements AutoCloseable {
    record Result(int exit, String out, String err) {}

    private final Path dir;
    private final int sshPort;
    private final Duration patience;
    private final List<String> servers = new ArrayList<>();

    /** @param dir a temp directory for keys, outputs and the sessions' exit files */
    SshInTmux(Path dir, int sshPort, Duration patience) {
        this.dir = dir;
        this.sshPort = sshPort;
        this.patience = patience;
    }

    /** A new key pair in {@code dir}; the private key's path. */
    Path keygen(String type, String comment) throws Exception {
        Path key = dir.resolve("id_" + type + "_" + comment.replaceAll("[^a-z]", ""));
        var r = run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", comment, "-f", key.toString()), patience);
        assertThat(r.exit()).as(r.err()).isZero();
        return key;
    }

    static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    List<String> sshArgs(Path key, String user) {
        return new ArrayList<>(List.of("ssh", "-p", String.valueOf(sshPort), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR", "-F", "/dev/null", "-i", key.toString(), user + "@127.0.0.1"));
    }

    /** One verb over ssh. */
    Result ssh(Path key, String user, String command) throws Exception {
        var args = sshArgs(key, user);
        args.add(command);
        return run(args, patience);
    }

    /**
     * {@code ssh} into the text UI inside a fresh private tmux server of cols x rows; the server's
     * name. ssh's exit status goes to {@code exitFile} when it leaves.
     */
    String openUi(Path key, String user, int cols, int rows, Path exitFile) throws Exception {
        String tmux = "vigil-ui-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        servers.add(tmux);
        String sshLine = String.join(" ", sshArgs(key, user));
        var started = run(List.of("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", "ui", "-x",
                String.valueOf(cols), "-y", String.valueOf(rows), "sh", "-c",
                sshLine + "; echo $? > " + exitFile + "; sleep 30"), patience);
        assertThat(started.exit()).as(started.err()).isZero();
        return tmux;
    }

    /** What the session's screen shows now, one line per row. */
    String capture(String tmux) throws Exception {
        return run(List.of("tmux", "-L", tmux, "capture-pane", "-p", "-t", "ui"), patience).out();
    }

    /** Keys as tmux names them ({@code Enter}, {@code Tab}, {@code q}); {@code -l} first sends text literally. */
    void send(String tmux, String... keys) throws Exception {
        var cmd = new ArrayList<>(List.of("tmux", "-L", tmux, "send-keys", "-t", "ui"));
        cmd.addAll(List.of(keys));
        run(cmd, patience);
    }

    void resize(String tmux, int cols, int rows) throws Exception {
        run(List.of("tmux", "-L", tmux, "resize-window", "-t", "ui", "-x", String.valueOf(cols), "-y", String.valueOf(rows)), patience);
    }

    /** Output in files, so a client that hangs cannot hang the test past {@code timeout}. */
    Result run(List<String> command, Duration timeout) throws Exception {
        var out = Files.createTempFile(dir, "out", ".txt");
        var err = Files.createTempFile(dir, "err", ".txt");
        var p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out after " + timeout + ": " + command + "; stderr: " + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Kills every tmux server this made, and removes the socket files kill-server leaves behind. */
    @Override
    public void close() throws Exception {
        for (String s : servers) {
            run(List.of("tmux", "-L", s, "kill-server"), Duration.ofSeconds(5));
            Files.deleteIfExists(Path.of(System.getenv().getOrDefault("TMUX_TMPDIR", "/tmp"),
                    "tmux-" + new com.sun.security.auth.module.UnixSystem().getUid(), s));
        }
    }
}
