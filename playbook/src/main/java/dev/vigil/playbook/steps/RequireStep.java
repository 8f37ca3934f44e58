package dev.vigil.playbook.steps;

import dev.vigil.config.Durations;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code require}: a precondition of the host that the playbook cannot fix itself (Ansible's
 * {@code assert}), e.g. "Vigil is installed". The {@code command} runs in a plan too (it must only
 * read), so a plan already fails on a host that does not meet it, with the {@code message} (and
 * the command's output); the steps after it do not run there. Never a change.
 */
final class RequireStep implements Step {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String cmd = p.get("command");
        if (cmd.isBlank()) throw new Failure("`command` is empty");
        String message = p.getOrDefault("message", "`" + cmd + "` failed");
        Duration timeout = DEFAULT_TIMEOUT;
        if (p.containsKey("timeout")) {
            timeout = Durations.parse(p.get("timeout")).filter(d -> !d.isZero() && !d.isNegative())
                    .orElseThrow(() -> new Failure("`timeout` must be a duration such as 30s, got '" + p.get("timeout") + "'"));
        }
        if (ctx.timeout() != null && ctx.timeout().compareTo(timeout) < 0) timeout = ctx.timeout();
        var r = host.shell(cmd, timeout);
        if (r.timedOut()) throw new Failure(message + " (`" + cmd + "` did not answer within " + Durations.format(timeout) + ")");
        if (r.exitCode() != 0) throw new Failure(message + " (exit code " + r.exitCode() + CommandStep.tail(r.output()) + ")");
        return Outcome.ok("met: `" + cmd + "` exits 0");
    }
}
