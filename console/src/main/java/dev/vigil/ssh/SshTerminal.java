package dev.vigil.ssh;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.terminal.ansi.ANSITerminal;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A Lanterna terminal on an SSH channel. Not Lanterna's {@code DefaultTerminalFactory}: that builds
 * a {@code UnixTerminal} on the <em>server's</em> tty, runs stty there and exits the JVM on Ctrl-C.
 * Here the size comes from the client's pty request and window-change messages (no cursor-report
 * probe racing with typing), and Ctrl-C is just byte 0x03.
 */
public final class SshTerminal extends ANSITerminal {
    private volatile TerminalSize size;

    public SshTerminal(InputStream in, OutputStream out, int columns, int rows) {
        super(in, out, StandardCharsets.UTF_8);
        this.size = new TerminalSize(columns, rows);
        // escape sequences split across SSH packets must not decode as a bare Esc (one unit is 250 ms)
        getInputDecoder().setTimeoutUnits(1);
    }

    @Override
    protected TerminalSize findTerminalSize() {
        return size;
    }

    /** The client's window changed: remember the size and tell the screen. */
    public void resized(int columns, int rows) {
        var s = new TerminalSize(columns, rows);
        size = s;
        onResized(s);
    }
}
