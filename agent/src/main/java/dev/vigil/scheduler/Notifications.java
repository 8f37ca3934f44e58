package dev.vigil.scheduler;

import dev.vigil.config.ResourceSpec;
import dev.vigil.model.ActionKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Clone notifications ({@code notify: true}), as Pacemaker Explained's "Clone Resource Agent
 * Requirements" describes them: around each kind of operation the plan has for a clone, in the
 * order demote, stop, start, promote, a {@code pre} notification to every instance active before
 * it and a {@code post} one to every instance active after it. Every operation of that kind waits
 * for all the pre notifications, the post notifications wait for all the operations, and the next
 * kind's pre notifications wait for them.
 *
 * <p>Each notification carries Pacemaker's {@code notify_*} variables, computed once per plan: the
 * instances (as {@code id:N}, N the node's place in the file) and nodes that start, stop, promote
 * and demote, and those active, inactive, promoted and unpromoted before the plan.
 */
final class Notifications {
    private static final List<ActionKind> PHASES =
            List.of(ActionKind.DEMOTE, ActionKind.STOP, ActionKind.START, ActionKind.PROMOTE);

    private final PlanningState s;
    private final NodeFacts facts;

    Notifications(PlanningState s) {
        this.s = s;
        this.facts = s.facts;
    }

    void add(List<Draft> natural, Map<ResourceOnNode, Draft> stops, Map<ResourceOnNode, Draft> starts,
             Map<ResourceOnNode, Draft> promotes, Map<ResourceOnNode, Draft> demotes) {
        for (Unit u : s.units) {
            ResourceSpec r = u.members().get(0);
            if (!u.isClone() || !r.notifyClone() || s.pending.contains(u.id())) {
                continue;
            }
            var ops = Map.of(ActionKind.DEMOTE, demotes, ActionKind.STOP, stops, ActionKind.START, starts,
                    ActionKind.PROMOTE, promotes);
            var byPhase = new TreeMap<ActionKind, List<Draft>>();
            for (ActionKind k : PHASES) {
                List<Draft> ds = facts.nodeNames.stream().map(n -> ops.get(k).get(new ResourceOnNode(r.id(), n)))
                        .filter(d -> d != null).toList();
                if (!ds.isEmpty()) {
                    byPhase.put(k, ds);
                }
            }
            if (byPhase.isEmpty()) {
                continue;
            }
            Map<String, String> lists = lists(r, byPhase);
            Set<String> active = new LinkedHashSet<>(facts.trustedNodes().stream().filter(n -> facts.healthy(r, n)).toList());
            List<Draft> previous = List.of();
            for (ActionKind k : PHASES) {
                List<Draft> phase = byPhase.get(k);
                if (phase == null) {
                    continue;
                }
                List<String> where = phase.stream().map(d -> d.node).toList();
                var pre = notify(r, "pre", k, active, lists, "before " + describe(k, where));
                if (k == ActionKind.STOP) {
                    active.removeAll(where);
                } else if (k == ActionKind.START) {
                    active.addAll(where);
                }
                var post = notify(r, "post", k, facts.inNodeOrder(active), lists, "after " + describe(k, where));
                for (Draft p : pre) {
                    previous.forEach(x -> p.after.add(x.id));
                }
                for (Draft op : phase) {
                    pre.forEach(p -> op.after.add(p.id));
                }
                for (Draft p : post) {
                    phase.forEach(op -> p.after.add(op.id));
                }
                natural.addAll(natural.indexOf(phase.get(0)), pre);
                natural.addAll(natural.indexOf(phase.get(phase.size() - 1)) + 1, post);
                previous = post.isEmpty() ? phase : post;
            }
        }
    }

    private static String describe(ActionKind k, List<String> nodes) {
        return k.name().toLowerCase(Locale.ROOT) + " on " + String.join(", ", nodes);
    }

    private List<Draft> notify(ResourceSpec r, String type, ActionKind op, Iterable<String> to, Map<String, String> lists,
                               String reason) {
        String operation = op.name().toLowerCase(Locale.ROOT);
        var result = new ArrayList<Draft>();
        for (String n : to) {
            var meta = new TreeMap<>(lists);
            meta.put("notify_type", type);
            meta.put("notify_operation", operation);
            result.add(new Draft(r.id() + ":notify-" + type + "-" + operation + "@" + n, ActionKind.NOTIFY,
                    Optional.of(r.id()), n, reason, meta));
        }
        return result;
    }

    /** The lists every notification of {@code r} in this plan carries. */
    private Map<String, String> lists(ResourceSpec r, Map<ActionKind, List<Draft>> byPhase) {
        var meta = new TreeMap<String, String>();
        for (ActionKind k : PHASES) {
            put(meta, r, k.name().toLowerCase(Locale.ROOT),
                    byPhase.getOrDefault(k, List.of()).stream().map(d -> d.node).toList());
        }
        List<String> active = facts.trustedNodes().stream().filter(n -> facts.healthy(r, n)).toList();
        List<String> promoted = active.stream().filter(n -> facts.promoted(r, n)).toList();
        List<String> unpromoted = active.stream().filter(n -> !promoted.contains(n)).toList();
        put(meta, r, "active", active);
        put(meta, r, "inactive", facts.nodeNames.stream().filter(n -> !active.contains(n)).toList());
        put(meta, r, "promoted", promoted);
        put(meta, r, "unpromoted", unpromoted);
        // The names before Pacemaker 2.1, which agents such as redis and pgsql still read.
        put(meta, r, "master", promoted);
        put(meta, r, "slave", unpromoted);
        meta.put("notify_all_uname", String.join(" ", facts.nodeNames));
        meta.put("notify_available_uname", String.join(" ", facts.trustedNodes()));
        return meta;
    }

    private void put(Map<String, String> meta, ResourceSpec r, String what, List<String> nodes) {
        meta.put("notify_" + what + "_resource", nodes.stream().map(n -> r.id() + ":" + facts.nodeNames.indexOf(n))
                .collect(Collectors.joining(" ")));
        meta.put("notify_" + what + "_uname", String.join(" ", nodes));
    }
}
