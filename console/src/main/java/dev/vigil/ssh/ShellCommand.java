package dev.vigil.ssh;

import dev.vigil.access.Operator;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.SignalListener;

/**
 * {@code ssh -p 2222 admin@host}: the text UI on the client's terminal, until the operator leaves.
 * Output is flushed by the screen after each refresh (the channel buffers until then) and once
 * more when the session ends, so the restored screen reaches the client.
 */
final class ShellCommand extends ChannelCommand {
    static final int DEFAULT_COLUMNS = 80;
    static final int DEFAULT_ROWS = 24;

    private final ShellSessionFactory sessions;

    ShellCommand(ShellSessionFactory sessions) {
        this.sessions = sessions;
    }

    @Override
    protected String kind() {
        return "shell";
    }

    @Override
    protected int work(Operator operator, Environment env) {
        var terminal = new SshTerminal(new CrToLf(in), out, number(env, Environment.ENV_COLUMNS, DEFAULT_COLUMNS),
                number(env, Environment.ENV_LINES, DEFAULT_ROWS));
        SignalListener winch = (channel, signal) -> terminal.resized(
                number(env, Environment.ENV_COLUMNS, DEFAULT_COLUMNS), number(env, Environment.ENV_LINES, DEFAULT_ROWS));
        env.addSignalListener(winch, Signal.WINCH);
        try {
            sessions.open(terminal, operator).run();
        } finally {
            env.removeSignalListener(winch);
        }
        return 0;
    }

    /** COLUMNS or LINES from the pty request or the last window-change; the default when absent or nonsense. */
    static int number(Environment env, String name, int fallback) {
        try {
            int n = Integer.parseInt(env.getEnv().getOrDefault(name, ""));
            return n >= 1 && n <= 10_000 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
