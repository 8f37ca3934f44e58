package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.config.LocatedYaml.Scalar;
import dev.vigil.model.ResourceAgentRef;
import dev.vigil.model.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code resources:}: each resource's id, agent, parameters, monitor, timeouts, failure
 * policy and clone flag. Also the id namespace that resources and groups share.
 */
final class ResourcesSection extends SectionReader {

    private static final List<String> RESOURCE_KEYS =
            List.of("id", "agent", "params", "monitor", "start_timeout", "stop_timeout", "on_fail", "clone",
                    "notify", "priority", "promotable", "promoted_max", "promoted_node_max");
    private static final List<String> MONITOR_KEYS = List.of("interval", "timeout");
    private static final List<String> ROLE_MONITOR_KEYS = List.of("interval", "timeout", "role");

    /** A resource id seen in the file, whether or not the rest of the resource was valid. */
    record Seen(Pos pos, boolean cloned) {}

    private final AlertsSection alertsSection;

    ResourcesSection(SectionReader shared) {
        super(shared);
        this.alertsSection = new AlertsSection(shared);
    }

    /**
     * The {@code resources:} section.
     *
     * @param ids         filled with every resource id seen, valid resource or not
     * @param onFailFence filled with the resources that chose {@code on_fail: fence}, for the
     *                    check that fencing is configured
     */
    List<ResourceSpec> read(Entry entry, Map<String, Seen> ids, Map<String, Pos> onFailFence) {
        Optional<ListNode> list = list(entry.value(), "resources",
                "a list of resources such as - {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}");
        if (list.isEmpty()) {
            return List.of();
        }
        var specs = new ArrayList<ResourceSpec>();
        for (Node item : list.get().items()) {
            Optional<MapNode> rm = map(item, "a resource",
                    "a map such as {id: vip, agent: ocf:vigil:IPaddr, params: {ip: 10.0.0.46}}");
            if (rm.isEmpty()) {
                continue;
            }
            resource(rm.get(), ids, onFailFence).ifPresent(specs::add);
        }
        return specs;
    }

