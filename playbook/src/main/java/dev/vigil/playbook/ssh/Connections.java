package dev.vigil.playbook.ssh;

import dev.vigil.playbook.Inventory;
import dev.vigil.playbook.host.Host;
import dev.vigil.playbook.host.LocalHost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The hosts of one run, opened together: every SSH host of the play is connected in parallel
 * (at most {@link #PARALLEL} at a time), once, and each connection is reused by every step and
 * closed at the end. A host that cannot be reached becomes an {@link UnreachableHost}: the run
 * reports it failed with the reason and goes on with the others.
 */
public final class Connections implements AutoCloseable {
    public static final int PARALLEL = 16;

    private final Map<String, Host> hosts;

    private Connections(Map<String, Host> hosts) {
        this.hosts = hosts;
    }

    /** Opens {@code names} (hosts of {@code inventory}) with the user's home for default keys and known_hosts. */
    public static Connections open(Inventory inventory, List<String> names, boolean acceptNew) {
        Path home = Path.of(System.getProperty("user.home"));
        return open(inventory, names, e -> SshTarget.of(e, acceptNew, home));
    }

    /** @param target how to reach each non-local host (tests give their own timeouts) */
    public static Connections open(Inventory inventory, List<String> names, Function<Inventory.HostEntry, SshTarget> target) {
        var futures = new LinkedHashMap<String, Future<Host>>();
        var pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, names.size())), r -> {
            var t = new Thread(r, "ssh-connect");
            t.setDaemon(true);
            return t;
        });
        try {
            for (String n : names) {
                var e = inventory.host(n).orElseThrow(() -> new IllegalArgumentException("no host " + n + " in the inventory"));
                if (e.local()) {
                    futures.put(n, java.util.concurrent.CompletableFuture.completedFuture(new LocalHost(n)));
                } else {
                    var t = target.apply(e);
                    futures.put(n, pool.submit(() -> connect(t)));
                }
            }
            var out = new LinkedHashMap<String, Host>();
            for (var f : futures.entrySet()) {
                try {
                    out.put(f.getKey(), f.getValue().get());
                } catch (ExecutionException e) {
                    out.put(f.getKey(), new UnreachableHost(f.getKey(), f.getKey() + ": " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.put(f.getKey(), new UnreachableHost(f.getKey(), f.getKey() + ": interrupted while connecting"));
                }
            }
            return new Connections(out);
        } finally {
            pool.shutdown();
        }
    }

    private static Host connect(SshTarget t) {
        try {
            return SshConnect.connect(t);
        } catch (SshConnect.Unreachable e) {
            return new UnreachableHost(t.name(), e.getMessage());
        }
    }

    /** In the order asked for. */
    public Map<String, Host> hosts() {
        return java.util.Collections.unmodifiableMap(hosts);
    }

    /** The hosts that could not be reached, with why. */
    public Map<String, String> unreachable() {
        var m = new LinkedHashMap<String, String>();
        hosts.values().forEach(h -> {
            if (h instanceof UnreachableHost u) m.put(u.name(), u.reason());
        });
        return m;
    }

    @Override
    public void close() {
        var errors = new ArrayList<RuntimeException>();
        for (Host h : hosts.values()) {
            if (h instanceof SshHost s) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
        if (!errors.isEmpty()) throw errors.get(0);
    }
}
