package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.model.FenceDelay;
import dev.vigil.model.FenceDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code fencing:}: fence devices, each an agent found by command name (never a path: the
 * cluster file is distributed, and must not make every node run an arbitrary file), its
 * parameters, and which plug each node is on.
 */
final class FencingSection extends SectionReader {

    private static final List<String> FENCE_KEYS = List.of("id", "agent", "params", "host_map", "timeout",
            "delay_base", "delay_max");
    private static final Pattern FENCE_AGENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");

    FencingSection(SectionReader shared) {
        super(shared);
    }

    /** The {@code fencing:} section: the devices, each valid one kept. */
    List<FenceDevice> read(Entry entry, Optional<? extends Set<String>> knownNodes) {
        Optional<ListNode> list = list(entry.value(), "fencing",
                "a list of fence devices such as - {id: ipmi1, agent: fence_ipmilan, params: {ip: 10.0.0.201}}");
        if (list.isEmpty()) {
            return List.of();
        }
        Map<String, Pos> ids = new HashMap<>();
        var devices = new ArrayList<FenceDevice>();
        for (Node item : list.get().items()) {
            Optional<MapNode> fm = map(item, "a fence device",
                    "a map such as {id: ipmi1, agent: fence_ipmilan, params: {ip: 10.0.0.201}}");
            if (fm.isEmpty()) {
                continue;
            }
            checkKeys(fm.get(), "a fence device", FENCE_KEYS);
            int before = errors.size();
            Optional<String> id = required(fm.get(), "id", "a fence device", "a unique name, e.g. id: ipmi1")
                    .flatMap(e -> name(e.value(), "fence device id", NAME).flatMap(text -> {
                        Pos first = ids.putIfAbsent(text, e.value().pos());
                        if (first != null) {
                            error(e.value().pos(), "duplicate fence device id `" + text
                                    + "` (already used at line " + first.line() + "); device ids must be unique");
                            return Optional.empty();
                        }
                        return Optional.of(text);
                    }));
            Optional<String> agent = required(fm.get(), "agent", "a fence device",
                    "the fence agent's command name, e.g. agent: fence_ipmilan").flatMap(e -> fenceAgent(e.value()));
            Map<String, String> params = fm.get().entry("params")
                    .map(e -> params(e.value(), "params", FENCE_PARAM_NAME))
                    .orElse(Optional.of(Map.of())).orElse(Map.of());
            Map<String, String> hostMap = fm.get().entry("host_map").map(e -> hostMap(e.value(), knownNodes))
                    .orElse(Optional.of(Map.of())).orElse(Map.of());
            Duration timeout = fm.get().entry("timeout").map(e -> positiveDuration(e.value(), "timeout"))
                    .orElse(Optional.of(FenceDevice.DEFAULT_TIMEOUT)).orElse(Duration.ZERO);
            FenceDelay delay = delay(fm.get(), knownNodes);
            if (errors.size() != before) {
                continue;
            }
            try {
                devices.add(new FenceDevice(id.get(), agent.get(), params, hostMap, timeout, delay));
            } catch (IllegalArgumentException e) {
                error(fm.get().pos(), "fence device `" + id.get() + "` is not valid: " + e.getMessage());
            }
        }
        return devices;
    }

    /**
     * {@code delay_base} (a duration, or node → duration as Pacemaker's "node1:1s;node2:5s") and
     * {@code delay_max}; see {@link FenceDelay} for the rule. A max below a base is refused
     * (Pacemaker would quietly lower the base to it).
     */
    private FenceDelay delay(MapNode device, Optional<? extends Set<String>> knownNodes) {
        int before = errors.size();
        Duration base = Duration.ZERO;
        var perNode = new LinkedHashMap<String, Duration>();
        var perNodePos = new HashMap<String, Pos>();
        Optional<Entry> baseEntry = device.entry("delay_base");
        if (baseEntry.isPresent() && baseEntry.get().value() instanceof MapNode m) {
            for (Entry e : m.entries()) {
                if (knownNodes.isPresent() && !knownNodes.get().contains(e.key())) {
                    error(e.keyPos(), "unknown node `" + e.key() + "` in delay_base; " + known("nodes", knownNodes.get()));
                    continue;
                }
                duration(e.value(), "the delay_base of " + e.key()).ifPresent(d -> {
                    perNode.put(e.key(), d);
                    perNodePos.put(e.key(), e.value().pos());
                });
            }
        } else if (baseEntry.isPresent()) {
            base = duration(baseEntry.get().value(), "delay_base").orElse(Duration.ZERO);
        }
        Optional<Entry> maxEntry = device.entry("delay_max");
        Duration max = maxEntry.flatMap(e -> duration(e.value(), "delay_max")).orElse(Duration.ZERO);
        if (maxEntry.isPresent() && !max.isZero()) {
            Pos at = maxEntry.get().value().pos();
            if (max.compareTo(base) < 0) {
                error(at, "delay_max (" + FenceDelay.words(max) + ") is below delay_base (" + FenceDelay.words(base)
                        + "); the delay is delay_base plus a random part that keeps the sum below delay_max");
            }
            perNode.forEach((n, d) -> {
                if (max.compareTo(d) < 0) {
                    error(at, "delay_max (" + FenceDelay.words(max) + ") is below the delay_base of " + n + " ("
                            + FenceDelay.words(d) + ", line " + perNodePos.get(n).line() + ")");
                }
            });
        }
        return errors.size() == before ? new FenceDelay(base, perNode, max) : FenceDelay.NONE;
    }

    private Optional<String> fenceAgent(Node v) {
        Optional<String> s = string(v, "agent", "a fence agent's command name such as fence_ipmilan");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        if (s.get().startsWith("/")) {
            // FenceRunner looks agents up on its search path only, so that the cluster file
            // (which the cluster distributes) cannot make every node run an arbitrary file.
            error(v.pos(), "agent must be a command name such as fence_ipmilan, not a path: `" + s.get()
                    + "`; install the agent in /usr/sbin or Vigil's fence agent directory");
            return Optional.empty();
        }
        if (!FENCE_AGENT.matcher(s.get()).matches()) {
            error(v.pos(), "agent `" + s.get() + "` is not a command name; use letters, digits, '_', '.', '+' "
                    + "and '-', e.g. fence_ipmilan");
            return Optional.empty();
        }
        return s;
    }

    private Optional<Map<String, String>> hostMap(Node v, Optional<? extends Set<String>> knownNodes) {
        Optional<MapNode> hm = map(v, "host_map", "a map of node names to plugs such as {ha1: \"1\", ha2: \"2\"}");
        if (hm.isEmpty()) {
            return Optional.empty();
        }
        int before = errors.size();
        var map = new LinkedHashMap<String, String>();
        for (Entry e : hm.get().entries()) {
            if (knownNodes.isPresent() && !knownNodes.get().contains(e.key())) {
                error(e.keyPos(), "unknown node `" + e.key() + "` in host_map; "
                        + known("nodes", knownNodes.get()));
                continue;
            }
            Optional<String> plug = string(e.value(), "the plug of " + e.key(), "a plug name or number such as 1");
            if (plug.isPresent() && (plug.get().isEmpty() || plug.get().indexOf('\n') >= 0
                    || plug.get().indexOf('\r') >= 0 || plug.get().indexOf('\0') >= 0)) {
                error(e.value().pos(), "the plug of " + e.key() + " must be a non-empty single line");
                continue;
            }
            plug.ifPresent(p -> map.putIfAbsent(e.key(), p));
        }
        return errors.size() == before ? Optional.of(map) : Optional.empty();
    }
}
