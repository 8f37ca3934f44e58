package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.ResourcesSection.Seen;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code groups:}: resources that run together on one node and start in the order listed;
 * each resource in at most one group, and no clone in any.
 */
final class GroupsSection extends SectionReader {

    private static final List<String> GROUP_KEYS = List.of("id", "members", "prefer", "priority");

    /** Owns the id namespace that groups share with resources. */
    private final ResourcesSection resources;

    GroupsSection(SectionReader shared, ResourcesSection resources) {
        super(shared);
        this.resources = resources;
    }

    /**
     * The {@code groups:} section.
     *
     * @param ids     the resource ids; group ids are added, as they share the namespace
     * @param members filled with each group's members, for the constraints
     */
    List<GroupSpec> read(Entry entry, Map<String, Seen> ids, Map<String, List<String>> members,
                         Optional<? extends Set<String>> knownNodes) {
        Optional<ListNode> list = list(entry.value(), "groups",
                "a list of groups such as - {id: www, members: [vip, data, web], prefer: ha1}");
        if (list.isEmpty()) {
            return List.of();
        }
        // Only the resources: a group's id must not be usable as another group's member.
        Map<String, Seen> resourceIds = new LinkedHashMap<>(ids);
        Map<String, String> groupOf = new HashMap<>();
        var groups = new ArrayList<GroupSpec>();
        for (Node item : list.get().items()) {
            Optional<MapNode> gm = map(item, "a group", "a map such as {id: www, members: [vip, data, web]}");
            if (gm.isEmpty()) {
                continue;
            }
            checkKeys(gm.get(), "a group", GROUP_KEYS);
            int before = errors.size();
            Optional<String> id = required(gm.get(), "id", "a group", "a unique name, e.g. id: www")
                    .flatMap(e -> resources.uniqueId(e.value(), "group id", ids, false));
            Optional<List<String>> ms = required(gm.get(), "members", "a group",
                    "the resources it runs, in start order, e.g. members: [vip, data, web]")
                    .flatMap(e -> members(e.value(), id.orElse("this group"), resourceIds, groupOf));
            Optional<String> prefer = gm.get().entry("prefer").flatMap(e -> node(e.value(), "prefer", knownNodes));
            int priority = gm.get().entry("priority").flatMap(e -> priority(e.value())).orElse(0);
            id.ifPresent(g -> members.put(g, ms.orElse(List.of())));
            if (errors.size() == before) {
                groups.add(new GroupSpec(id.get(), ms.get(), prefer, priority));
            }
        }
        return groups;
    }

    private Optional<List<String>> members(Node v, String group, Map<String, Seen> resourceIds,
                                           Map<String, String> groupOf) {
        Optional<ListNode> list = list(v, "members", "a list of resource ids such as [vip, data, web]");
        if (list.isEmpty()) {
            return Optional.empty();
        }
        if (list.get().items().isEmpty()) {
            error(v.pos(), "members must list at least one resource, e.g. members: [vip, data, web]");
            return Optional.empty();
        }
        int before = errors.size();
        var ms = new ArrayList<String>();
        for (Node item : list.get().items()) {
            Optional<String> r = string(item, "a member", "a resource id");
            if (r.isEmpty()) {
                continue;
            }
            Seen seen = resourceIds.get(r.get());
            if (seen == null) {
                error(item.pos(), "unknown resource `" + r.get() + "` in members; "
                        + known("resources", resourceIds.keySet()));
            } else if (seen.cloned()) {
                error(item.pos(), "resource `" + r.get() + "` is a clone (it runs on every node), so it cannot "
                        + "be a member of a group; colocate the group with it instead");
            } else if (groupOf.containsKey(r.get())) {
                String other = groupOf.get(r.get());
                error(item.pos(), "resource `" + r.get() + "` is already a member of "
                        + (other.equals(group) ? "this group" : "group `" + other + "`")
                        + "; a resource belongs to at most one group, once");
            } else {
                groupOf.put(r.get(), group);
                ms.add(r.get());
            }
        }
        return errors.size() == before ? Optional.of(ms) : Optional.empty();
    }
}
