package dev.vigil.agent;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupSpec;
import dev.vigil.control.StatusReport;
import dev.vigil.coordination.CoordinationStatus;
import dev.vigil.coordination.Operation;
import dev.vigil.model.ResourceStatus;
import dev.vigil.model.FenceDevice;
import dev.vigil.model.Role;
import dev.vigil.scheduler.FencingPriority;
import dev.vigil.scheduler.NodeCondition;
import dev.vigil.scheduler.NodeInfo;
import dev.vigil.scheduler.PlannedAction;
import dev.vigil.scheduler.ResourceOnNode;
import dev.vigil.scheduler.SchedulerInput;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Turns the coordination's snapshot into the documented status shape. */
final class ResourceStatusReports {
    private ResourceStatusReports() {}

    /** The JSON word for an operation in flight: starting, stopping, probing, cleaning. */
    static String transition(Operation op) {
        return switch (op) {
            case START -> "starting";
            case STOP -> "stopping";
            case PROBE -> "probing";
            case PROMOTE -> "promoting";
            case DEMOTE -> "demoting";
            case NOTIFY -> "notifying";
            case CLEANUP -> "cleaning";
        };
    }

    static StatusReport.ResourcesReport of(ClusterConfig config, CoordinationStatus s) {
        return of(config, s, Map.of());
    }

    /** @param attributes node → attribute → value (the promotion scores agents set with crm_master) */
    static StatusReport.ResourcesReport of(ClusterConfig config, CoordinationStatus s,
                                           Map<String, Map<String, String>> attributes) {
        var rows = new ArrayList<StatusReport.ResourceRow>();
        for (var r : config.resources().resources()) {
            var running = new ArrayList<String>();
            var states = new LinkedHashMap<String, String>();
            var failures = new LinkedHashMap<String, Integer>();
            var lastOps = new LinkedHashMap<String, String>();
            var failedOps = new LinkedHashMap<String, String>();
            var failedAt = new LinkedHashMap<String, Long>();
            s.resourcesByNode().forEach((node, entries) -> {
                var e = entries.get(r.id());
                if (e == null) return;
                states.put(node, e.status().name().toLowerCase(Locale.ROOT));
                if (e.status().isStarted()) running.add(node);
                if (e.failCount() > 0) failures.put(node, e.failCount());
                if (!e.lastOperation().isEmpty()) lastOps.put(node, e.lastOperation());
                if (e.failCount() > 0 && !e.lastFailure().isEmpty()) {
                    failedOps.put(node, e.lastFailure());
                    failedAt.put(node, e.lastFailureMs());
                }
            });
            // What the coordinator dispatched and has not heard back about: crm_mon's Starting/Stopping.
            var transitions = new LinkedHashMap<String, String>();
            s.inFlight().stream().filter(a -> a.resource().equals(r.id()))
                    .forEach(a -> transitions.put(a.node(), transition(a.op())));
            Map<String, String> roles = null;
            Map<String, String> scores = null;
            if (r.isPromotable()) {
                roles = new LinkedHashMap<>();
                for (var e : states.entrySet()) {
                    if (e.getValue().equals("promoted")) roles.put(e.getKey(), Role.PROMOTED.configName());
                    else if (e.getValue().equals("started")) roles.put(e.getKey(), Role.UNPROMOTED.configName());
                }
                scores = new LinkedHashMap<>();
                for (var n : config.nodeNames()) {
                    var v = attributes.getOrDefault(n, Map.of()).get("master-" + r.id());
                    if (v != null) scores.put(n, v);
                }
            }
            rows.add(new StatusReport.ResourceRow(r.id(), r.agent().toString(),
                    config.resources().groupOf(r.id()).map(GroupSpec::id).orElse(null), r.cloned(), running, states,
                    failures, lastOps, failedOps, failedAt, transitions, s.admin().maintenance(),
                    !r.cloned() && running.size() > 1, roles, scores));
        }
        var constraints = s.admin().temporary().stream()
                .map(t -> t.kind().name().toLowerCase(Locale.ROOT) + " " + t.target() + (t.kind().name().equals("MOVE") ? " to " : " from ") + t.node())
                .toList();
        var pending = new ArrayList<String>();
        s.inFlight().forEach(a -> pending.add(a.id() + " (running)"));
        s.plan().actions().stream().map(PlannedAction::id).filter(id -> s.inFlight().stream().noneMatch(a -> a.id().equals(id)))
                .forEach(pending::add);
        return new StatusReport.ResourcesReport(s.coordinator(), s.quorum().quorate(), s.quorum().reason(),
                s.admin().maintenance(), List.copyOf(new TreeSet<>(s.admin().standby())), constraints, s.waitingFor(),
                pending, s.plan().notes(), List.copyOf(new TreeSet<>(s.lost())), List.copyOf(new TreeSet<>(s.fenced())),
                rows, s.admin().drillLock().filter(d -> d.leaseUntilMs() > System.currentTimeMillis())
                        .map(d -> new StatusReport.RunningDrill(d.runId(), d.drill(), d.runner(), d.fire(), d.sinceMs(), d.leaseUntilMs(), d.abortBy()))
                        .orElse(null), s.admin().fires(), fencing(config, s));
    }

    /**
     * The fence races' rules and what they say today: each device's delay, each node's priority
     * (by its latest report) and what fencing it would wait if it alone were lost now.
     */
    static StatusReport.FencingReport fencing(ClusterConfig config, CoordinationStatus s) {
        var res = config.resources();
        if (!res.fencingConfigured()) return null;
        var nodes = config.nodeNames().stream().map(n -> new NodeInfo(n, NodeCondition.ONLINE, false, true)).toList();
        var statuses = new HashMap<ResourceOnNode, ResourceStatus>();
        s.resourcesByNode().forEach((node, entries) ->
                entries.forEach((id, e) -> statuses.put(new ResourceOnNode(id, node), e.status())));
        var priority = FencingPriority.of(new SchedulerInput(res, nodes, true, statuses, Map.of(), s.admin(), Instant.EPOCH));
        var devices = res.fencing().stream().map(d -> {
            var byNode = new LinkedHashMap<String, Long>();
            d.delay().basePerNode().forEach((n, v) -> byNode.put(n, v.toMillis()));
            return new StatusReport.FenceDeviceDelay(d.id(), d.delay().describe(), d.delay().base().toMillis(), byNode,
                    d.delay().max().toMillis());
        }).toList();
        var rows = new ArrayList<StatusReport.NodeFencing>();
        for (var n : config.nodeNames()) {
            long wait = priority.delayIfLost(n).toMillis();
            var device = res.fencing().stream().filter(d -> d.canFence(n)).findFirst();
            rows.add(new StatusReport.NodeFencing(n, priority.priority(n), wait, device.map(FenceDevice::id).orElse(null),
                    wait + device.map(d -> d.delay().baseFor(n).toMillis()).orElse(0L),
                    wait + device.map(d -> d.delay().longestFor(n).toMillis()).orElse(0L)));
        }
        return new StatusReport.FencingReport(res.policy().priorityFencingDelay().toMillis(), devices, rows);
    }
}
