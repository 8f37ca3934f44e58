package dev.vigil.coordination;

import dev.vigil.config.ClusterConfig;
import dev.vigil.config.GroupSpec;
import dev.vigil.model.ResourceStatus;
import dev.vigil.resources.ResourceEntry;
import dev.vigil.scheduler.AdminState;
import dev.vigil.scheduler.AdminState.TemporaryConstraint;
import dev.vigil.scheduler.Plan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The operator verbs: what each checks, how it changes {@link AdminState}, which ones need an
 * action of their own (restart, cleanup), and how the outcome is worded once the cluster settled.
 * Pure functions, so the wording and the rules are tested without a cluster.
 */
public final class AdminRequests {
    private AdminRequests() {}

    public static final List<String> VERBS =
            List.of("move", "ban", "clear", "restart", "cleanup", "standby", "online", "maintenance-on", "maintenance-off",
                    "fence", "drill-begin", "drill-end", "drill-renew", "drill-abort");

    /** An action an operator verb needs directly, outside the scheduler's plan. */
    record DirectAction(String id, Operation op, String resource, String node) {}

    record Outcome(boolean ok, String message) {}

    static Optional<String> validate(AdminRequest req, ClusterConfig config) {
        var args = req.args();
        var r = config.resources();
        java.util.function.Predicate<String> isTarget = t -> r.resource(t).isPresent() || r.group(t).isPresent();
        java.util.function.Predicate<String> isNode = n -> config.node(n).isPresent();
        // Unknown ids name the closest known one, as a typo is the usual cause.
        var targetIds = new ArrayList<String>();
        r.resources().forEach(x -> targetIds.add(x.id()));
        r.groups().forEach(g -> targetIds.add(g.id()));
        var resourceIds = r.resources().stream().map(x -> x.id()).toList();
        var nodeNames = config.nodes().stream().map(n -> n.name()).toList();
        java.util.function.Function<String, Optional<String>> noTarget =
                t -> Optional.of("no resource or group '" + t + "'" + Suggest.didYouMean(t, targetIds));
        java.util.function.Function<String, Optional<String>> noResource =
                t -> Optional.of("no resource '" + t + "'" + Suggest.didYouMean(t, resourceIds));
        java.util.function.Function<String, Optional<String>> noNode =
                n -> Optional.of("no node '" + n + "'" + Suggest.didYouMean(n, nodeNames));
        return switch (req.verb()) {
            case "move", "ban" -> args.size() != 2 ? Optional.of(req.verb() + " needs a resource or group and a node")
                    : !isTarget.test(args.get(0)) ? noTarget.apply(args.get(0))
                    : r.groupOf(args.get(0)).isPresent() ? Optional.of(args.get(0) + " is a member of group "
                            + r.groupOf(args.get(0)).get().id() + "; " + req.verb() + " the group instead")
                    : !isNode.test(args.get(1)) ? noNode.apply(args.get(1))
                    : Optional.empty();
            case "clear" -> args.size() != 1 ? Optional.of("clear needs a resource or group")
                    : !isTarget.test(args.get(0)) ? noTarget.apply(args.get(0))
                    : Optional.empty();
            case "restart", "cleanup" -> args.isEmpty() || args.size() > 2
                    ? Optional.of(req.verb() + " needs a resource (and optionally a node)")
                    : r.resource(args.get(0)).isEmpty() ? noResource.apply(args.get(0))
                    : args.size() == 2 && !isNode.test(args.get(1)) ? noNode.apply(args.get(1))
                    : Optional.empty();
            case "standby", "online", "fence" -> args.size() != 1 ? Optional.of(req.verb() + " needs a node")
                    : !isNode.test(args.get(0)) ? noNode.apply(args.get(0))
                    : Optional.empty();
            case "drill-begin", "drill-end", "drill-renew", "drill-abort" -> DrillLocks.validate(req);
            case "maintenance-on", "maintenance-off" -> args.isEmpty() ? Optional.empty()
                    : Optional.of(req.verb() + " takes no arguments");
            default -> Optional.of("unknown verb '" + req.verb() + "'; known: " + VERBS);
        };
    }

