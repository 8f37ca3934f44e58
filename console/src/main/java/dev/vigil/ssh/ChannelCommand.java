package dev.vigil.ssh;

import dev.vigil.access.Operator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the shell and exec commands share: one thread per channel (MINA's own threads must never
 * block on a verb or a screen), and the exit status sent exactly once, whether the work ends,
 * fails, or the client goes away first.
 */
abstract class ChannelCommand implements Command {
    private static final Logger log = LoggerFactory.getLogger(ChannelCommand.class);

    protected InputStream in;
    protected OutputStream out;
    protected OutputStream err;
    private ExitCallback exit;
    private final AtomicBoolean exited = new AtomicBoolean();
    private volatile Thread thread;

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public final void start(ChannelSession channel, Environment env) throws IOException {
        var operator = channel.getSession().getAttribute(KeyAuthenticator.OPERATOR);
        if (operator == null) {
            // cannot happen after key authentication; refuse rather than run as nobody in particular
            err.write("vigil console: no operator for this session\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            err.flush();
            exit(1);
            return;
        }
        var t = new Thread(() -> {
            int status = 1;
            try {
                status = work(operator, env);
            } catch (Exception | LinkageError e) {
                log.warn("console: {} session of {} failed", kind(), operator.user(), e);
            } finally {
                flushQuietly();
                exit(status);
            }
        }, "vigil-console-" + kind() + "-" + operator.user());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The channel's work on its own thread; returns the exit status. */
    protected abstract int work(Operator operator, Environment env) throws Exception;

    protected abstract String kind();

    @Override
    public void destroy(ChannelSession channel) {
        var t = thread;
        if (t != null) {
            t.interrupt();
        }
        try {
            in.close(); // a UI blocked on input sees end-of-file and returns
        } catch (IOException e) {
            log.debug("console: closing the channel input: {}", e.toString());
        }
        exit(0);
    }

    private void exit(int status) {
        if (exited.compareAndSet(false, true) && exit != null) {
            exit.onExit(status);
        }
    }

    private void flushQuietly() {
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            log.debug("console: flushing a closed channel: {}", e.toString());
        }
    }
}
