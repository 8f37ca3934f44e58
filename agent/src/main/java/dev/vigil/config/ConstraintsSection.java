package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import dev.vigil.model.ActionKind;
import dev.vigil.model.Role;

/**
 * {@code constraints:}: location (where a resource or group may or should run), colocation
 * (with what) and order (after what), each naming resources or groups that exist and are not
 * a group's members, and no set of orders forming a cycle.
 */
final class ConstraintsSection extends SectionReader {

    private static final List<String> CONSTRAINT_TYPES = List.of("location", "colocation", "order");
    private static final List<String> LOCATION_KEYS = List.of("type", "id", "target", "node", "score", "role");
    private static final List<String> COLOCATION_KEYS = List.of("type", "id", "target", "with", "score", "with_role");
    private static final List<String> ORDER_KEYS = List.of("type", "id", "first", "then", "first_action", "then_action");
    private static final List<String> ANY_CONSTRAINT_KEYS = List.of("type", "id", "target", "node", "with", "score",
            "first", "then", "role", "with_role", "first_action", "then_action");

    /** The promotable resources: the only ones a role or a promote action may name. */
    private Set<String> promotable = Set.of();

    ConstraintsSection(SectionReader shared) {
        super(shared);
    }

    /** Called before {@link #read} with the resources read so far. */
    void promotable(List<ResourceSpec> resources) {
        this.promotable = resources.stream().filter(ResourceSpec::isPromotable).map(ResourceSpec::id)
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * A role on {@code key} of {@code cm} for {@code target}: Promoted or Unpromoted only for a
     * promotable resource; absent means Started (any role).
     */
    private Role role(MapNode cm, String key, Optional<String> target) {
        Optional<Entry> e = cm.entry(key);
        if (e.isEmpty()) {
            return Role.STARTED;
        }
        Optional<String> text = string(e.get().value(), key, "Promoted, Unpromoted or Started");
        if (text.isEmpty()) {
            return Role.STARTED;
        }
        Optional<Role> role = Role.parse(text.get());
        if (role.isEmpty()) {
            error(e.get().value().pos(), "unknown " + key + " `" + text.get() + "`; valid roles: Promoted | Unpromoted | Started");
            return Role.STARTED;
        }
        if (role.get() != Role.STARTED && target.isPresent() && !promotable.contains(target.get())) {
            error(e.get().value().pos(), key + " " + role.get().configName() + " names `" + target.get()
                    + "`, which is not promotable (promotable: true)");
        }
        return role.get();
    }

    /** An order's {@code first_action} or {@code then_action}: start (the default) or promote. */
    private ActionKind step(MapNode cm, String key, Optional<String> resource) {
        Optional<Entry> e = cm.entry(key);
        if (e.isEmpty()) {
            return ActionKind.START;
        }
        Optional<String> text = string(e.get().value(), key, "start or promote");
        if (text.isEmpty()) {
            return ActionKind.START;
        }
        switch (text.get()) {
            case "start":
                return ActionKind.START;
            case "promote":
                if (resource.isPresent() && !promotable.contains(resource.get())) {
                    error(e.get().value().pos(), key + " promote names `" + resource.get()
                            + "`, which is not promotable (promotable: true)");
                }
                return ActionKind.PROMOTE;
            default:
                error(e.get().value().pos(), "unknown " + key + " `" + text.get() + "`; valid actions: start | promote");
                return ActionKind.START;
        }
    }

    /** The {@code constraints:} section: location, colocation and order, with order cycles refused. */
    List<Constraint> read(Entry entry, Set<String> resourceIds, Map<String, List<String>> groups,
                          Optional<? extends Set<String>> knownNodes) {
        Optional<ListNode> list = list(entry.value(), "constraints",
                "a list of constraints such as - {type: location, id: web-not-ha3, target: www, node: ha3, "
                        + "score: -INFINITY}");
        if (list.isEmpty()) {
            return List.of();
        }
        Map<String, String> groupOf = new HashMap<>();
        groups.forEach((g, ms) -> ms.forEach(r -> groupOf.put(r, g)));
        Map<String, Pos> ids = new HashMap<>();
        var constraints = new ArrayList<Constraint>();
        // then → firsts it waits for, to find cycles as each order constraint is added.
        Map<String, List<String>> after = new HashMap<>();
        for (Node item : list.get().items()) {
            Optional<MapNode> cm = map(item, "a constraint",
                    "a map such as {type: order, id: proxy-then-vip, first: proxy, then: vip}");
            if (cm.isEmpty()) {
                continue;
            }
            constraint(cm.get(), ids, resourceIds, groups.keySet(), groupOf, knownNodes, after)
                    .ifPresent(constraints::add);
        }
        return constraints;
    }

    private Optional<Constraint> constraint(MapNode cm, Map<String, Pos> ids, Set<String> resourceIds,
                                            Set<String> groupIds, Map<String, String> groupOf,
                                            Optional<? extends Set<String>> knownNodes,
                                            Map<String, List<String>> after) {
        Optional<Entry> typeEntry = required(cm, "type", "a constraint", "type: location, colocation or order");
        Optional<String> type = typeEntry.flatMap(e -> string(e.value(), "type", "location, colocation or order"));
        if (type.isPresent() && !CONSTRAINT_TYPES.contains(type.get())) {
            error(typeEntry.get().value().pos(), "unknown constraint type `" + type.get()
                    + "`; valid types: location | colocation | order");
            type = Optional.empty();
        }
        if (type.isEmpty()) {
            checkKeys(cm, "a constraint", ANY_CONSTRAINT_KEYS);
            return Optional.empty();
        }
        String where = (type.get().equals("order") ? "an " : "a ") + type.get() + " constraint";
        checkKeys(cm, where, switch (type.get()) {
            case "location" -> LOCATION_KEYS;
            case "colocation" -> COLOCATION_KEYS;
            default -> ORDER_KEYS;
        });
        int before = errors.size();
        Optional<String> id = required(cm, "id", where, "a unique name, e.g. id: web-not-ha3")
                .flatMap(e -> name(e.value(), "constraint id", NAME).flatMap(text -> {
                    Pos first = ids.putIfAbsent(text, e.value().pos());
                    if (first != null) {
                        error(e.value().pos(), "duplicate constraint id `" + text + "` (already used at line "
                                + first.line() + "); constraint ids must be unique");
                        return Optional.empty();
                    }
                    return Optional.of(text);
                }));
        Function<String, Optional<Entry>> ref = key -> required(cm, key, where, switch (key) {
            case "target" -> "the resource or group it applies to, e.g. target: www";
            case "with" -> "the resource or group to run with, e.g. with: proxy";
            case "first" -> "the resource or group that starts first, e.g. first: proxy";
            default -> "the resource or group that starts after first, e.g. then: vip";
        });
        switch (type.get()) {
            case "location" -> {
                Optional<String> target = ref.apply("target")
                        .flatMap(e -> placeable(e.value(), "target", resourceIds, groupIds, groupOf));
                Optional<String> node = required(cm, "node", where, "a node name, e.g. node: ha3")
                        .flatMap(e -> node(e.value(), "node", knownNodes));
                int score = cm.entry("score").map(e -> score(e.value(), "score"))
                        .orElse(Optional.of(Constraint.INFINITY)).orElse(0);
                Role role = role(cm, "role", target);
                if (role == Role.UNPROMOTED) {
                    error(cm.entry("role").get().value().pos(), "a location by role takes role: Promoted (where the"
                            + " promoted instance should, or must not, be); Unpromoted is not supported");
                }
                return errors.size() != before ? Optional.empty()
                        : Optional.of(new Constraint.Location(id.get(), target.get(), node.get(), score, role));
            }
            case "colocation" -> {
                Optional<String> target = ref.apply("target")
                        .flatMap(e -> placeable(e.value(), "target", resourceIds, groupIds, groupOf));
                Optional<Entry> withEntry = ref.apply("with");
                Optional<String> with = withEntry
                        .flatMap(e -> placeable(e.value(), "with", resourceIds, groupIds, groupOf));
                if (target.isPresent() && with.isPresent() && target.get().equals(with.get())) {
                    error(withEntry.get().value().pos(), "colocation `" + id.orElse("") + "` puts `"
                            + target.get() + "` with itself; with must name another resource or group");
                }
                int score = cm.entry("score").map(e -> score(e.value(), "score"))
                        .orElse(Optional.of(Constraint.INFINITY)).orElse(0);
                Role withRole = role(cm, "with_role", with);
                return errors.size() != before ? Optional.empty()
                        : Optional.of(new Constraint.Colocation(id.get(), target.get(), with.get(), score, withRole));
            }
            default -> {
                Optional<String> first = ref.apply("first")
                        .flatMap(e -> placeable(e.value(), "first", resourceIds, groupIds, groupOf));
                Optional<Entry> thenEntry = ref.apply("then");
                Optional<String> then = thenEntry
                        .flatMap(e -> placeable(e.value(), "then", resourceIds, groupIds, groupOf));
                if (first.isPresent() && then.isPresent()) {
                    Optional<List<String>> path = path(first.get(), then.get(), after);
                    if (path.isPresent()) {
                        // The path runs against start order; the message reads in start order.
                        List<String> cycle = new ArrayList<>(path.get());
                        java.util.Collections.reverse(cycle);
                        cycle.add(then.get());
                        error(thenEntry.get().value().pos(), "order `" + id.orElse("") + "` closes a cycle: "
                                + String.join(" → ", cycle)
                                + "; nothing in a cycle could ever start, so remove one of these orders");
                    } else {
                        after.computeIfAbsent(then.get(), k -> new ArrayList<>()).add(first.get());
                    }
                }
                ActionKind firstAction = step(cm, "first_action", first);
                ActionKind thenAction = step(cm, "then_action", then);
                return errors.size() != before ? Optional.empty()
                        : Optional.of(new Constraint.Order(id.get(), first.get(), then.get(), firstAction, thenAction));
            }
        }
    }

    /**
     * A path from {@code from} to {@code to} following "waits for" edges, both ends included,
     * if one exists: adding "to waits for from" would then close a cycle.
     */
    private static Optional<List<String>> path(String from, String to, Map<String, List<String>> after) {
        if (from.equals(to)) {
            return Optional.of(List.of(from));
        }
        Map<String, String> cameFrom = new HashMap<>();
        var queue = new java.util.ArrayDeque<String>(List.of(from));
        cameFrom.put(from, from);
        while (!queue.isEmpty()) {
            String n = queue.poll();
            for (String next : after.getOrDefault(n, List.of())) {
                if (cameFrom.putIfAbsent(next, n) != null) {
                    continue;
                }
                if (next.equals(to)) {
                    var path = new ArrayList<String>();
                    for (String at = to; !at.equals(from); at = cameFrom.get(at)) {
                        path.add(0, at);
                    }
                    path.add(0, from);
                    return Optional.of(path);
                }
                queue.add(next);
            }
        }
        return Optional.empty();
    }

    /** A resource or group that can be placed and ordered on its own, i.e. not a group's member. */
    private Optional<String> placeable(Node v, String what, Set<String> resourceIds, Set<String> groupIds,
                                       Map<String, String> groupOf) {
        Optional<String> s = string(v, what, "a resource or group id");
        if (s.isEmpty()) {
            return Optional.empty();
        }
        String id = s.get();
        if (groupOf.containsKey(id)) {
            error(v.pos(), "`" + id + "` is a member of group `" + groupOf.get(id) + "`, which places and orders "
                    + "its members; constrain the group `" + groupOf.get(id) + "` instead");
            return Optional.empty();
        }
        if (!resourceIds.contains(id) && !groupIds.contains(id)) {
            var all = new LinkedHashSet<String>(resourceIds);
            all.addAll(groupIds);
            all.removeAll(groupOf.keySet());
            error(v.pos(), "unknown resource or group `" + id + "` in " + what + "; "
                    + known("resources and groups", all));
            return Optional.empty();
        }
        return s;
    }
}