    /**
     * A valid request the coordinator answers at once, without touching the operator state: a move
     * refused in maintenance mode (the cluster leaves resources alone, so the move could only fail
     * now and fire later, when maintenance ends), a move to the node where the target already runs
     * (done; no permanent rule added behind the operator's back), a clear with no rule to clear.
     * Empty when the request goes ahead.
     *
     * @param reports the members' latest reports: where each resource runs now
     */
    static Optional<Outcome> answeredAtOnce(AdminRequest req, AdminState s, Map<String, NodeReport> reports,
                                            ClusterConfig config) {
        var args = req.args();
        return switch (req.verb()) {
            case "move" -> {
                if (s.maintenance()) {
                    yield Optional.of(new Outcome(false, "maintenance mode is on, so the cluster moves nothing: " + args.get(0)
                            + " stays where it is and no move rule was added; `vigil maintenance off` first, then move"));
                }
                boolean ruled = s.temporary().stream().anyMatch(t -> t.target().equals(args.get(0)));
                if (!ruled && runsNowOnlyOn(args.get(0), args.get(1), reports, config)) {
                    yield Optional.of(new Outcome(true, args.get(0) + " already runs on " + args.get(1)
                            + "; nothing to do, no rule added"));
                }
                yield Optional.empty();
            }
            case "clear" -> s.temporary().stream().anyMatch(t -> t.target().equals(args.get(0))) ? Optional.empty()
                    : Optional.of(new Outcome(true, "no move or ban rules on " + args.get(0) + "; nothing to clear"));
            default -> Optional.empty();
        };
    }

    /**
     * Where each resource runs by the members' reports, keyed {@code id@node} as the plan keys
     * clone instances ({@link #whereRuns} and {@link #allRunOn} read both forms): the placement
     * in maintenance mode, where the plan places nothing because nothing is moved.
     */
    static Map<String, String> placementNow(Map<String, NodeReport> reports) {
        var out = new java.util.TreeMap<String, String>();
        reports.values().forEach(r -> r.resources().forEach((id, e) -> {
            if (e.status().isStarted()) out.put(id + "@" + r.node(), r.node());
        }));
        return out;
    }

    /** Every member of the target is started on {@code node} and on no other node, by the members' reports. */
    static boolean runsNowOnlyOn(String target, String node, Map<String, NodeReport> reports, ClusterConfig config) {
        List<String> ids = config.resources().group(target).map(GroupSpec::members).orElse(List.of(target));
        if (!reports.containsKey(node)) return false;
        for (String id : ids) {
            for (var r : reports.values()) {
                var status = r.resources().getOrDefault(id, ResourceEntry.UNKNOWN).status();
                boolean active = status != ResourceStatus.STOPPED;
                if (r.node().equals(node) != active || r.node().equals(node) && !status.isStarted()) return false;
            }
        }
        return true;
    }

    /**
     * The operator state once a move has failed: its rule removed, so the target does not jump
     * later when whatever stopped it (a failed start, a ban, a node's state) changes. The same
     * instance when the rule is not there any more (a later request replaced or cleared it).
     */
    static AdminState withoutFailedMove(AdminRequest move, AdminState s) {
        var rule = new TemporaryConstraint(move.args().get(0), move.args().get(1), TemporaryConstraint.Kind.MOVE);
        if (!s.temporary().contains(rule)) return s;
        return s.changed(s.standby(), s.maintenance(), s.temporary().stream().filter(t -> !t.equals(rule)).toList());
    }

