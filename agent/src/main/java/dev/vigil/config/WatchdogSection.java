package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code watchdog: {device: /dev/watchdog, timeout: 10s}}: the device (one path, or node → path)
 * and its timeout. What the cluster may assume of a lost node follows from the timeout, so it is
 * required.
 */
final class WatchdogSection extends SectionReader {

    private static final List<String> KEYS = List.of("device", "timeout");
    /** Linux watchdog drivers take whole seconds; softdog allows 1..65535. */
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(65535);

    WatchdogSection(SectionReader shared) {
        super(shared);
    }

    Optional<WatchdogSpec> read(Entry entry, Optional<? extends Set<String>> knownNodes) {
        Optional<MapNode> m = map(entry.value(), "watchdog", "a map such as {device: /dev/watchdog, timeout: 10s}");
        if (m.isEmpty()) {
            return Optional.empty();
        }
        checkKeys(m.get(), "watchdog", KEYS);
        int before = errors.size();
        String device = WatchdogSpec.DEFAULT_DEVICE;
        var byNode = new LinkedHashMap<String, String>();
        Optional<Entry> dev = m.get().entry("device");
        if (dev.isPresent() && dev.get().value() instanceof MapNode dm) {
            for (Entry e : dm.entries()) {
                if (knownNodes.isPresent() && !knownNodes.get().contains(e.key())) {
                    error(e.keyPos(), "unknown node `" + e.key() + "` in watchdog device; " + known("nodes", knownNodes.get()));
                    continue;
                }
                devicePath(e.value(), "the watchdog device of " + e.key()).ifPresent(p -> byNode.put(e.key(), p));
            }
        } else if (dev.isPresent()) {
            device = devicePath(dev.get().value(), "watchdog device").orElse(device);
        }
        Optional<Entry> t = required(m.get(), "timeout", "watchdog",
                "the device's timeout, e.g. timeout: 10s (the driver's own timeout must be the same)");
        Optional<Duration> timeout = t.flatMap(e -> positiveDuration(e.value(), "watchdog timeout"));
        if (timeout.isPresent()) {
            Duration d = timeout.get();
            if (d.toNanos() % 1_000_000_000L != 0 || d.compareTo(MAX_TIMEOUT) > 0) {
                error(t.get().value().pos(), "watchdog timeout must be a whole number of seconds from 1s to 65535s "
                        + "(what Linux watchdog drivers accept), got " + Durations.format(d));
            }
        }
        if (errors.size() != before || timeout.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new WatchdogSpec(device, byNode, timeout.get()));
    }

    private Optional<String> devicePath(Node v, String what) {
        Optional<String> s = string(v, what, "an absolute path such as /dev/watchdog");
        if (s.isPresent() && (!s.get().startsWith("/") || s.get().indexOf('\0') >= 0 || s.get().indexOf('\n') >= 0)) {
            error(v.pos(), what + " must be an absolute path such as /dev/watchdog, got `" + s.get() + "`");
            return Optional.empty();
        }
        return s;
    }
}
