package dev.vigil.ssh;

import dev.vigil.access.Operator;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;

/**
 * What an exec request runs: one command line as an operator. An interface here, implemented by
 * {@code cli.RemoteCli}, so that the SSH server does not depend on the CLI that starts it
 * (the console's layers are cli → ssh → tui; see {@code ConsoleArchitectureTest}).
 */
@FunctionalInterface
public interface CommandRunner {
    /** @return the exit status sent back to the SSH client */
    int run(Operator who, List<String> words, InputStream in, PrintWriter out, PrintWriter err);
}
