package dev.vigil.resources;

import java.util.Optional;

/** Linux signal names, for "killed by SIGKILL" instead of a bare exit code 137. */
final class Signals {
    private static final String[] NAMES = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
        "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
        "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};

    private Signals() {}

    /** The signal an exit code of 128+n stands for (n from 1 to 64), by name where Linux has one. */
    static Optional<String> fromExitCode(int code) {
        int n = code - 128;
        if (n < 1 || n > 64) return Optional.empty();
        if (n < NAMES.length) return Optional.of(NAMES[n]);
        return Optional.of(n >= 34 ? "SIGRTMIN+" + (n - 34) : "signal " + n);
    }
}
