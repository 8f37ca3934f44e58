package dev.vigil.coordination;

import dev.vigil.config.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attributes agents set with {@code crm_attribute} and {@code crm_master} (promotion scores,
 * redis' replication info), kept as Pacemaker keeps them:
 *
 * <ul>
 *   <li>transient node attributes ({@code -l reboot}, Pacemaker's status section): each node
 *       holds its own in memory and tells them in its report, so they are gone when it restarts
 *       or leaves the membership, as they are when a Pacemaker node reboots;
 *   <li>permanent node attributes ({@code -l forever}) and cluster properties
 *       ({@code --type crm_config}): replicated to every node through the reports, the newest
 *       write winning (its wall-clock stamp, then the writer's name), deletions kept as
 *       tombstones, and saved in the state directory so they survive restarts.
 * </ul>
 *
 * <p>Thread-safe: written from the control socket's threads, read by the coordination's.
 */
public final class NodeAttributes {
    private static final Logger LOG = LoggerFactory.getLogger(NodeAttributes.class);
    /** Pacemaker's two scopes: node attributes and cluster properties ({@code node} is "" for those). */
    public static final String NODES = "nodes";
    public static final String CRM_CONFIG = "crm_config";
    /** A bound on what one node keeps, so a looping agent cannot grow the gossip without end. */
    static final int MAX_ENTRIES = 256;

    /**
     * A permanent attribute or cluster property as replicated.
     *
     * @param value null once deleted (a tombstone, so an older write cannot bring it back)
     * @param stamp the writer's wall clock in ms
     */
    public record Permanent(String scope, String node, String name, String value, long stamp, String writer) {
        String key() {
            return scope + "\u0000" + node + "\u0000" + name;
        }

        boolean newerThan(Permanent o) {
            return stamp != o.stamp ? stamp > o.stamp : writer.compareTo(o.writer) > 0;
        }
    }

    private final String self;
    private final Optional<Path> file;
    private final Map<String, String> transientOwn = new TreeMap<>();
    private final Map<String, Permanent> permanent = new TreeMap<>();
    private final Runnable onChange;

    /** @param file where permanent attributes are kept; empty keeps them in memory only (tests) */
    public NodeAttributes(String self, Optional<Path> file, Runnable onChange) {
        this.self = self;
        this.file = file;
        this.onChange = onChange;
        file.ifPresent(this::load);
    }

    /** The outcome of a write: empty when done, else why not (crm_attribute's error message). */
    public synchronized Optional<String> set(String scope, String node, String name, String value, boolean forever,
                                             long nowMs) {
        if (!forever && !scope.equals(NODES)) {
            return Optional.of("cluster properties (--type crm_config) have no reboot lifetime");
        }
        if (!forever) {
            if (!node.equals(self)) {
                return Optional.of("a transient (-l reboot) attribute of " + node + " is set on " + node
                        + " itself; this is " + self);
            }
            if (value == null) {
                if (transientOwn.remove(name) == null) return Optional.empty();
            } else {
                if (!transientOwn.containsKey(name) && size() >= MAX_ENTRIES) {
                    return Optional.of("too many attributes (" + MAX_ENTRIES + ")");
                }
                if (value.equals(transientOwn.put(name, value))) return Optional.empty();
            }
        } else {
            var p = new Permanent(scope, scope.equals(NODES) ? node : "", name, value, nowMs, self);
            Permanent old = permanent.get(p.key());
            if (old == null && value == null) return Optional.empty();
            if (old == null && size() >= MAX_ENTRIES) {
                return Optional.of("too many attributes (" + MAX_ENTRIES + ")");
            }
            if (old != null && !p.newerThan(old)) {
                // A clock behind the last writer's: still newer, by one ms past it.
                p = new Permanent(p.scope(), p.node(), name, value, old.stamp() + 1, self);
            }
            permanent.put(p.key(), p);
            save();
        }
        onChange.run();
        return Optional.empty();
    }

    private int size() {
        return transientOwn.size() + permanent.size();
    }

    /**
     * A value: for a node attribute the transient one if set (it is the newer kind, as in
     * Pacemaker's status section), else the permanent one; {@code transientOf} holds every member's
     * transient attributes by node.
     */
    public synchronized Optional<String> get(String scope, String node, String name, Optional<Boolean> forever,
                                             Map<String, Map<String, String>> transientOf) {
        if (scope.equals(NODES) && forever.map(f -> !f).orElse(true)) {
            String t = node.equals(self) ? transientOwn.get(name) : transientOf.getOrDefault(node, Map.of()).get(name);
            if (t != null || forever.isPresent()) return Optional.ofNullable(t);
        }
        Permanent p = permanent.get(new Permanent(scope, scope.equals(NODES) ? node : "", name, null, 0, "").key());
        return p == null ? Optional.empty() : Optional.ofNullable(p.value());
    }

    public synchronized Map<String, String> transientOwn() {
        return Map.copyOf(transientOwn);
    }

    public synchronized List<Permanent> permanent() {
        return List.copyOf(permanent.values());
    }

    /** Takes what a peer knows; true when something changed here. */
    public synchronized boolean merge(Collection<Permanent> theirs) {
        boolean changed = false;
        for (Permanent p : theirs) {
            if (p == null || p.scope() == null || p.name() == null || p.writer() == null) continue;
            Permanent mine = permanent.get(p.key());
            if (mine == null ? permanent.size() < MAX_ENTRIES : p.newerThan(mine)) {
                permanent.put(p.key(), p);
                changed = true;
            }
        }
        if (changed) save();
        return changed;
    }

    /**
     * Node → attribute → value for the scheduler: the permanent node attributes of every node,
     * overlaid with the transient ones of the members ({@code transientOf}, this node's included).
     */
    public synchronized Map<String, Map<String, String>> view(Map<String, Map<String, String>> transientOf) {
        var result = new HashMap<String, Map<String, String>>();
        for (Permanent p : permanent.values()) {
            if (p.scope().equals(NODES) && p.value() != null) {
                result.computeIfAbsent(p.node(), k -> new TreeMap<>()).put(p.name(), p.value());
            }
        }
        transientOf.forEach((n, a) -> result.computeIfAbsent(n, k -> new TreeMap<>()).putAll(a));
        result.computeIfAbsent(self, k -> new TreeMap<>()).putAll(transientOwn);
        result.values().removeIf(Map::isEmpty);
        return result;
    }

    // ---- the state file: one permanent attribute per line, tab-separated, values escaped

    private void load(Path f) {
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] c = line.split("\t", -1);
                if (c.length != 6) continue;
                var p = new Permanent(unescape(c[0]), unescape(c[1]), unescape(c[2]),
                        c[3].equals("-") ? null : unescape(c[3].substring(1)), Long.parseLong(c[4]), unescape(c[5]));
                permanent.put(p.key(), p);
            }
        } catch (NoSuchFileException e) {
            // Nothing kept yet.
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the node attributes in {}: {}; starting without them", f, e.toString());
        }
    }

    private void save() {
        if (file.isEmpty()) return;
        var sb = new StringBuilder();
        for (Permanent p : permanent.values()) {
            sb.append(escape(p.scope())).append('\t').append(escape(p.node())).append('\t').append(escape(p.name()))
                    .append('\t').append(p.value() == null ? "-" : "=" + escape(p.value())).append('\t')
                    .append(p.stamp()).append('\t').append(escape(p.writer())).append('\n');
        }
        try {
            AtomicFile.write(file.get(), sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.error("cannot save the node attributes: {}", e.toString());
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String s) {
        var out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
