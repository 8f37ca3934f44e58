package dev.vigil.playbook.steps;

import dev.vigil.config.Durations;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code command}: a command line for {@code /bin/sh -c}, never the first choice. It always
 * changes something unless a guard says it need not run: {@code creates} (a path that exists once
 * it has run) or {@code unless} (a query that exits 0 when it need not run). {@code unless} runs
 * in {@code plan} too, so it must only look, never change. The command's {@code timeout} (default
 * 60s) is cut to the step's {@code timeout:} when that is shorter.
 */
public final class CommandStep implements Step {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** How much of a command's output a report keeps. */
    public static final int REPORT_TAIL = 2048;

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String cmd = p.get("cmd");
        if (cmd.isBlank()) throw new Failure("`cmd` is empty");
        Duration timeout = DEFAULT_TIMEOUT;
        if (p.containsKey("timeout")) {
            timeout = Durations.parse(p.get("timeout")).filter(d -> !d.isZero() && !d.isNegative())
                    .orElseThrow(() -> new Failure("`timeout` must be a duration such as 30s, got '" + p.get("timeout") + "'"));
        }
        // Never beyond the step's own bound (its `timeout:`), which the engine enforces anyway.
        if (ctx.timeout() != null && ctx.timeout().compareTo(timeout) < 0) timeout = ctx.timeout();
        if (p.containsKey("creates")) {
            String creates = Step.path(p, "creates");
            if (host.kind(creates) != Host.Kind.MISSING) return Outcome.ok("skipped: " + creates + " exists");
        }
        if (p.containsKey("unless")) {
            var q = host.shell(p.get("unless"), timeout);
            if (q.timedOut()) throw new Failure("`unless` did not finish within " + Durations.format(timeout));
            if (q.exitCode() == 0) return Outcome.ok("skipped: `unless` succeeded");
        }
        if (!apply) return new Outcome(true, "would run: " + cmd, "");
        var r = host.shell(cmd, timeout);
        if (r.timedOut()) {
            throw new Failure("killed after " + Durations.format(timeout) + " (timeout)" + tail(r.output()));
        }
        if (r.exitCode() != 0) throw new Failure("exit code " + r.exitCode() + tail(r.output()));
        return new Outcome(true, "ran" + tail(r.output()), "");
    }

    static String tail(String output) {
        String o = output.strip();
        if (o.isEmpty()) return "";
        if (o.length() > REPORT_TAIL) o = "…" + o.substring(o.length() - REPORT_TAIL);
        return ": " + o;
    }
}
