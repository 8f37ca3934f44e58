package dev.vigil.drill.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The target's agent stops (SIGSTOP) for a while, as a frozen VM or a stalled process would, then
 * continues (SIGCONT). Its PID comes from a configured command (run where the agent runs:
 * {@code ssh ha1 systemctl show -p MainPID --value vigil}); the signals go the same way, through
 * {@code kill} in the same command context ({@code DRILL_PID} is set for a remote hook). If the
 * cluster fenced the node meanwhile the continue finds no process, which restore reports.
 */
final class AgentFreeze implements Fault {
    private final Hook hook;
    private final String pidCommand;
    private final Duration duration;
    private final Optional<String> restart;
    private long pid = -1;
    private boolean continued;

    AgentFreeze(Hook hook, String pidCommand, Duration duration, Optional<String> restart) {
        this.hook = hook;
        this.pidCommand = pidCommand;
        this.duration = duration;
        this.restart = restart;
    }

    @Override
    public String inject() throws IOException, InterruptedException {
        String out = hook.runOrThrow("the PID command", pidCommand).strip();
        try {
            pid = Long.parseLong(out.lines().reduce((a, b) -> b).orElse("").strip());
        } catch (NumberFormatException e) {
            throw new IOException("the PID command printed `" + out + "`, not a process id");
        }
        hook.runOrThrow("kill -STOP " + pid, "kill -STOP " + pid);
        return "agent PID " + pid + " stopped (SIGSTOP) for " + duration.toMillis() + " ms";
    }

    @Override
    public Optional<Duration> holdFor() {
        return Optional.of(duration);
    }

    @Override
    public synchronized Optional<RestoreStep> undo() {
        if (pid < 0 || continued) return Optional.empty();
        continued = true;
        var step = hook.step("agent PID " + pid + " continued (SIGCONT)", "kill -CONT " + pid);
        if (!step.ok() && !alive()) {
            // Not a failed restore: the cluster fenced the frozen node, which killed its agent.
            return Optional.of(RestoreStep.done("agent PID " + pid + " continued (SIGCONT)",
                    "PID " + pid + " is gone: the cluster fenced the node while it was frozen"));
        }
        return Optional.of(step);
    }

    private boolean alive() {
        try {
            return hook.run("kill -0 " + pid).ok();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<RestoreStep> restore() {
        var steps = new java.util.ArrayList<RestoreStep>();
        undo().ifPresent(steps::add);
        if (pid >= 0 && restart.isPresent()) {
            // A second agent beside a living one would be two nodes with one name: restart only a dead one.
            steps.add(alive() ? RestoreStep.done("agent restarted", "not needed: PID " + pid + " still runs")
                    : hook.step("agent restarted (it was fenced)", restart.get()));
        }
        return steps;
    }
}
