package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import dev.vigil.model.ResourceAgentRef;
import java.time.Duration;
import java.util.ArrayList;
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
                    "notify", "priority");
    private static final List<String> MONITOR_KEYS = List.of("interval", "timeout");

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
        boolean cloned = rm.entry("clone").map(e -> bool(e.value(), "clone")).orElse(Optional.of(false))
                .orElse(false);
        Optional<String> id = required(rm, "id", "a resource", "a unique name, e.g. id: vip")
                .flatMap(e -> uniqueId(e.value(), "resource id", ids, cloned));
        Optional<ResourceAgentRef> agent = required(rm, "agent", "a resource",
                "the script that manages it, e.g. agent: ocf:vigil:IPaddr, lsb:apache2 or systemd:haproxy")
                .flatMap(e -> agentRef(e.value()));
        Map<String, String> params = rm.entry("params").map(e -> params(e.value(), "params", PARAM_NAME))
                .orElse(Optional.of(Map.of())).orElse(Map.of());
        Optional<ResourceSpec.MonitorSpec> monitor = rm.entry("monitor").flatMap(e -> monitor(e.value()));
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
        Optional<NotifySpec> notify = rm.entry("notify").flatMap(e -> agent.flatMap(a -> alertsSection.notify(e, a.type())));
        int priority = rm.entry("priority").flatMap(e -> priority(e.value())).orElse(0);
        if (errors.size() != before) {
            return Optional.empty();
        }
        return Optional.of(new ResourceSpec(id.get(), agent.get(), params, monitor, start, stop, onFail, cloned,
                notify, priority));
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