    /** Why an operator's fence of {@code node} (an existing node) cannot be done now; empty when it can. */
    static Optional<String> fenceRefusal(String node, ClusterConfig config, boolean quorate, String coordinator) {
        if (!config.resources().fencingConfigured()) {
            return Optional.of("no fencing is configured (the cluster file's fencing: section): nothing can fence " + node);
        }
        if (config.resources().fencing().stream().noneMatch(d -> d.canFence(node))) {
            return Optional.of("no fence device in the cluster file can fence " + node);
        }
        if (!quorate) return Optional.of("no quorum: a partition without quorum fences nobody");
        if (node.equals(coordinator)) {
            return Optional.of(node + " coordinates the cluster and would fence itself (and the record of it); "
                    + "fence it from another node's coordinator, or reboot it through its device (a node-crash drill)");
        }
        return Optional.empty();
    }

    /** An operator's fence, answered from the fencing history recorded since it was taken. */
    static Outcome fenceOutcome(String node, long sinceMs, List<dev.vigil.control.HistoryReport.FenceRecord> fences) {
        var last = fences.stream().filter(f -> f.target().equals(node) && f.atMs() >= sinceMs)
                .reduce((a, b) -> b);
        if (last.isEmpty()) {
            return new Outcome(false, "no fence of " + node + " was recorded (one failed a moment ago and waits for its retry?)");
        }
        var f = last.get();
        return new Outcome(f.fenced(), (f.fenced() ? node + " fenced (" + f.action() + ") by " + f.by()
                : "fencing " + node + " failed") + ": " + String.join("; ", f.devices()));
    }

    /** The operator state after the request; the same instance when it changes nothing there. */
    static AdminState apply(AdminRequest req, AdminState s) {
        var args = req.args();
        return switch (req.verb()) {
            case "move" -> s.changed(s.standby(), s.maintenance(), with(without(s.temporary(), args.get(0)),
                    new TemporaryConstraint(args.get(0), args.get(1), TemporaryConstraint.Kind.MOVE)));
            case "ban" -> s.changed(s.standby(), s.maintenance(), with(s.temporary().stream()
                    .filter(t -> !(t.target().equals(args.get(0)) && t.node().equals(args.get(1)))).toList(),
                    new TemporaryConstraint(args.get(0), args.get(1), TemporaryConstraint.Kind.BAN)));
            case "clear" -> s.changed(s.standby(), s.maintenance(), without(s.temporary(), args.get(0)));
            case "standby" -> {
                var st = new TreeSet<>(s.standby());
                st.add(args.get(0));
                yield s.changed(st, s.maintenance(), s.temporary());
            }
            case "online" -> {
                var st = new TreeSet<>(s.standby());
                st.remove(args.get(0));
                yield s.changed(st, s.maintenance(), s.temporary());
            }
            case "maintenance-on" -> s.changed(s.standby(), true, s.temporary());
            case "maintenance-off" -> s.changed(s.standby(), false, s.temporary());
            default -> s;
        };
    }

    /**
     * restart stops the resource where it runs (the scheduler then starts it again, in order and
     * where it belongs); cleanup forgets its failures on the node(s) and probes it again.
     */
    static Optional<DirectAction> directAction(AdminRequest req, Map<String, NodeReport> reports) {
        if (!req.verb().equals("restart") && !req.verb().equals("cleanup")) return Optional.empty();
        String resource = req.args().get(0);
        Optional<String> node = req.args().size() == 2 ? Optional.of(req.args().get(1))
                : reports.values().stream()
                        .filter(r -> r.resources().getOrDefault(resource, ResourceEntry.UNKNOWN).status()
                                != ResourceStatus.STOPPED || req.verb().equals("cleanup")
                                && r.resources().getOrDefault(resource, ResourceEntry.UNKNOWN).failCount() > 0)
                        .map(NodeReport::node).sorted().findFirst();
        Operation op = req.verb().equals("restart") ? Operation.STOP : Operation.CLEANUP;
        return node.map(n -> new DirectAction(resource + ":" + req.verb() + "@" + n, op, resource, n));
    }

