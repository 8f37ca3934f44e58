package dev.vigil.playbook.steps;

import dev.vigil.config.Durations;
import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code wait}: waits until a TCP port accepts connections ({@code tcp: host:port}), a URL answers
 * with a success ({@code http:}, any status below 400) or a command exits 0 ({@code command:}),
 * trying every {@code interval} (default 1s, at least 100ms) and failing after {@code timeout}
 * (default 60s) with the last error. The tries run in one bash loop on the host — bash's
 * {@code /dev/tcp}, curl or wget, {@code timeout} — so the whole wait is one command there, and
 * the check is made from the host, not from the machine running the playbook. A plan does not
 * wait: it reports ok.
 */
final class WaitStep implements Step {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** host:port, the host a name, an IPv4 address or a bracketed IPv6 address. */
    static final Pattern TCP = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):([0-9]{1,5})");
    /** Time for the host's shell to start and report beyond the wait itself. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        Duration timeout = duration(p, "timeout", DEFAULT_TIMEOUT);
        Duration interval = duration(p, "interval", DEFAULT_INTERVAL);
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new Failure("`interval` must be at least 100ms, got '" + p.get("interval") + "'");
        }
        String what;
        String check;
        if (p.containsKey("tcp")) {
            var m = TCP.matcher(p.get("tcp"));
            int port = m.matches() ? Integer.parseInt(m.group(2)) : 0;
            if (port < 1 || port > 65535) throw new Failure("`tcp` must be host:port, got '" + p.get("tcp") + "'");
            String h = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            what = "port " + p.get("tcp");
            // A connection through bash's /dev/tcp in a child bash that timeout(1) can kill.
            check = "timeout \"$left\" bash -c " + Shell.quote("exec 3<>" + Shell.quote("/dev/tcp/" + h + "/" + port));
        } else if (p.containsKey("http")) {
            String url = p.get("http");
            if (!url.matches("https?://[^\\s'\"]+")) throw new Failure("`http` must be an http:// or https:// URL, got '" + url + "'");
            what = url;
            String u = Shell.quote(url);
            check = "if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null --max-time \"$left\" " + u
                    + "; elif command -v wget >/dev/null 2>&1; then wget -q -O /dev/null -T \"$left\" " + u
                    + "; else echo 'neither curl nor wget is installed'; exit 3; fi";
        } else if (p.containsKey("command")) {
            String c = p.get("command");
            if (c.isBlank()) throw new Failure("`command` is empty");
            what = "`" + c + "`";
            check = "timeout \"$left\" /bin/sh -c " + Shell.quote(c);
        } else {
            throw new Failure("`wait` needs one of `tcp`, `http` and `command`");
        }
        if (!apply) return Outcome.ok("not waited for in a plan: " + what);
        var r = host.shell("bash -c " + Shell.quote(loop(check, timeout, interval)) + " 2>&1", timeout.plus(SLACK));
        if (r.timedOut()) throw new Failure(what + " did not succeed within " + Durations.format(timeout));
        if (r.exitCode() == 0) return new Outcome(false, what + " answered", "");
        if (r.exitCode() == 3 && r.output().contains("neither curl nor wget")) throw new Failure("neither curl nor wget is installed on " + host.name());
        String out = r.output().strip();
        throw new Failure(what + " did not succeed within " + Durations.format(timeout)
                + (out.isEmpty() ? "" : "; last error: " + CommandStep.tail(out).substring(2)));
    }

    /**
     * The loop: a try bounded by the time left, then a sleep of {@code interval}, until the
     * deadline; bash's EPOCHREALTIME keeps time without a fork. Exit 0 on success, 1 with the
     * last try's output when the time is up.
     */
    static String loop(String check, Duration timeout, Duration interval) {
        long deadlineMicros = timeout.toNanos() / 1000;
        String sleep = String.format("%d.%03d", interval.toMillis() / 1000, interval.toMillis() % 1000);
        return "tick() { local t=${EPOCHREALTIME/[.,]/}; now=$((10#$t)); }\n"
                + "tick; end=$(( now + " + deadlineMicros + " ))\n"
                + "last=''\n"
                + "while :; do\n"
                + "  tick; left=$(( (end - now + 999999) / 1000000 )); [ \"$left\" -lt 1 ] && left=1\n"
                + "  out=$( { " + check + "; } 2>&1 ); rc=$?; [ \"$rc\" -eq 0 ] && exit 0\n"
                + "  [ \"$rc\" -eq 124 ] && out=\"no answer within ${left}s\"\n"
                + "  [ \"$rc\" -eq 3 ] && case $out in 'neither curl nor wget'*) echo \"$out\"; exit 3;; esac\n"
                + "  last=${out:-exit code $rc}\n"
                + "  tick; [ $(( now + " + interval.toNanos() / 1000 + " )) -ge \"$end\" ] && break\n"
                + "  sleep " + sleep + "\n"
                + "done\n"
                + "printf '%s\\n' \"$last\"; exit 1\n";
    }

    private static Duration duration(Map<String, String> p, String key, Duration def) throws Failure {
        if (!p.containsKey(key)) return def;
        return Durations.parse(p.get(key)).filter(d -> !d.isZero() && !d.isNegative())
                .orElseThrow(() -> new Failure("`" + key + "` must be a duration such as 30s, got '" + p.get(key) + "'"));
    }
}
