package dev.vigil.drill.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** Runs a drill's configured hook commands (kill a resource, cut links, restart an agent); tests give a fake. */
@FunctionalInterface
public interface CommandRunner {
    /** @param output the command's output, the last lines, bounded */
    record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    Result run(String command, Map<String, String> env, Duration timeout) throws IOException, InterruptedException;
}
