package dev.vigil.drill.fault;

import dev.vigil.drill.Drill;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A drill's configured command, run with {@code DRILL_NAME} and {@code DRILL_TARGET} in its environment. */
final class Hook {
    private final Drill drill;
    private final CommandRunner runner;

    Hook(Drill drill, CommandRunner runner) {
        this.drill = drill;
        this.runner = runner;
    }

    CommandRunner.Result run(String command) throws IOException, InterruptedException {
        var env = new LinkedHashMap<String, String>(drill.inject().env());
        env.put("DRILL_NAME", drill.name());
        env.put("DRILL_TARGET", drill.target());
        return runner.run(command, Map.copyOf(env), drill.inject().timeout());
    }

    /** Runs it and returns its output, or throws with the exit code and output. */
    String runOrThrow(String what, String command) throws IOException, InterruptedException {
        var r = run(command);
        if (!r.ok()) throw new IOException(what + " failed (exit " + r.exit() + ")" + (r.output().isEmpty() ? "" : ": " + r.output()));
        return r.output();
    }

    /** Runs it as a restore step: never throws, says how it went. */
    RestoreStep step(String what, String command) {
        try {
            var r = run(command);
            String detail = "`" + command + "` exit " + r.exit() + (r.output().isEmpty() ? "" : ": " + r.output());
            return r.ok() ? RestoreStep.done(what, detail) : RestoreStep.failed(what, detail);
        } catch (IOException e) {
            return RestoreStep.failed(what, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RestoreStep.failed(what, "interrupted");
        }
    }

    /**
     * A node brought back by the drill's {@code restore:} command (its agent started again), or a
     * failed step that says how to configure one: the restore of a crashed or fenced node.
     */
    RestoreStep bringBack(String what, String node, Optional<String> command) {
        return command.map(c -> step(what, c)).orElseGet(() -> RestoreStep.failed(what, "no `inject: {restore: ...}` command "
                + "configured to bring it back (e.g. `ssh " + node + " systemctl start vigil`); start it by hand"));
    }
}
