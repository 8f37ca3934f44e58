package dev.vigil.playbook.steps;

import dev.vigil.playbook.host.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the engine learns about a host at the start of a run, with one {@code /bin/sh} command
 * (starting processes is slow on small machines and over SSH, so everything but {@code ip} is
 * read with shell built-ins). Templates and {@code when:} conditions name them with a
 * {@code facts.} prefix, so that they never collide with a playbook's variables:
 *
 * <ul>
 * <li>{@code facts.os_family}: debian, redhat, suse, arch, alpine, or the os-release {@code ID} itself</li>
 * <li>{@code facts.os_id}, {@code facts.os_version}: os-release's {@code ID} and {@code VERSION_ID}</li>
 * <li>{@code facts.hostname}</li>
 * <li>{@code facts.memory_mb}: MemTotal of /proc/meminfo, in MiB</li>
 * <li>{@code facts.init}: systemd when /run/systemd/system exists, else sysv</li>
 * <li>{@code facts.vigil_unit}: yes when Vigil's package (or the admin) installed {@code vigil-agent.service}
 *     in /lib, /usr/lib or /etc/systemd/system, else no: the new-cluster recipe starts the agent through
 *     that unit where there is one, in the background where Vigil runs from a copy of the distribution</li>
 * <li>{@code facts.interfaces}: the interface names, space separated</li>
 * <li>{@code facts.addresses}: every address of every interface, without prefix length, space separated</li>
 * <li>{@code facts.ipv4.IFACE}, {@code facts.ipv6.IFACE}: that interface's addresses, space separated</li>
 * </ul>
 */
public final class Facts {
    public static final String PREFIX = "facts.";
    /** The facts every host has; {@code facts.ipv4.*} and {@code facts.ipv6.*} depend on its interfaces. */
    public static final Set<String> NAMES = Set.of("facts.os_family", "facts.os_id", "facts.os_version", "facts.hostname",
            "facts.memory_mb", "facts.init", "facts.vigil_unit", "facts.interfaces", "facts.addresses");
    /** Facts whose value is a space-separated list (the right side of {@code in}). */
    public static final Set<String> LISTS = Set.of("facts.interfaces", "facts.addresses");
    /** Gathering runs once per host; a host that cannot answer this quickly is not in a state to be configured. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One shell: sections marked {@code @name}; only {@code ip} is a process of its own. */
    public static final String COMMAND = String.join("; ",
            "echo @os-release",
            "[ -r /etc/os-release ] && while IFS= read -r l || [ -n \"$l\" ]; do echo \"$l\"; done < /etc/os-release",
            "echo @hostname",
            "read -r h < /proc/sys/kernel/hostname && echo \"$h\"",
            "echo @meminfo",
            "while read -r k v u; do [ \"$k\" = MemTotal: ] && echo \"$v\"; done < /proc/meminfo",
            "echo @init",
            "if [ -d /run/systemd/system ]; then echo systemd; else echo sysv; fi",
            "echo @vigil-unit",
            "u=no; for d in /etc/systemd/system /lib/systemd/system /usr/lib/systemd/system; do "
                    + "[ -e $d/vigil-agent.service ] && u=yes; done; echo $u",
            "echo @addr",
            "ip -o addr show || echo '@ip-failed'",
            "echo @end");

    private Facts() {}

    /** Whether {@code name} is a fact a playbook may use (the per-interface ones for any interface name). */
    public static boolean isFact(String name) {
        return NAMES.contains(name)
                || (name.startsWith("facts.ipv4.") || name.startsWith("facts.ipv6.")) && name.length() > "facts.ipv4.".length();
    }

    /** Gathers the host's facts; an exception says why they could not be (the host then fails). */
    public static Map<String, String> gather(Host host, Duration timeout) throws IOException, Step.Failure {
        var r = host.shell(COMMAND, timeout);
        if (r.timedOut()) throw new Step.Failure("gathering facts did not finish within " + dev.vigil.config.Durations.format(timeout));
        return parse(r.output());
    }

