package dev.vigil.playbook;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.coordination.Suggest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a playbook's hosts are. {@code local} (this machine, no SSH) is always known. An inventory
 * file adds hosts reached over SSH:
 *
 * <pre>
 * hosts:
 *   ha1: {address: 10.0.0.1, ssh: {user: root, port: 22, key: /root/.ssh/id_ed25519, known_hosts: /root/.ssh/known_hosts}}
 * </pre>
 *
 * This release has no SSH client yet, so {@code check} refuses a playbook that runs on such a host.
 */
public final class Inventory {
    public static final String LOCAL = "local";
    static final List<String> HOST_KEYS = List.of("address", "ssh", "connection");
    static final List<String> SSH_KEYS = List.of("user", "port", "key", "known_hosts");

    /** @param local whether the host is this machine ({@code connection: local}) */
    public record HostEntry(String name, boolean local, String address) {}

    private final Map<String, HostEntry> hosts;

    private Inventory(Map<String, HostEntry> hosts) {
        this.hosts = hosts;
    }

    /** Only {@code local}. */
    public static Inventory localOnly() {
        var m = new LinkedHashMap<String, HostEntry>();
        m.put(LOCAL, new HostEntry(LOCAL, true, "127.0.0.1"));
        return new Inventory(m);
    }

    public record Result(Optional<Inventory> inventory, List<PlaybookError> errors) {}

    public static Result read(Path file) {
        var errors = new ArrayList<PlaybookError>();
        var y = new YamlFile(file, errors);
        var inv = localOnly().hosts;
        var root = y.read("inventory").flatMap(n -> y.map(n, "an inventory"));
        root.ifPresent(top -> {
            for (Entry e : top.entries()) {
                if (!e.key().equals("hosts")) y.unknownKey(e.keyPos(), "top-level key", e.key(), "", List.of("hosts"));
            }
            top.entry("hosts").flatMap(h -> y.map(h.value(), "`hosts`")).ifPresent(h -> {
                for (Entry host : h.entries()) {
                    if (!host.key().matches("[A-Za-z0-9_.-]{1,64}")) {
                        y.error(host.keyPos(), "host name `" + host.key() + "` must be letters, digits, '_', '.', '-'");
                        continue;
                    }
                    var m = y.map(host.value(), "host `" + host.key() + "`");
                    if (m.isEmpty()) continue;
                    entry(y, host.key(), m.get()).ifPresent(he -> inv.put(he.name(), he));
                }
            });
        });
        return new Result(errors.isEmpty() ? Optional.of(new Inventory(inv)) : Optional.empty(), errors);
    }

    private static Optional<HostEntry> entry(YamlFile y, String name, MapNode m) {
        for (Entry k : m.entries()) {
            if (!HOST_KEYS.contains(k.key())) y.unknownKey(k.keyPos(), "key", k.key(), " of host `" + name + "`", HOST_KEYS);
        }
        boolean local = false;
        var conn = m.entry("connection");
        if (conn.isPresent()) {
            var c = y.text(conn.get().value(), "`connection`");
            if (c.isPresent() && !c.get().equals("local") && !c.get().equals("ssh")) {
                y.error(conn.get().value().pos(), "`connection` must be ssh or local, got '" + c.get() + "'");
            }
            local = c.isPresent() && c.get().equals("local");
        }
        m.entry("ssh").flatMap(s -> y.map(s.value(), "`ssh`")).ifPresent(s -> {
            for (Entry k : s.entries()) {
                if (!SSH_KEYS.contains(k.key())) y.unknownKey(k.keyPos(), "key", k.key(), " in `ssh`", SSH_KEYS);
            }
        });
        String address = m.entry("address").flatMap(a -> y.text(a.value(), "`address`")).orElse(null);
        if (address == null && !local) {
            y.error(m.pos(), "host `" + name + "` needs an `address` (or `connection: local`)");
            return Optional.empty();
        }
        return Optional.of(new HostEntry(name, local, address));
    }

    public Optional<HostEntry> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    /** Why a playbook cannot run on {@code name} in this release, or empty when it can. */
    public Optional<String> problem(String name) {
        var h = hosts.get(name);
        if (h == null) {
            return Optional.of("unknown host `" + name + "`" + Suggest.didYouMean(name, hosts.keySet())
                    + " (known hosts: " + String.join(", ", hosts.keySet()) + "; others come from --inventory)");
        }
        if (!h.local()) {
            return Optional.of("host `" + name + "` is reached over SSH (" + h.address()
                    + "), and SSH hosts are not supported yet: this release runs playbooks on `local` only");
        }
        return Optional.empty();
    }
}
