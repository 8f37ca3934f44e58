package dev.vigil.resources;

import dev.vigil.config.ResourceSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The meta attributes Pacemaker gives a clone's instance (OCF_RESKEY_CRM_meta_*), which
 * ClusterLabs' clone-aware agents read: its number, the clone's shape, and for a promotable
 * clone how many may be promoted (under both the current and the pre-2.1 names, which agents
 * such as {@code redis} still read).
 */
final class CloneMeta {
    private CloneMeta() {
    }

    /** @param nodes the cluster's nodes in file order: an instance's number is its node's place there */
    static Map<String, String> of(ResourceSpec r, String node, List<String> nodes) {
        var meta = new TreeMap<String, String>();
        meta.put("on_node", node);
        int number = nodes.indexOf(node);
        meta.put("clone", Integer.toString(Math.max(number, 0)));
        meta.put("clone_max", Integer.toString(Math.max(nodes.size(), 1)));
        meta.put("clone_node_max", "1");
        meta.put("globally_unique", "false");
        meta.put("notify", Boolean.toString(r.notifyClone()));
        r.promotable().ifPresent(p -> {
            meta.put("promotable", "true");
            meta.put("promoted_max", Integer.toString(p.promotedMax()));
            meta.put("promoted_node_max", Integer.toString(p.promotedNodeMax()));
            meta.put("master_max", Integer.toString(p.promotedMax()));
            meta.put("master_node_max", Integer.toString(p.promotedNodeMax()));
        });
        return meta;
    }
}