    /** Parses the output of {@link #COMMAND}; public for tests and for hosts that gather otherwise. */
    public static Map<String, String> parse(String output) throws Step.Failure {
        var sections = new LinkedHashMap<String, List<String>>();
        List<String> current = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("@") && line.matches("@[a-z-]+")) {
                current = new ArrayList<>();
                sections.put(line.substring(1), current);
            } else if (current != null) {
                current.add(line);
            }
        }
        if (!sections.containsKey("end")) {
            throw new Step.Failure("gathering facts: the command's output was cut short: " + CommandStep.tail(output));
        }
        var facts = new TreeMap<String, String>();
        var os = new TreeMap<String, String>();
        for (String l : sections.getOrDefault("os-release", List.of())) {
            int eq = l.indexOf('=');
            if (eq > 0) os.put(l.substring(0, eq).trim(), unquote(l.substring(eq + 1).trim()));
        }
        if (!os.containsKey("ID")) throw new Step.Failure("gathering facts: /etc/os-release is missing or names no ID");
        facts.put("facts.os_id", os.get("ID"));
        facts.put("facts.os_family", family(os.get("ID"), os.getOrDefault("ID_LIKE", "")));
        facts.put("facts.os_version", os.getOrDefault("VERSION_ID", ""));

        String hostname = first(sections, "hostname").orElse("");
        if (hostname.isBlank()) throw new Step.Failure("gathering facts: cannot read /proc/sys/kernel/hostname");
        facts.put("facts.hostname", hostname.strip());

        String kb = first(sections, "meminfo").orElse("");
        if (!kb.matches("\\d+")) throw new Step.Failure("gathering facts: no MemTotal in /proc/meminfo");
        facts.put("facts.memory_mb", String.valueOf(Long.parseLong(kb) / 1024));

        facts.put("facts.init", first(sections, "init").orElse("sysv"));
        facts.put("facts.vigil_unit", first(sections, "vigil-unit").orElse("no"));

        var addr = sections.getOrDefault("addr", List.of());
        if (sections.containsKey("ip-failed")) throw new Step.Failure("gathering facts: `ip -o addr show` failed (is iproute2 installed?)");
        var v4 = new LinkedHashMap<String, List<String>>();
        var v6 = new LinkedHashMap<String, List<String>>();
        var interfaces = new ArrayList<String>();
        var all = new ArrayList<String>();
        for (String l : addr) {
            // "2: eth0    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0\       valid_lft forever ..."
            String[] f = l.trim().split("\\s+");
            if (f.length < 4 || !(f[2].equals("inet") || f[2].equals("inet6"))) continue;
            String iface = f[1].replaceAll("@.*$", "");
            String a = f[3].replaceAll("/\\d+$", "");
            if (!interfaces.contains(iface)) interfaces.add(iface);
            (f[2].equals("inet") ? v4 : v6).computeIfAbsent(iface, k -> new ArrayList<>()).add(a);
            all.add(a);
        }
        facts.put("facts.interfaces", String.join(" ", interfaces));
        facts.put("facts.addresses", String.join(" ", all));
        v4.forEach((i, l) -> facts.put("facts.ipv4." + i, String.join(" ", l)));
        v6.forEach((i, l) -> facts.put("facts.ipv6." + i, String.join(" ", l)));
        return facts;
    }

    /** Ansible's families: the distribution's own ID when it is a family's head, else the first ID_LIKE that is. */
    static String family(String id, String idLike) {
        var heads = Map.of("debian", "debian", "ubuntu", "debian", "rhel", "redhat", "fedora", "redhat",
                "centos", "redhat", "suse", "suse", "opensuse", "suse", "sles", "suse", "arch", "arch", "alpine", "alpine");
        if (heads.containsKey(id)) return heads.get(id);
        for (String like : idLike.split("\\s+")) {
            if (heads.containsKey(like)) return heads.get(like);
        }
        return id;
    }

    private static Optional<String> first(Map<String, List<String>> sections, String name) {
        return sections.getOrDefault(name, List.of()).stream().filter(s -> !s.isBlank()).findFirst();
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