    private Optional<ResourceSpec> resource(MapNode rm, Map<String, Seen> ids, Map<String, Pos> onFailFence) {
        checkKeys(rm, "a resource", RESOURCE_KEYS);
        int before = errors.size();
        boolean promotable = rm.entry("promotable").map(e -> bool(e.value(), "promotable"))
                .orElse(Optional.of(false)).orElse(false);
        // A promotable resource is a clone (Pacemaker's promotable clone), whether or not clone: is written.
        boolean cloned = promotable || rm.entry("clone").map(e -> bool(e.value(), "clone")).orElse(Optional.of(false))
                .orElse(false);
        Optional<String> id = required(rm, "id", "a resource", "a unique name, e.g. id: vip")
                .flatMap(e -> uniqueId(e.value(), "resource id", ids, cloned));
        Optional<ResourceAgentRef> agent = required(rm, "agent", "a resource",
                "the script that manages it, e.g. agent: ocf:vigil:IPaddr, lsb:apache2 or systemd:haproxy")
                .flatMap(e -> agentRef(e.value()));
        Map<String, String> params = rm.entry("params").map(e -> params(e.value(), "params", PARAM_NAME))
                .orElse(Optional.of(Map.of())).orElse(Map.of());
        var roleMonitors = new ArrayList<ResourceSpec.RoleMonitor>();
        Optional<ResourceSpec.MonitorSpec> monitor = rm.entry("monitor")
                .flatMap(e -> e.value() instanceof ListNode l ? monitors(l, promotable, roleMonitors) : monitor(e.value()));
        Duration start = rm.entry("start_timeout").map(e -> positiveDuration(e.value(), "start_timeout"))
                .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT)).orElse(Duration.ZERO);
        Duration stop = rm.entry("stop_timeout").map(e -> positiveDuration(e.value(), "stop_timeout"))
                .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT)).orElse(Duration.ZERO);
        OnFail onFail = OnFail.RESTART;
        Optional<Entry> onFailEntry = rm.entry("on_fail");
        if (onFailEntry.isPresent()) {
            Node v = onFailEntry.get().value();
            Optional<OnFail> f = enumValue(v, "on_fail", OnFail.values(), OnFail::configName);
            onFail = f.orElse(OnFail.RESTART);
            if (f.isPresent() && f.get() == OnFail.FENCE && id.isPresent()) {
                onFailFence.put(id.get(), v.pos());
            }
        }
        // notify: true is a clone's notifications (Pacemaker's notify meta attribute); a command or
        // a map of commands is a floating IP's keepalived-style notify (docs/alerts.md).
        Optional<Entry> notifyEntry = rm.entry("notify");
        boolean notifyClone = notifyEntry.filter(e -> isBoolean(e.value())).flatMap(e -> bool(e.value(), "notify"))
                .orElse(false);
        if (notifyClone && !cloned) {
            error(notifyEntry.get().value().pos(), "notify: true is for clones (clone: true or promotable: true): "
                    + "their instances are told of each other's starts, stops, promotions and demotions");
        }
        Optional<NotifySpec> notify = notifyEntry.filter(e -> !isBoolean(e.value()))
                .flatMap(e -> agent.flatMap(a -> alertsSection.notify(e, a.type())));
        int priority = rm.entry("priority").flatMap(e -> priority(e.value())).orElse(0);
        Optional<ResourceSpec.Promotable> promotion = promotion(rm, promotable, roleMonitors);
        if (errors.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new ResourceSpec(id.get(), agent.get(), params, monitor, start, stop, onFail, cloned,
                notify, priority, promotion, notifyClone));
    }

    private static boolean isBoolean(Node v) {
        return v instanceof Scalar s && (s.token() == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE
                || s.token() == com.fasterxml.jackson.core.JsonToken.VALUE_FALSE);
    }

    /** promoted_max and promoted_node_max, which only a promotable resource may have. */
    private Optional<ResourceSpec.Promotable> promotion(MapNode rm, boolean promotable,
                                                        List<ResourceSpec.RoleMonitor> roleMonitors) {
        for (String key : List.of("promoted_max", "promoted_node_max")) {
            rm.entry(key).filter(e -> !promotable).ifPresent(e -> error(e.keyPos(), key
                    + " needs promotable: true (it is how many instances of a promotable clone are promoted)"));
        }
        if (!promotable) {
            return Optional.empty();
        }
        int max = rm.entry("promoted_max").flatMap(e -> intIn(e.value(), "promoted_max", 1, 1000,
                "an integer from 1 to 1000")).orElse(1);
        int nodeMax = rm.entry("promoted_node_max").flatMap(e -> intIn(e.value(), "promoted_node_max", 1, 1,
                "1: Vigil runs one instance of a clone per node")).orElse(1);
        return Optional.of(new ResourceSpec.Promotable(max, nodeMax, roleMonitors));
    }

    /**
     * {@code monitor:} as a list, Pacemaker's monitor operations per role: each with its own
     * interval (Pacemaker tells operations apart by name and interval, so two with one interval are
     * refused). The one without a role, if any, is the resource's monitor; the others go to
     * {@code roleMonitors}.
     */
    private Optional<ResourceSpec.MonitorSpec> monitors(ListNode list, boolean promotable,
                                                        List<ResourceSpec.RoleMonitor> roleMonitors) {
        Optional<ResourceSpec.MonitorSpec> plain = Optional.empty();
        var intervals = new HashMap<Duration, Pos>();
        for (Node item : list.items()) {
            Optional<MapNode> mm = map(item, "a monitor", "a map such as {interval: 10s, role: Promoted}");
            if (mm.isEmpty()) {
                continue;
            }
            checkKeys(mm.get(), "monitor", ROLE_MONITOR_KEYS);
            Optional<Entry> intervalEntry = required(mm.get(), "interval", "monitor", "how often to check, e.g. interval: 10s");
            Optional<Duration> interval = intervalEntry.flatMap(e -> positiveDuration(e.value(), "interval"));
            Optional<Duration> timeout = mm.get().entry("timeout").map(e -> positiveDuration(e.value(), "timeout"))
                    .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT));
            Optional<Role> role = Optional.empty();
            Optional<Entry> roleEntry = mm.get().entry("role");
            if (roleEntry.isPresent()) {
                role = string(roleEntry.get().value(), "role", "Promoted or Unpromoted").flatMap(t -> {
                    Optional<Role> r = Role.parse(t).filter(x -> x != Role.STARTED);
                    if (r.isEmpty()) {
                        error(roleEntry.get().value().pos(), "unknown monitor role `" + t + "`; valid roles: Promoted | Unpromoted");
                    }
                    return r;
                });
                if (!promotable) {
                    error(roleEntry.get().keyPos(), "a monitor's role needs promotable: true (only a promotable clone's"
                            + " instances have roles)");
                }
            }
            if (interval.isPresent()) {
                Pos first = intervals.putIfAbsent(interval.get(), intervalEntry.get().value().pos());
                if (first != null) {
                    error(intervalEntry.get().value().pos(), "two monitors with interval " + Durations.format(interval.get())
                            + " (the other at line " + first.line() + ", column " + first.column() + "); as in Pacemaker, "
                            + "each monitor of a resource needs its own interval, e.g. 10s for Promoted and 11s for Unpromoted");
                    continue;
                }
            }
            if (interval.isEmpty() || timeout.isEmpty()) {
                continue;
            }
            if (roleEntry.isEmpty()) {
                if (plain.isPresent()) {
                    error(item.pos(), "only one monitor may have no role; give the others role: Promoted or Unpromoted");
                }
                plain = Optional.of(new ResourceSpec.MonitorSpec(interval.get(), timeout.get()));
            } else if (role.isPresent()) {
                Role r = role.get();
                if (roleMonitors.stream().anyMatch(m -> m.role() == r)) {
                    error(roleEntry.get().value().pos(), "a second monitor for role " + role.get().configName()
                            + "; one monitor per role");
                } else {
                    roleMonitors.add(new ResourceSpec.RoleMonitor(role.get(), interval.get(), timeout.get()));
                }
            }
        }
        return plain;
    }

    /** Resource and group ids share one namespace: a constraint's target must name exactly one thing. */
    Optional<String> uniqueId(Node v, String what, Map<String, Seen> ids, boolean cloned) {
        Optional<String> id = name(v, what, NAME);
        if (id.isPresent()) {
            Seen first = ids.putIfAbsent(id.get(), new Seen(v.pos(), cloned));
            if (first != null) {
                error(v.pos(), "duplicate id `" + id.get() + "` (already used at line " + first.pos().line()
                        + "); resources and groups need ids unique among them all");
                return Optional.empty();
            }
        }
        return id;
    }

    private Optional<ResourceAgentRef> agentRef(Node v) {
        Optional<String> text = string(v, "agent",
                "a resource agent such as ocf:vigil:IPaddr, lsb:apache2, systemd:haproxy or heartbeat:IPaddr::10.0.0.1");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ResourceAgentRef.parse(text.get()));
        } catch (IllegalArgumentException e) {
            error(v.pos(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<ResourceSpec.MonitorSpec> monitor(Node v) {
        Optional<MapNode> mm = map(v, "monitor", "a map such as {interval: 5s, timeout: 20s}");
        if (mm.isEmpty()) {
            return Optional.empty();
        }
        checkKeys(mm.get(), "monitor", MONITOR_KEYS);
        Optional<Duration> interval = required(mm.get(), "interval", "monitor",
                "how often to check, e.g. interval: 5s").flatMap(e -> positiveDuration(e.value(), "interval"));
        Optional<Duration> timeout = mm.get().entry("timeout").map(e -> positiveDuration(e.value(), "timeout"))
                .orElse(Optional.of(ResourceSpec.DEFAULT_OPERATION_TIMEOUT));
        if (interval.isEmpty() || timeout.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResourceSpec.MonitorSpec(interval.get(), timeout.get()));
    }
}
