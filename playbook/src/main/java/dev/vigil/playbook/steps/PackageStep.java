package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code package}: packages installed ({@code state: present}, the default) or removed
 * ({@code absent}) with the host's package manager — apt (dpkg-query, apt-get) or dnf (rpm, dnf;
 * yum when dnf is missing) — detected on the host. One command asks the state of every named
 * package; one more installs or removes only those that need it.
 */
final class PackageStep implements Step {
    /** Package names as apt and rpm spell them (an apt architecture suffix such as {@code :amd64} allowed). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+._~-]*(:[a-z0-9]+)?");

    /** The package manager found on the host. */
    enum Manager { APT, DNF }

    @Override
    public Outcome run(Host host, Map<String, String> p, boolean apply, Context ctx) throws Failure, IOException {
        List<String> names = names(p.get("name"));
        boolean present = !"absent".equals(p.getOrDefault("state", "present"));
        Duration timeout = ctx.timeout();
        var q = Shell.run(host, query(names), timeout, "querying the package manager");
        Manager manager = null;
        Set<String> installed = new HashSet<>();
        for (String line : q.output().split("\n")) {
            if (line.equals("manager=apt")) manager = Manager.APT;
            else if (line.equals("manager=dnf")) manager = Manager.DNF;
            else if (line.equals("manager=none")) {
                throw new Failure("no package manager found on " + host.name() + " (apt: dpkg-query and apt-get, or dnf/yum and rpm)");
            } else if (manager == Manager.APT) {
                // binary:Package <tab> Package <tab> db:Status-Status; "installed" is the only installed state
                String[] f = line.split("\t");
                if (f.length == 3 && f[2].equals("installed")) {
                    installed.add(f[0]);
                    installed.add(f[1]);
                }
            } else if (manager == Manager.DNF && line.startsWith("installed ")) {
                installed.add(line.substring("installed ".length()).strip());
            }
        }
        if (manager == null) throw new Failure("could not tell the package manager of " + host.name() + CommandStep.tail(q.output()));
        var todo = new ArrayList<String>();
        for (String n : names) if (installed.contains(n) != present) todo.add(n);
        if (todo.isEmpty()) {
            return Outcome.ok((present ? "installed: " : "not installed: ") + String.join(", ", names));
        }
        String verb = present ? "install" : "remove";
        if (!apply) return new Outcome(true, "would " + verb + ": " + String.join(", ", todo), "");
        Shell.run(host, change(manager, present, todo, timeout), timeout, (manager == Manager.APT ? "apt-get " : "dnf ") + verb);
        return new Outcome(true, (present ? "installed: " : "removed: ") + String.join(", ", todo), "");
    }

    /** The names of {@code name:}, separated by blanks or commas, each checked (they go into a command line). */
    static List<String> names(String text) throws Failure {
        var out = new LinkedHashSet<String>();
        for (String n : (text == null ? "" : text).split("[\\s,]+")) {
            if (n.isEmpty()) continue;
            if (!NAME.matcher(n).matches()) throw new Failure("`name`: '" + n + "' is not a package name");
            out.add(n);
        }
        if (out.isEmpty()) throw new Failure("`name` names no package");
        return List.copyOf(out);
    }

    /** One command: which manager, then the installed state of every name. */
    static String query(List<String> names) {
        String quoted = String.join(" ", names.stream().map(Shell::quote).toList());
        return "if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then "
                + "echo manager=apt; dpkg-query -W -f='${binary:Package}\\t${Package}\\t${db:Status-Status}\\n' "
                + quoted + " 2>/dev/null; "
                + "elif command -v rpm >/dev/null 2>&1 && { command -v dnf || command -v yum; } >/dev/null 2>&1; then "
                + "echo manager=dnf; rpm -q --qf 'installed %{NAME}\\n' " + quoted + " 2>/dev/null; "
                + "else echo manager=none; fi; exit 0";
    }

    /** The install or remove command; apt waits for the dpkg lock at most about the step's timeout. */
    static String change(Manager m, boolean install, List<String> names, Duration timeout) {
        String quoted = String.join(" ", names.stream().map(Shell::quote).toList());
        if (m == Manager.APT) {
            long lock = Math.max(1, Shell.seconds(timeout) - 5);
            return "DEBIAN_FRONTEND=noninteractive apt-get " + (install ? "install -y --no-install-recommends" : "remove -y")
                    + " -o DPkg::Lock::Timeout=" + lock + " " + quoted + " 2>&1";
        }
        return "if command -v dnf >/dev/null 2>&1; then d=dnf; else d=yum; fi; $d -y "
                + (install ? "install " : "remove ") + quoted + " 2>&1";
    }
}