    static Outcome outcome(AdminRequest req, Plan plan, ClusterConfig config, boolean late) {
        var args = req.args();
        String notes = plan.notes().isEmpty() ? "" : " (" + String.join("; ", plan.notes()) + ")";
        if (late) {
            return new Outcome(false, req.verb() + " " + String.join(" ", args)
                    + ": accepted, but the cluster had not settled after the deadline" + notes);
        }
        return switch (req.verb()) {
            case "move" -> {
                var where = whereRuns(args.get(0), plan, config);
                boolean ok = where.size() == 1 && allRunOn(args.get(0), args.get(1), plan, config);
                yield new Outcome(ok, ok ? args.get(0) + " runs on " + args.get(1)
                        : args.get(0) + " could not be moved to " + args.get(1) + "; it runs on "
                                + describe(where) + notes + "; the move rule was removed");
            }
            case "ban" -> {
                var where = whereRuns(args.get(0), plan, config);
                boolean ok = !where.contains(args.get(1));
                yield new Outcome(ok, ok ? args.get(0) + " is banned from " + args.get(1) + " and runs on " + describe(where) + notes
                        : args.get(0) + " still runs on " + args.get(1) + notes);
            }
            case "clear" -> new Outcome(true, "temporary constraints on " + args.get(0) + " removed; it runs on "
                    + describe(whereRuns(args.get(0), plan, config)) + notes);
            case "restart" -> {
                var where = whereRuns(args.get(0), plan, config);
                yield new Outcome(!where.isEmpty(), where.isEmpty() ? args.get(0) + " did not start again" + notes
                        : args.get(0) + " restarted; it runs on " + describe(where));
            }
            case "cleanup" -> new Outcome(true, "failures of " + args.get(0) + " forgotten; it runs on "
                    + describe(whereRuns(args.get(0), plan, config)) + notes);
            case "standby" -> new Outcome(true, args.get(0) + " is in standby and runs no resources" + notes);
            case "online" -> new Outcome(true, args.get(0) + " is online and may run resources" + notes);
            case "maintenance-on" -> new Outcome(true, "maintenance mode on: resources are left alone");
            case "maintenance-off" -> new Outcome(true, "maintenance mode off: resources are managed again" + notes);
            default -> new Outcome(false, "unknown verb " + req.verb());
        };
    }

    /** Nodes where the target (a resource, or every member of a group) runs once the plan is done. */
    static java.util.Set<String> whereRuns(String target, Plan plan, ClusterConfig config) {
        List<String> ids = config.resources().group(target).map(GroupSpec::members).orElse(List.of(target));
        var nodes = new HashSet<String>();
        plan.placement().forEach((instance, node) -> {
            String id = instance.contains("@") ? instance.substring(0, instance.indexOf('@')) : instance;
            if (ids.contains(id)) nodes.add(node);
        });
        return nodes;
    }

    /** Every member of the target (all of a group, not just some) runs on the node once the plan is done. */
    static boolean allRunOn(String target, String node, Plan plan, ClusterConfig config) {
        List<String> ids = config.resources().group(target).map(GroupSpec::members).orElse(List.of(target));
        return ids.stream().allMatch(id -> node.equals(plan.placement().get(id))
                || node.equals(plan.placement().get(id + "@" + node)));
    }

    private static String describe(java.util.Set<String> nodes) {
        return nodes.isEmpty() ? "no node" : String.join(", ", new TreeSet<>(nodes));
    }

    private static List<TemporaryConstraint> without(List<TemporaryConstraint> list, String target) {
        return list.stream().filter(t -> !t.target().equals(target)).toList();
    }

    private static List<TemporaryConstraint> with(List<TemporaryConstraint> list, TemporaryConstraint c) {
        var out = new ArrayList<>(list);
        out.add(c);
        return out;
    }
}
