package dev.vigil.importer.keepalived;

import dev.vigil.importer.Draft;
import dev.vigil.importer.Durations;
import dev.vigil.importer.Ip;
import dev.vigil.importer.Resources;
import dev.vigil.importer.Token;
import dev.vigil.importer.Unmapped;
import dev.vigil.importer.keepalived.KeepalivedConf.Item;
import dev.vigil.importer.keepalived.KeepalivedImport.NodeFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The VRRP half of keepalived: instances (and sync groups) to groups of floating IPs, priorities to
 * the preferred node, advert_int to timing, nopreempt to auto_failback, notify scripts to the IP's
 * {@code notify:}, tracked process checks to a monitored clone the group is colocated with.
 */
final class VrrpMapping {
    /** keepalived's defaults (keepalived.conf(5)): priority 100, advert_int 1 s. */
    private static final int DEFAULT_PRIORITY = 100;
    private static final Duration DEFAULT_ADVERT = Duration.ofSeconds(1);

    private final Draft draft;
    private final List<NodeFile> files;
    private final List<String> nodeNames;
    private final boolean oneFile;
    private final Resources ids = new Resources();
    private final Map<String, Item> scripts = new LinkedHashMap<>();
    private final Set<String> trackedScripts = new HashSet<>();
    private final Set<String> unmappedScripts = new HashSet<>();
    private final Map<String, String> scriptClones = new LinkedHashMap<>();
    private final Set<String> ips = new HashSet<>();

    /** One instance: its item in each node's file that has it. */
    private record Instance(String name, Map<String, Item> byNode) {}

    private final boolean mailed;

    /** @param mailed whether {@link MailAlert} made smtp_alert an alert (then it is not listed) */
    VrrpMapping(Draft draft, List<NodeFile> files, List<String> nodeNames, boolean oneFile, boolean mailed) {
        this.mailed = mailed;
        this.draft = draft;
        this.files = files;
        this.nodeNames = nodeNames;
        this.oneFile = oneFile;
    }

    void map() {
        var instances = new LinkedHashMap<String, Instance>();
        var syncGroups = new LinkedHashMap<String, Item>();
        for (var f : files) {
            f.all("vrrp_script").forEach(s -> scripts.putIfAbsent(name(s), s));
            for (var v : f.all("vrrp_instance")) {
                instances.computeIfAbsent(name(v), n -> new Instance(n, new LinkedHashMap<>())).byNode().putIfAbsent(f.name(), v);
            }
            f.all("vrrp_sync_group").forEach(g -> syncGroups.putIfAbsent(name(g), g));
        }
        timing(instances.values());
        links(instances.values());
        var inSync = new LinkedHashMap<String, Item>();
        syncGroups.values().forEach(g -> g.child("group").ifPresent(members ->
                members.children().forEach(m -> inSync.putIfAbsent(m.key().text(), g))));
        var done = new HashSet<String>();
        for (var instance : instances.values()) {
            if (done.contains(instance.name())) continue;
            var sync = inSync.get(instance.name());
            if (sync == null) {
                group(name(instance.byNode().values().iterator().next()), List.of(instance), Optional.empty());
                done.add(instance.name());
            } else {
                var members = sync.child("group").orElseThrow().children().stream().map(m -> m.key().text())
                        .filter(instances::containsKey).map(instances::get).toList();
                members.forEach(m -> done.add(m.name()));
                group(name(sync), members, Optional.of(sync));
            }
        }
        scripts.forEach((n, s) -> {
            if (!trackedScripts.contains(n)) {
                draft.unmapped(Unmapped.at(s.key(), "`vrrp_script " + n + "`", "no vrrp_instance tracks it"));
            }
        });
    }

    private static String name(Item i) {
        return i.args().isEmpty() ? i.key().text() + "@" + i.key().line() : i.args().get(0).text();
    }

    // ---- which node an instance prefers ----

    private record Preference(String node, Item item, String why) {}

    private Preference preferred(Instance instance) {
        if (oneFile) {
            var item = instance.byNode().values().iterator().next();
            int prio = priority(item);
            boolean master = item.arg("state").map("MASTER"::equalsIgnoreCase).orElse(false);
            boolean mine = master || prio >= DEFAULT_PRIORITY || nodeNames.size() == 1;
            String node = mine ? nodeNames.get(0) : nodeNames.get(1);
            return new Preference(node, item, "from " + item.key().source() + ", prefers " + node + ": " + (master ? "state MASTER" : "priority " + prio)
                    + (mine ? " (this file's node)" : " (below keepalived's default 100: the peer's)"));
        }
        String best = null;
        for (var e : instance.byNode().entrySet()) {
            if (best == null || rank(e.getValue()) > rank(instance.byNode().get(best))) best = e.getKey();
        }
        var item = instance.byNode().get(best);
        var others = new ArrayList<String>();
        instance.byNode().forEach((n, i) -> others.add(n + " " + priority(i)));
        return new Preference(best, item, "from " + item.key().source() + ", prefers " + best + ": highest priority ("
                + String.join(", ", others) + ")");
    }

