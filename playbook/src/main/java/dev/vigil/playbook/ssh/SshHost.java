package dev.vigil.playbook.ssh;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * A host reached over SSH: one session, opened by {@link SshConnect} and reused by every step,
 * each operation an exec channel running a short POSIX shell script on the host (no SFTP, so that
 * {@code become: sudo} covers file writes too: the same script runs under {@code sudo -n}).
 *
 * <p>Bounds, as {@code LocalHost}: a command is run under the host's {@code timeout(1)}, which
 * kills its process group at the timeout; the client waits that long plus {@link #GRACE} and then
 * gives the host up (closing the session: a host that stopped answering fails its current step, and
 * every later step at once). Only the last {@link #OUTPUT_CAP} bytes of output are kept. File
 * operations are bounded by {@link #OP_TIMEOUT}. Between operations, keepalives find a dead peer.
 */
public final class SshHost implements Host, AutoCloseable {
    public static final int OUTPUT_CAP = 64 * 1024;
    /** How long a file operation (stat, read, write of at most a few MiB) may take. */
    public static final Duration OP_TIMEOUT = Duration.ofSeconds(60);
    /** How long past a command's timeout the client waits for the host's own kill to be reported. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    // Exit codes of the scripts below that mean something to the caller.
    private static final int MISSING = 10;
    private static final int NOT_REGULAR = 11;

    private final SshTarget target;
    private final SshClient client;
    private final ClientSession session;

    SshHost(SshTarget target, SshClient client, ClientSession session) {
        this.target = target;
        this.client = client;
        this.session = session;
    }

    @Override
    public String name() {
        return target.name();
    }

    public SshTarget target() {
        return target;
    }

    /** What one exec channel gave back. */
    private record Raw(Integer exit, byte[] out, boolean truncated, String err) {}

    /**
     * Runs {@code command} (a line for the remote user's login shell) with {@code stdin}, waiting at
     * most {@code wait}. A host that does not answer in time is given up.
     */
    private Raw exec(String command, byte[] stdin, Duration wait, int cap, boolean mergeErr) throws IOException {
        if (!session.isOpen()) throw lost("the connection is closed");
        ChannelExec ch;
        try {
            ch = session.createExecChannel(command);
        } catch (IOException e) {
            throw lost(e.getMessage());
        }
        var out = new Tail(cap);
        var err = mergeErr ? out : new Tail(8 * 1024);
        ch.setOut(out);
        ch.setErr(err);
        try {
            if (!ch.open().verify(wait).isOpened()) throw lost("cannot open a channel");
            try (OutputStream in = ch.getInvertedIn()) {
                if (stdin.length > 0) in.write(stdin); // then EOF: a command that reads stdin ends there, as with </dev/null
            } catch (IOException e) {
                // A command that does not read its input can end, and its channel close, before the
                // input (or its EOF) is sent: its exit status, below, says how it went. A command
                // that needed the input fails on its own (a short file is never renamed into place).
                if (!ch.isClosing() && !ch.isClosed()) throw e;
            }
            var events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), wait);
            if (!events.contains(ClientChannelEvent.EXIT_STATUS) && !events.contains(ClientChannelEvent.CLOSED)) {
                // Neither the command nor the host's timeout(1) ended it: the host is gone or frozen.
                session.close(true);
                throw lost("no answer within " + wait.toSeconds() + "s");
            }
            // Output may still be arriving after the exit status; the channel closes once it is all in.
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(2));
        } catch (IOException e) {
            if (!session.isOpen()) throw lost(e.getMessage());
            throw e;
        } finally {
            ch.close(true);
        }
        Integer exit = ch.getExitStatus();
        if (exit == null && !session.isOpen()) throw lost("the connection closed while running a command");
        return new Raw(exit, out.bytes(), out.truncated(), mergeErr ? "" : err.text().strip());
    }

    private IOException lost(String why) {
        return new IOException(target.name() + " (" + target.where() + "): connection lost: " + why);
    }

    /** Runs a script of ours (not a user's command) as the remote user, or as root under {@code become: sudo}. */
    private Raw script(String script, byte[] stdin, int cap) throws IOException {
        String cmd = (target.sudo() ? "sudo -n -- " : "") + "sh -c " + quote(script);
        return exec(cmd, stdin, OP_TIMEOUT, cap, false);
    }

    private Raw script(String script) throws IOException {
        return script(script, new byte[0], 64 * 1024);
    }

    /** {@code s} as one word of POSIX shell. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The line the remote login shell runs for a step's command: {@code timeout(1)} sends TERM to the
     * command's process group at the timeout and KILL 2 s later; {@code sudo -n} outside it, so that
     * the kill has the rights to kill root's processes, and never waits for a password.
     */
    static String commandLine(String command, Duration timeout, boolean sudo) {
        String secs = String.format(java.util.Locale.ROOT, "%.3fs", Math.max(1, timeout.toMillis()) / 1000.0);
        return (sudo ? "sudo -n -- " : "") + "timeout -k 2s " + secs + " sh -c " + quote(command) + " 2>&1";
    }

    @Override
    public Exec shell(String command, Duration timeout) throws IOException {
        long start = System.nanoTime();
        Raw r = exec(commandLine(command, timeout, target.sudo()), new byte[0], timeout.plus(GRACE), OUTPUT_CAP, true);
        boolean late = System.nanoTime() - start >= timeout.toNanos();
        // timeout(1) exits 124 when the command ended on TERM, 137 when it needed KILL.
        boolean timedOut = late && r.exit() != null && (r.exit() == 124 || r.exit() == 137);
        String text = new String(r.out(), StandardCharsets.UTF_8);
        if (r.exit() != null && r.exit() == 127 && text.contains("timeout")) {
            throw new IOException(target.name() + " has no timeout(1) (coreutils), which bounds every command: " + text.strip());
        }
        return new Exec(timedOut || r.exit() == null ? -1 : r.exit(), text, timedOut, r.truncated());
    }

    private IOException failed(String what, String path, Raw r) {
        if (r.exit() != null && r.exit() == MISSING) return new NoSuchFileException(path, null, "no such file on " + name());
        String why = r.err().isEmpty() ? "exit " + r.exit() : r.err();
        return new IOException(what + " " + path + " on " + name() + ": " + why);
    }

    @Override
    public Kind kind(String path) throws IOException {
        Raw r = script("p=" + quote(path) + "\n"
                + "if [ -f \"$p\" ]; then echo F; elif [ -d \"$p\" ]; then echo D;"
                + " elif [ -e \"$p\" ] || [ -L \"$p\" ]; then echo O; else echo M; fi");
        if (r.exit() == null || r.exit() != 0) throw failed("cannot look at", path, r);
        return switch (new String(r.out(), StandardCharsets.US_ASCII).strip()) {
            case "F" -> Kind.FILE;
            case "D" -> Kind.DIRECTORY;
            case "M" -> Kind.MISSING;
            default -> Kind.OTHER;
        };
    }

    @Override
    public byte[] read(String path, int limit) throws IOException {
        Raw r = script("p=" + quote(path) + "\n"
                + "[ -e \"$p\" ] || exit " + MISSING + "\n"
                + "[ -f \"$p\" ] || exit " + NOT_REGULAR + "\n"
                + "exec head -c " + (limit + 1L) + " -- \"$p\"", new byte[0], limit + 1);
        if (r.exit() != null && r.exit() == NOT_REGULAR) {
            throw new IOException(path + " on " + name() + " is not a regular file; a file a playbook manages must be one");
        }
        if (r.exit() == null || r.exit() != 0) throw failed("cannot read", path, r);
        if (r.out().length > limit || r.truncated()) {
            throw new IOException(path + " on " + name() + " is larger than " + limit + " bytes, the limit of a file a playbook manages");
        }
        return r.out();
    }

    @Override
    public void write(String path, byte[] content, Optional<Integer> mode) throws IOException {
        // The temp file is made beside the target (same file system, so mv is a rename), 0600 by
        // mktemp, given its mode and the old file's owner before the rename; a failure removes it.
        String m = mode.map(v -> "m=" + Integer.toOctalString(v) + "\n")
                .orElse("if [ -f \"$p\" ]; then m=$(stat -c %a -- \"$p\") || exit 1; else m=644; fi\n");
        Raw r = script("set -e\np=" + quote(path) + "\n"
                + "if [ -L \"$p\" ]; then p=$(readlink -e -- \"$p\") || { echo \"dangling link\" >&2; exit 1; }; fi\n"
                + "[ ! -e \"$p\" ] || [ -f \"$p\" ] || { echo 'not a regular file' >&2; exit 1; }\n"
                + m
                + "t=$(mktemp -- \"$(dirname -- \"$p\")/.vigil-XXXXXXXX\")\n"
                + "trap 'rm -f -- \"$t\"' EXIT\n"
                + "cat > \"$t\"\n"
                // A transfer cut short is never renamed into place: the size must be all of it.
                + "[ \"$(wc -c < \"$t\")\" -eq " + content.length + " ] || { echo 'the content arrived cut short' >&2; exit 1; }\n"
                + "chmod \"$m\" -- \"$t\"\n"
                + "if [ -f \"$p\" ]; then chown --reference=\"$p\" -- \"$t\" 2>/dev/null || true; fi\n"
                + "sync -- \"$t\" 2>/dev/null || true\n"
                + "mv -f -- \"$t\" \"$p\"\n"
                + "trap - EXIT", content, 64 * 1024);
        if (r.exit() == null || r.exit() != 0) throw failed("cannot write", path, r);
    }

    @Override
    public int mode(String path) throws IOException {
        Raw r = script("p=" + quote(path) + "\n[ -e \"$p\" ] || exit " + MISSING + "\nexec stat -L -c %a -- \"$p\"");
        if (r.exit() == null || r.exit() != 0) throw failed("cannot stat", path, r);
        return Integer.parseInt(new String(r.out(), StandardCharsets.US_ASCII).strip(), 8) & 0777;
    }

    @Override
    public void chmod(String path, int mode) throws IOException {
        Raw r = script("exec chmod " + Integer.toOctalString(mode) + " -- " + quote(path));
        if (r.exit() == null || r.exit() != 0) throw failed("cannot chmod", path, r);
    }

    @Override
    public void mkdirs(String path, Optional<Integer> mode) throws IOException {
        Raw r = script("set -e\nmkdir -p -- " + quote(path)
                + mode.map(m -> "\nchmod " + Integer.toOctalString(m) + " -- " + quote(path)).orElse(""));
        if (r.exit() == null || r.exit() != 0) throw failed("cannot create directory", path, r);
    }

    @Override
    public List<String> list(String dir, int limit) throws IOException {
        // NUL-separated, so any name survives; one more than the limit tells "too many".
        Raw r = script("d=" + quote(dir) + "\n[ -e \"$d\" ] || exit " + MISSING + "\n"
                + "find \"$d\" -mindepth 1 -maxdepth 1 -printf '%f\\0' | head -z -n " + (limit + 1L), new byte[0], 4 * 1024 * 1024);
        if (r.exit() == null || r.exit() != 0) throw failed("cannot list", dir, r);
        var names = new ArrayList<String>();
        for (String n : new String(r.out(), StandardCharsets.UTF_8).split("\0")) if (!n.isEmpty()) names.add(n);
        if (names.size() > limit || r.truncated()) throw new IOException(dir + " on " + name() + " holds more than " + limit + " entries");
        names.sort(null);
        return List.copyOf(names);
    }

    @Override
    public void delete(String path) throws IOException {
        Raw r = script("p=" + quote(path) + "\n[ ! -d \"$p\" ] || { echo 'is a directory' >&2; exit 1; }\nexec rm -f -- \"$p\"");
        if (r.exit() == null || r.exit() != 0) throw failed("cannot delete", path, r);
    }

    /** Whether the session still stands (keepalives close it when the host stops answering). */
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        try {
            session.close(false).await(Duration.ofSeconds(2));
        } catch (IOException e) {
            // closing anyway
        } finally {
            client.stop();
        }
    }
}
