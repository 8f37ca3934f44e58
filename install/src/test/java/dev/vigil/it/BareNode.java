package dev.vigil.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

/**
 * A bare Debian machine for the package tests: the cached minimal root of
 * {@code install/bed/vigil-node-rootfs} (systemd, sshd, no Java) unpacked into a directory and
 * booted with {@code systemd-nspawn -b}, with a network of its own (only loopback).
 *
 * <p>Commands run inside with {@code nsenter} into every namespace of the container's init, with
 * an emptied environment: nothing of this machine (JAVA_HOME, PATH to a JDK) leaks in. This
 * machine has no systemd as PID 1, so nspawn runs with {@code --keep-unit --register=no} and
 * {@code machinectl} is not used (testbed-notes.md §3).
 */
final class BareNode implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final String name;
    private final Path root;
    private final Process nspawn;
    private final long initPid;
    /** The init's PID namespace, checked before the pid is signalled: the pid may have been reused. */
    private final String initPidNamespace;
    private final Thread shutdownHook;
    private boolean closed;

    private BareNode(String name, Path root, Process nspawn, long initPid) {
        this.name = name;
        this.root = root;
        this.nspawn = nspawn;
        this.initPid = initPid;
        this.initPidNamespace = pidNamespace(initPid).orElse("gone");
        this.shutdownHook = new Thread(this::stop, "bare-node-" + name + "-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Why bare nodes cannot be made here, or empty if they can. */
    static Optional<String> whyUnavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("bare-node tests need root");
        }
        for (var tool : List.of("debootstrap", "systemd-nspawn", "nsenter", "tar")) {
            if (List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin").stream().noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                return Optional.of("bare-node tests need " + tool + " (packages debootstrap, systemd-container)");
            }
        }
        return Optional.empty();
    }

    /**
     * Unpacks the cached root (making it first if needed) under {@code dir/name} and boots it.
     * The machine's host name is {@code name}.
     */
    static BareNode boot(Path vigilHome, Path dir, String name) throws IOException, InterruptedException {
        return boot(vigilHome, dir, name, Optional.empty());
    }

    /**
     * As {@link #boot(Path, Path, String)}, in the network namespace {@code netns} (a
     * {@link NetnsBed} host's: the node gets that host's eth0 and address) when given.
     */
    static BareNode boot(Path vigilHome, Path dir, String name, Optional<String> netns) throws IOException, InterruptedException {
        var tar = Commands.run(List.of(vigilHome.resolve("bed/vigil-node-rootfs").toString()), null, Duration.ofMinutes(8));
        if (tar.exit() != 0) {
            throw new IOException("vigil-node-rootfs failed: " + tar.all());
        }
        var root = dir.resolve(name);
        Files.createDirectories(root);
        check(Commands.run(List.of("tar", "-C", root.toString(), "-xf", tar.stdout().strip()), null, Duration.ofMinutes(2)), "unpack");
        // Its own host name (debootstrap copied this machine's), and the /etc/hosts Debian's
        // installer writes (debootstrap writes none): localhost resolves, as apache's status URL needs.
        Files.writeString(root.resolve("etc/hostname"), name + "\n");
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\t" + name + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        // No network manager brings its link up, so network-online.target would wait 2 minutes
        // for systemd-networkd-wait-online: masked.
        Files.createSymbolicLink(root.resolve("etc/systemd/system/systemd-networkd-wait-online.service"), Path.of("/dev/null"));
        var log = dir.resolve(name + ".console.log");
        var nspawn = new ProcessBuilder("systemd-nspawn", "--keep-unit", "--register=no", "--quiet", "--console=passive",
                netns.map(ns -> "--network-namespace-path=/run/netns/" + ns).orElse("--private-network"),
                // A machine's root may configure its network (a floating IP's `ip addr add`):
                // nspawn keeps CAP_NET_ADMIN for --private-network only.
                "--capability=CAP_NET_ADMIN",
                // nspawn keeps per-machine-name state under /run/systemd/nspawn (unix-export,
                // propagate): the machine name is unique per test JVM and boot, the host name is name.
                "--machine=" + name + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet(), "--hostname=" + name,
                "-D", root.toString(), "-b")
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
        long init = -1;
        while (init < 0 && nspawn.isAlive() && System.nanoTime() < deadline) {
            init = containerInit(nspawn).orElse(-1L);
            if (init < 0) Thread.sleep(20);
        }
        if (init < 0) {
            nspawn.destroyForcibly();
            throw new IOException("systemd-nspawn did not start " + name + " within " + BOOT_TIMEOUT + ": " + Files.readString(log));
        }
        var node = new BareNode(name, root, nspawn, init);
        // Booted once systemd says running (or degraded: a unit a container cannot run failed).
        String state = "";
        while (System.nanoTime() < deadline) {
            var r = node.run("systemctl", "is-system-running");
            state = r.stdout().strip().isEmpty() ? r.all().strip() : r.stdout().strip();
            if (state.equals("running") || state.equals("degraded")) return node;
            Thread.sleep(200);
        }
        node.close();
        throw new IOException(name + " did not boot within " + BOOT_TIMEOUT + " (state " + state + "): " + Files.readString(log));
    }

    /**
     * The container's init: the child of {@code nspawn} in a PID namespace other than ours. nspawn
     * first forks an "outer child" in our PID namespace (it sets up the root's mounts, forks the
     * init in the new namespaces and exits); taking that one, as a loaded machine's first look
     * may, would point every later {@code nsenter} at a dead pid, or at whatever process the
     * kernel gives that pid next (pid_max is 32768 here).
     */
    private static Optional<Long> containerInit(Process nspawn) {
        String ours = pidNamespace(ProcessHandle.current().pid()).orElse("");
        return nspawn.toHandle().children().map(ProcessHandle::pid)
                .filter(pid -> pidNamespace(pid).filter(ns -> !ns.equals(ours)).isPresent())
                .findFirst();
    }

    private static Optional<String> pidNamespace(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "pid")).toString());
        } catch (IOException | UnsupportedOperationException gone) {
            return Optional.empty();
        }
    }

    /** SIGKILL to the container's init, only while that pid still is the container's (never a recycled pid). */
    private void killInit() {
        if (pidNamespace(initPid).equals(Optional.of(initPidNamespace))) {
            ProcessHandle.of(initPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    String name() {
        return name;
    }

    /** The node's root directory, as seen from this machine. */
    Path root() {
        return root;
    }

    /** Runs {@code cmd} inside the node, with only a PATH in its environment. */
    Commands.Result run(String... cmd) throws IOException {
        if (!nspawn.isAlive()) {
            throw new IOException(name + " is powered off (systemd-nspawn exited " + nspawn.exitValue() + "): cannot run " + String.join(" ", cmd));
        }
        var full = new ArrayList<>(List.of("nsenter", "-t", Long.toString(initPid), "-a", "env", "-i", PATH));
        full.addAll(List.of(cmd));
        return Commands.run(full, null, COMMAND_TIMEOUT);
    }

    /** As {@link #run}, failing with the command's output unless it exits 0. */
    String ok(String... cmd) throws IOException {
        var r = run(cmd);
        return check(r, String.join(" ", cmd)).stdout();
    }

    /** Writes a file inside the node (as root, with {@code mode}). */
    void write(String path, String content, String mode) throws IOException {
        var p = root.resolve(path.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        ok("chmod", mode, path);
    }

    private static Commands.Result check(Commands.Result r, String what) throws IOException {
        if (r.exit() != 0) {
            throw new IOException(what + " exited " + r.exit() + ": " + r.all());
        }
        return r;
    }

    /**
     * Pulls the node's plug, as {@code machinectl terminate} does (which needs systemd as PID 1,
     * absent here): SIGKILL to the container's init ends every process of its PID namespace at
     * once, no unit stops, and nspawn exits. Its root stays until {@link #close()}. A network
     * namespace it was booted into (a {@link NetnsBed} host's) outlives it, addresses included:
     * take that host's link down too, as a powered-off machine's NIC would be.
     */
    void terminate() throws IOException, InterruptedException {
        killInit();
        if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
            throw new IOException("systemd-nspawn of " + name + " did not exit within 30 s of its init's SIGKILL");
        }
    }

    /** Powers the node off (killing it if it does not go within 30 s) and deletes its root. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void stop() {
        if (closed) return;
        closed = true;
        try {
            if (nspawn.isAlive()) {
                run("systemctl", "poweroff");
                if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
                    killInit();
                    nspawn.destroyForcibly();
                    nspawn.waitFor(10, TimeUnit.SECONDS);
                }
            }
            // nspawn has unmounted what it mounted; --one-file-system spares anything left mounted.
            Commands.run(List.of("rm", "-rf", "--one-file-system", root.toString()), null, Duration.ofMinutes(2));
        } catch (IOException e) {
            System.err.println("bare node " + name + ": cleanup failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