    private static long rank(Item i) {
        return priority(i) * 2L + (i.arg("state").map("MASTER"::equalsIgnoreCase).orElse(false) ? 1 : 0);
    }

    private static int priority(Item i) {
        return i.arg("priority").filter(p -> p.matches("\\d{1,3}")).map(Integer::parseInt).orElse(DEFAULT_PRIORITY);
    }

    // ---- groups of floating IPs ----

    private void group(String groupName, List<Instance> instances, Optional<Item> sync) {
        var members = new ArrayList<String>();
        var resources = new ArrayList<Map<String, Object>>();
        var comments = new ArrayList<String>();
        String prefer = null;
        var why = new ArrayList<String>();
        var colocations = new LinkedHashMap<String, Object[]>();
        for (var instance : instances) {
            var p = preferred(instance);
            if (prefer == null) prefer = p.node();
            else if (!prefer.equals(p.node())) draft.note(p.item().key().source() + ": " + instance.name() + " " + p.why()
                    + ", but its sync group " + groupName + " follows its first instance to " + prefer);
            why.add(instance.name() + " " + p.why());
            differing(instance, p);
            var item = p.item();
            for (var child : item.children()) {
                instanceItem(instance.name(), item, child, resources, comments, colocations);
            }
        }
        for (var r : resources) members.add((String) r.get("id"));
        if (members.isEmpty()) {
            draft.note(String.join("; ", why) + ": no virtual_ipaddress, so no group");
            return;
        }
        notify(sync.orElse(instances.get(0).byNode().values().iterator().next()), resources);
        for (int i = 0; i < resources.size(); i++) draft.resource(resources.get(i), comments.get(i));
        String id = ids.id(groupName);
        draft.group(Draft.ordered("id", id, "members", members, "prefer", prefer),
                (sync.map(s -> "from " + s.key().source() + " (vrrp_sync_group); ").orElse("")) + String.join("; ", why));
        colocations.forEach((clone, c) -> draft.constraint(Draft.ordered("type", "colocation", "id", ids.id(id + "-with-" + clone),
                "target", id, "with", clone, "score", c[0]), (String) c[1]));
    }

    /** With one file per node, the preferred node's addresses are imported: say where another node's differ. */
    private void differing(Instance instance, Preference p) {
        var mine = addresses(p.item());
        instance.byNode().forEach((node, item) -> {
            if (!addresses(item).equals(mine)) {
                draft.note(item.key().source() + ": " + instance.name() + " on " + node + " lists other addresses than on "
                        + p.node() + " (" + p.item().key().source() + "), whose were imported");
            }
        });
    }

    private static Set<String> addresses(Item instance) {
        var out = new java.util.TreeSet<String>();
        instance.children().stream().filter(c -> c.key().text().startsWith("virtual_ipaddress"))
                .forEach(c -> c.children().forEach(v -> out.add(v.key().text())));
        return out;
    }

    private void instanceItem(String instance, Item item, Item child, List<Map<String, Object>> resources,
                              List<String> comments, Map<String, Object[]> colocations) {
        var key = child.key();
        switch (key.text()) {
            case "state", "priority", "virtual_router_id", "version", "interface", "advert_int", "unicast_peer",
                    "unicast_src_ip", "notify_master", "notify_backup", "notify_fault", "notify" -> {
                // Read where they matter: the preference, timing, links, the IP's nic, addresses, notify.
            }
            case "virtual_ipaddress", "virtual_ipaddress_excluded" -> {
                for (var vip : child.children()) vip(instance, item, vip, resources, comments);
            }
            case "authentication" -> draft.note(key.source() + ": " + instance + "'s `authentication` ("
                    + child.arg("auth_type").orElse("?") + ") is not kept: VRRP's secrets are too weak; the new key replaces it");
            case "smtp_alert" -> {
                if (!mailed) draft.unmapped(Unmapped.at(key, "`smtp_alert` in " + instance, Reasons.instance(key.text())));
            }
            case "nopreempt" -> draft.policy("auto_failback", false, "from " + key.source() + " (" + instance
                    + " nopreempt; Vigil's auto_failback is for the whole cluster)");
            case "track_script" -> child.children().forEach(t -> track(instance, t, colocations));
            default -> draft.unmapped(Unmapped.at(key, "`" + child.text() + (child.block().isPresent() ? " {…}" : "") + "` in "
                    + instance, Reasons.instance(key.text())));
        }
    }

