package dev.vigil.playbook.steps;

import dev.vigil.config.Durations;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;

/** Helpers for steps that build shell command lines for {@link Host#shell}. */
final class Shell {
    private Shell() {}

    /** {@code s} as one single-quoted word for {@code /bin/sh}: nothing in it is expanded. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Runs {@code command}; a timeout or a non-zero exit is a failure naming {@code what} and the output's tail. */
    static Host.Exec run(Host host, String command, Duration timeout, String what) throws IOException, Step.Failure {
        var r = host.shell(command, timeout);
        if (r.timedOut()) {
            throw new Step.Failure(what + ": killed after " + Durations.format(timeout) + " (timeout)" + CommandStep.tail(r.output()));
        }
        if (r.exitCode() != 0) throw new Step.Failure(what + ": exit code " + r.exitCode() + CommandStep.tail(r.output()));
        return r;
    }

    /** Whole seconds of {@code d}, at least 1 (for commands that take seconds). */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
