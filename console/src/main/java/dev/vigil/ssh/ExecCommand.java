package dev.vigil.ssh;

import dev.vigil.access.Operator;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;

/** {@code ssh console vigil status --json}: one command line, run in-process as the key's operator. */
final class ExecCommand extends ChannelCommand {
    private final String line;
    private final CommandRunner cli;

    ExecCommand(String line, CommandRunner cli) {
        this.line = line;
        this.cli = cli;
    }

    @Override
    protected String kind() {
        return "exec";
    }

    @Override
    protected int work(Operator operator, Environment env) {
        // With `ssh -t` the client's tty is raw and nobody turns \n into \r\n but us. A pty request
        // always sets TERM; its modes may be empty (a client whose own stdin is no tty sends none).
        boolean tty = !env.getPtyModes().isEmpty() || env.getEnv().containsKey(Environment.ENV_TERM);
        var stdout = writer(tty ? new LfToCrLf(out) : out);
        var stderr = writer(tty ? new LfToCrLf(err) : err);
        java.util.List<String> words;
        try {
            words = Words.split(line);
        } catch (IllegalArgumentException e) {
            stderr.println("vigil: cannot read the command: " + e.getMessage());
            stderr.flush();
            return 2;
        }
        return cli.run(operator, words, in, stdout, stderr);
    }

    private static PrintWriter writer(OutputStream s) {
        return new PrintWriter(new OutputStreamWriter(s, StandardCharsets.UTF_8), true);
    }
}