    private void vip(String instance, Item item, Item vip, List<Map<String, Object>> resources, List<String> comments) {
        String text = vip.key().text();
        String[] parts = text.split("/", 2);
        if (!parts[0].matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            draft.unmapped(Unmapped.at(vip.key(), "`" + vip.text() + "` in " + instance, "not an IP address"));
            return;
        }
        if (!ips.add(parts[0])) {
            draft.note(vip.key().source() + ": " + parts[0] + " is listed again; imported once");
            return;
        }
        boolean v6 = parts[0].contains(":");
        String dev = argAfter(vip, "dev").or(() -> item.arg("interface")).filter(Ip::interfaceName).orElse(null);
        var params = Resources.ipParams(parts[0], parts.length > 1 ? parts[1] : (v6 ? "128" : "32"), dev,
                argAfter(vip, "brd").orElse(null));
        resources.add(Draft.ordered("id", ids.id("ip-" + parts[0]), "agent", "ocf:vigil:IPaddr", "params", params));
        var dropped = vip.args().stream().map(Token::text).filter(a -> List.of("label", "scope", "metric", "preferred_lft",
                "home", "nodad", "noprefixroute").contains(a)).toList();
        comments.add("from " + vip.key().source() + " (" + instance + (parts.length > 1 ? "" : "; no prefix: /"
                + (v6 ? 128 : 32) + " as keepalived") + (dropped.isEmpty() ? "" : "; " + String.join(", ", dropped)
                + " not kept") + ")");
    }

    private static Optional<String> argAfter(Item vip, String word) {
        var a = vip.args();
        for (int i = 0; i + 1 < a.size(); i++) if (a.get(i).text().equals(word)) return Optional.of(a.get(i + 1).text());
        return Optional.empty();
    }

    // ---- track_script: a process check becomes a monitored clone the group must run with ----

    private void track(String instance, Item tracked, Map<String, Object[]> colocations) {
        String name = tracked.key().text();
        var script = scripts.get(name);
        if (script == null) {
            draft.unmapped(Unmapped.at(tracked.key(), "`track_script " + name + "` in " + instance, "no vrrp_script " + name));
            return;
        }
        trackedScripts.add(name);
        String command = script.child("script").map(s -> String.join(" ", s.args().stream().map(Token::text).toList())).orElse("");
        var service = ProcessCheck.service(command);
        if (service.isEmpty()) {
            if (!unmappedScripts.add(name)) return; // listed once, for the first instance that tracks it
            draft.unmapped(Unmapped.at(script.key(), "`vrrp_script " + name + "` (`" + command + "`), tracked by "
                    + instance, "Vigil runs no free-standing check scripts: wrap the check in an OCF agent's monitor and "
                    + "add it to the group, or run the service as a monitored `systemd:` clone and colocate the group with it"));
            return;
        }
        String clone = scriptClones.computeIfAbsent(name, n -> {
            String id = ids.id(service.get());
            String interval = script.arg("interval").filter(i -> i.matches("\\d+")).orElse("1") + "s";
            draft.resource(Draft.ordered("id", id, "agent", "systemd:" + service.get(), "clone", true,
                    "monitor", Draft.ordered("interval", interval)), "from " + script.key().source() + " (vrrp_script " + n
                    + ": `" + command + "`; Vigil starts and monitors it on every node, keepalived only watched it)");
            return id;
        });
        String weight = argAfter(tracked, "weight").or(() -> script.arg("weight")).orElse("0");
        Object score = weight.matches("[-+]?0*") || !weight.matches("[-+]?\\d{1,6}") ? "INFINITY"
                : Integer.valueOf(Math.abs(Integer.parseInt(weight)));
        colocations.put(clone, new Object[] {score, "from " + tracked.key().source() + " (track_script " + name + ", weight "
                + weight + (score.equals("INFINITY") ? ": the instance faults where it fails)" : ": a preference)")});
    }

    // ---- advert_int and priorities → timing; media → links ----

