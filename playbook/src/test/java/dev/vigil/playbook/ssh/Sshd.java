package dev.vigil.playbook.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server for tests: {@code /usr/sbin/sshd -D -e} on 127.0.0.1 on a free port, with
 * its own config, host keys (ed25519 and RSA) and authorized_keys in a temp directory; stopped by
 * PID (with the per-connection processes it forked). The one system path it needs is sshd's
 * privilege-separation directory /run/sshd, created (empty, 0755) when missing, as the openssh-server
 * package does.
 *
 * <p>sshd runs every command through the user's login shell, and Debian's bash then reads
 * {@code ~/.bashrc}. This machine's root has pyenv there, whose rehash waits on a lock file that a
 * session killed mid-rehash (as these tests kill sessions) leaves behind: every later command then
 * hung for a minute. So the server runs in a private mount namespace where {@code ~/.bashrc} is an
 * empty file: the commands under test see the user's environment, not this machine's dotfiles.
 */
final class Sshd implements AutoCloseable {
    final Path dir;
    final int port;
    final Path clientKey;
    private Process process;

    private Sshd(Path dir, int port, Path clientKey) {
        this.dir = dir;
        this.port = port;
        this.clientKey = clientKey;
    }

    static void keygen(Path file, String type) throws IOException, InterruptedException {
        run(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "vigil-test", "-f", file.toString()));
    }

    static void run(List<String> cmd) throws IOException, InterruptedException {
        var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(cmd + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts sshd with host keys and one authorized client key (ed25519, {@link #clientKey}). */
    static Sshd start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(Path.of("/run/sshd"));
        keygen(dir.resolve("host_ed25519"), "ed25519");
        keygen(dir.resolve("host_rsa"), "rsa");
        Path client = dir.resolve("id_ed25519");
        keygen(client, "ed25519");
        Files.copy(dir.resolve("id_ed25519.pub"), dir.resolve("authorized_keys"));
        var s = new Sshd(dir, freePort(), client);
        s.startProcess();
        return s;
    }

    void authorize(Path pub) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(pub), java.nio.file.StandardOpenOption.APPEND);
    }

    void startProcess() throws IOException, InterruptedException {
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_ed25519"),
                "HostKey " + dir.resolve("host_rsa"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "UsePAM no",
                "StrictModes no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "LogLevel VERBOSE", ""));
        Path bashrc = Path.of(System.getProperty("user.home"), ".bashrc");
        Path empty = Files.writeString(dir.resolve("empty-bashrc"), "");
        // unshare and sh exec into sshd: the PID killed at the end is sshd's.
        String start = (Files.exists(bashrc) ? "mount --bind " + empty + " " + bashrc + " && " : "")
                + "exec /usr/sbin/sshd -D -e -f " + config;
        process = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", start)
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            try (var sock = new Socket()) {
                sock.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("sshd did not listen on " + port + " within 20s: " + Files.readString(dir.resolve("sshd.log")));
    }

    /** A known_hosts line for this server's ed25519 host key. */
    String knownHostsLine() throws IOException {
        String[] pub = Files.readString(dir.resolve("host_ed25519.pub")).trim().split(" ");
        return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
    }

    /** The listener's per-connection children (a session in progress). */
    List<ProcessHandle> sessions() {
        return process.toHandle().descendants().toList();
    }

    /** Kills the listener and every session it forked, as a host that disappears. */
    void kill() throws InterruptedException {
        if (process == null) return;
        var children = process.toHandle().descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
        for (var c : children) c.onExit().completeOnTimeout(c, 10, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
