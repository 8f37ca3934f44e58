package dev.vigil.ssh;

import com.googlecode.lanterna.terminal.Terminal;
import dev.vigil.access.AuditLog;
import dev.vigil.access.Operator;
import dev.vigil.tui.ConsoleBackend;
import dev.vigil.tui.TuiOptions;
import dev.vigil.tui.TuiSession;

/**
 * What runs on an interactive SSH session's terminal. The text UI in production; anything that
 * blocks until its operator leaves (returning normally, never exiting the JVM) fits.
 */
@FunctionalInterface
public interface ShellSessionFactory {
    /** The session for {@code operator} on {@code terminal}; its {@code run()} blocks until they leave. */
    Runnable open(Terminal terminal, Operator operator);

    static ShellSessionFactory tui(ConsoleBackend backend, AuditLog audit, TuiOptions options) {
        return (terminal, operator) -> new TuiSession(terminal, backend, operator, audit, options)::run;
    }
}