    private void timing(java.util.Collection<Instance> instances) {
        Duration advert = null;
        Token from = null;
        int lowest = 255;
        for (var instance : instances) {
            for (var item : instance.byNode().values()) {
                lowest = Math.min(lowest, priority(item));
                var a = item.child("advert_int");
                if (a.isEmpty() || a.get().args().isEmpty()) continue;
                var t = a.get().args().get(0);
                if (!t.text().matches("\\d{1,3}(\\.\\d{1,2})?") || Double.parseDouble(t.text()) <= 0) {
                    draft.unmapped(Unmapped.at(t, "`advert_int " + t.text() + "`", "not a time keepalived takes "
                            + "(0.01 to 255 seconds); keepalived's default of 1 s used"));
                    continue;
                }
                var d = Duration.ofMillis(Math.round(Double.parseDouble(t.text()) * 1000));
                if (advert == null || d.compareTo(advert) < 0) {
                    advert = d;
                    from = t;
                }
            }
        }
        if (advert == null) advert = DEFAULT_ADVERT;
        if (instances.isEmpty()) lowest = DEFAULT_PRIORITY;
        // keepalived's backup declares the master dead after 3 adverts plus a skew of (256 - priority)/256 s.
        Duration deadtime = advert.multipliedBy(3).plusMillis(Math.round((256 - lowest) * 1000.0 / 256));
        String src = from == null ? "keepalived's default advert_int of 1s" : "advert_int at " + from.source();
        draft.timing("keepalive", Durations.yaml(advert), src);
        draft.timing("warntime", Durations.yaml(advert.multipliedBy(2)), "two adverts");
        draft.timing("deadtime", Durations.yaml(deadtime), "keepalived's master-down interval: 3 adverts + (256 - "
                + lowest + ")/256 s");
        draft.timing("initdead", Durations.yaml(deadtime), "an instance starts as BACKUP and waits one master-down interval");
    }

    private void links(java.util.Collection<Instance> instances) {
        Optional<Token> unicast = instances.stream().flatMap(i -> i.byNode().values().stream())
                .flatMap(i -> i.child("unicast_peer").stream()).map(Item::key).findFirst();
        if (unicast.isPresent()) {
            draft.link(Draft.ordered("type", "udp", "mode", "unicast", "port", 694),
                    "from " + unicast.get().source() + " (unicast_peer): to every node's address");
            return;
        }
        var interfaces = new LinkedHashSet<String>();
        var sources = new LinkedHashMap<String, String>();
        for (var instance : instances) {
            for (var item : instance.byNode().values()) {
                item.child("interface").filter(i -> !i.args().isEmpty() && Ip.interfaceName(i.args().get(0).text())).ifPresent(i -> {
                    interfaces.add(i.args().get(0).text());
                    sources.putIfAbsent(i.args().get(0).text(), i.key().source());
                });
            }
        }
        if (interfaces.isEmpty()) {
            draft.link(Draft.ordered("type", "udp", "mode", "unicast", "port", 694),
                    "no vrrp_instance interface: heartbeats go to every node's address");
            return;
        }
        int port = 694;
        for (var dev : interfaces) {
            draft.link(Draft.ordered("type", "udp", "mode", "multicast", "name", ids.id("mcast-" + dev), "group", "239.0.0.94",
                    "port", port++, "interface", dev), "from " + sources.get(dev) + " (VRRP advertised on " + dev
                    + " to 224.0.0.18; Vigil's heartbeats are UDP multicast)");
        }
    }

    // ---- notify scripts → the first floating IP's notify: ----

    private void notify(Item owner, List<Map<String, Object>> resources) {
        var map = new LinkedHashMap<String, Object>();
        String single = null;
        for (var child : owner.children()) {
            String key = child.key().text();
            if (!key.startsWith("notify")) continue;
            String command = String.join(" ", child.args().stream().map(Token::text).toList()).strip();
            String state = key.equals("notify") ? "" : key.substring("notify_".length());
            if (!command.startsWith("/")) {
                draft.unmapped(Unmapped.at(child.key(), "`" + child.text() + "`", "a notify command must be an absolute path "
                        + "(Vigil runs it without a shell)"));
            } else if (state.isEmpty()) {
                single = command;
            } else if (List.of("master", "backup", "fault").contains(state)) {
                map.put(state, command);
            } else {
                draft.unmapped(Unmapped.at(child.key(), "`" + child.text() + "`", "Vigil's notify: has master, backup and "
                        + "fault only (docs/alerts.md)"));
            }
        }
        if (!map.isEmpty()) {
            resources.get(0).put("notify", map);
            if (single != null) draft.note(owner.key().source() + ": `notify " + single + "` left out: Vigil takes either "
                    + "the one-command form or the per-state scripts, and the latter were kept");
        } else if (single != null) {
            resources.get(0).put("notify", single);
        }
    }
}
