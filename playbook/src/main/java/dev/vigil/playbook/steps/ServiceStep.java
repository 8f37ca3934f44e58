package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code service}: a service started, stopped, restarted or reloaded, and enabled or not at boot.
 * With systemd on the host ({@code /run/systemd/system} exists) through {@code systemctl}; else
 * through the LSB init script {@code /etc/init.d/NAME} (status/start/stop/restart/reload), and
 * "enabled" is an S link in {@code /etc/rc[2-5].d}, made and removed by {@code update-rc.d}.
 * One command asks the state, one more changes it. {@code restarted} and {@code reloaded} are
 * a change every time they are applied (as in Ansible); a handler is the usual way to restart
 * only when something changed.
 */
final class ServiceStep implements Step {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.@:-]*");

    /**
     * Where the step looks; only tests give other paths (this machine does not run systemd, and
     * its /etc/init.d is not a test's to change).
     *
     * @param systemdMarker exists when systemd is the init system
     * @param initDir       the LSB init scripts
     * @param rcRoot        the directory holding rc2.d .. rc5.d
     */
    record Layout(String systemdMarker, String initDir, String rcRoot) {
        static final Layout SYSTEM = new Layout("/run/systemd/system", "/etc/init.d", "/etc");
    }

    private final Layout layout;

    ServiceStep() {
        this(Layout.SYSTEM);
    }

    ServiceStep(Layout layout) {
        this.layout = layout;
    }

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        String name = p.get("name");
        if (name == null || !NAME.matcher(name).matches()) throw new Failure("`name` must be a service name, got '" + name + "'");
        String state = p.get("state");
        if (state != null && !List.of("started", "stopped", "restarted", "reloaded").contains(state)) {
            throw new Failure("`state` must be started, stopped, restarted or reloaded, got '" + state + "'");
        }
        Optional<Boolean> enabled = Optional.empty();
        if (p.containsKey("enabled")) {
            String e = p.get("enabled");
            if (!e.equals("true") && !e.equals("false")) throw new Failure("`enabled` must be true or false, got '" + e + "'");
            enabled = Optional.of(e.equals("true"));
        }
        if (state == null && enabled.isEmpty()) throw new Failure("`service` needs `state` or `enabled`");

        boolean systemd = host.kind(layout.systemdMarker()) == Host.Kind.DIRECTORY;
        // An LSB script's `status` is asked only when `state` is: it may be slow (RabbitMQ's boots an
        // Erlang VM to ask the broker), and `enabled` alone does not depend on it.
        boolean askStatus = state != null;
        Now now = systemd ? systemdState(host, name, ctx) : lsbState(host, name, ctx, askStatus);
        if (!now.exists()) {
            String where = systemd ? "no systemd unit " + name : "no init script " + layout.initDir() + "/" + name;
            if (apply) throw new Failure(where);
            return new Outcome(true, "would " + String.join(", ", wants(state, enabled).orElse(List.of("set it up")))
                    + " (" + where + " yet: a step before must install it)", "");
        }
        var actions = new ArrayList<String>();
        var commands = new ArrayList<String>();
        String q = Shell.quote(name);
        String note = "";
        if (enabled.isPresent() && enabled.get() != now.enabled() && now.fixed()) {
            // A static (or indirect, generated, transient) unit has no [Install] of its own: enable
            // and disable change nothing, so asking for either is not a change every run.
            note = " (" + name + " is " + now.enabledText() + ": enabled is not for it to change)";
        } else if (enabled.isPresent() && enabled.get() != now.enabled()) {
            actions.add(enabled.get() ? "enable" : "disable");
            if (systemd) commands.add("systemctl " + (enabled.get() ? "enable " : "disable ") + q);
            else commands.add("{ command -v update-rc.d >/dev/null 2>&1 || { echo 'update-rc.d not found: cannot "
                    + (enabled.get() ? "enable" : "disable") + " the service at boot'; exit 1; }; } && "
                    + (enabled.get() ? "update-rc.d " + q + " defaults && update-rc.d " + q + " enable" : "update-rc.d " + q + " disable"));
        }
        String verb = switch (state == null ? "" : state) {
            case "started" -> now.active() ? null : "start";
            case "stopped" -> now.active() ? "stop" : null;
            // Restarting a stopped service starts it; reloading one would fail, so it is started.
            case "restarted" -> "restart";
            case "reloaded" -> now.active() ? "reload" : "start";
            default -> null;
        };
        if (verb != null) {
            actions.add(verb);
            commands.add(systemd ? "systemctl " + verb + " " + q : Shell.quote(layout.initDir() + "/" + name) + " " + verb);
        }
        if (actions.isEmpty()) {
            return Outcome.ok((systemd || askStatus ? (now.active() ? "running, " : "stopped, ") : "")
                    + (now.enabled() ? "enabled" : "not enabled") + (systemd ? "" : " (LSB)") + note);
        }
        String what = String.join(", ", actions) + " " + name;
        if (!apply) return new Outcome(true, "would " + what + note, "");
        // One command; each part must succeed (update-rc.d and init scripts report failure by their exit code).
        Shell.run(host, "{ " + String.join(" && ", commands) + "; } 2>&1", ctx.timeout(), String.join(", ", actions));
        return new Outcome(true, String.join(", ", actions.stream().map(ServiceStep::past).toList()) + " " + name + note, "");
    }

    private static String past(String verb) {
        return verb.endsWith("e") ? verb + "d" : verb.equals("stop") ? "stopped" : verb + "ed";
    }

    private static Optional<List<String>> wants(String state, Optional<Boolean> enabled) {
        var out = new ArrayList<String>();
        enabled.ifPresent(e -> out.add(e ? "enable" : "disable"));
        if (state != null) out.add(switch (state) {
            case "started" -> "start";
            case "stopped" -> "stop";
            case "restarted" -> "restart";
            default -> "reload";
        });
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /**
     * What the service is now.
     *
     * @param enabledText what systemctl is-enabled said ("enabled", "static", ...); empty for LSB
     */
    record Now(boolean exists, boolean enabled, boolean active, String enabledText) {
        /** systemd units that enable and disable do not change. */
        boolean fixed() {
            return List.of("static", "indirect", "generated", "transient").contains(enabledText);
        }
    }

    /**
     * systemctl's documented exit codes: is-enabled 0 when enabled (also static, alias, indirect
     * ...), non-zero otherwise, printing "disabled", "masked" ... or, for an unknown unit,
     * "not-found" / "No such file"; is-active 0 when active, 3 (non-zero) when not.
     */
    private Now systemdState(Host host, String name, Context ctx) throws IOException, Failure {
        String q = Shell.quote(name);
        var r = host.shell("systemctl is-enabled " + q + " 2>&1; echo \"is-enabled=$?\"; systemctl is-active " + q
                + " 2>&1; echo \"is-active=$?\"", ctx.timeout());
        if (r.timedOut()) throw new Failure("systemctl did not answer within the step's timeout");
        String out = r.output();
        String enabledText = out.contains("is-enabled=") ? out.substring(0, out.indexOf("is-enabled=")).strip() : "";
        int enabledRc = code(out, "is-enabled=");
        int activeRc = code(out, "is-active=");
        if (enabledRc < 0 || activeRc < 0) throw new Failure("unexpected answer from systemctl" + CommandStep.tail(out));
        boolean missing = enabledRc != 0 && (enabledText.contains("not-found") || enabledText.contains("No such file"));
        String state = enabledText.isEmpty() ? "" : enabledText.lines().reduce((a, b) -> b).orElse("").strip();
        return new Now(!missing, enabledRc == 0, activeRc == 0, state);
    }

    private static int code(String out, String key) {
        int i = out.lastIndexOf(key);
        if (i < 0) return -1;
        String rest = out.substring(i + key.length()).strip().split("\\s+")[0];
        try {
            return Integer.parseInt(rest);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * LSB: the script's {@code status} exits 0 when running, 1 to 3 when not (dead with a pid
     * file, dead with a lock file, not running); 4 and others mean it cannot tell, a failure.
     * Without {@code askStatus} it is not run, and the service counts as not running.
     * Enabled when an S link for it is in one of the multi-user runlevels' directories.
     */
    private Now lsbState(Host host, String name, Context ctx, boolean askStatus) throws IOException, Failure {
        String script = layout.initDir() + "/" + name;
        if (host.kind(script) != Host.Kind.FILE) return new Now(false, false, false, "");
        String rc = layout.rcRoot();
        var r = host.shell((askStatus ? Shell.quote(script) + " status >/dev/null 2>&1; echo \"status=$?\"; " : "") + "for d in "
                + Shell.quote(rc) + "/rc2.d " + Shell.quote(rc) + "/rc3.d " + Shell.quote(rc) + "/rc4.d "
                + Shell.quote(rc) + "/rc5.d; do for l in \"$d\"/S[0-9][0-9]" + Shell.quote(name)
                + "; do [ -e \"$l\" ] && echo \"link=$l\"; done; done; exit 0", ctx.timeout());
        if (r.timedOut()) throw new Failure(script + " status did not finish within the step's timeout");
        int status = askStatus ? code(r.output(), "status=") : 3;
        if (status < 0 || status > 3) {
            throw new Failure(script + " status exited " + status + ": it cannot tell whether " + name + " runs");
        }
        return new Now(true, r.output().contains("link="), status == 0, "");
    }
}
