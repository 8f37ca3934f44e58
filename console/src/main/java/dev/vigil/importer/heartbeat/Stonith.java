package dev.vigil.importer.heartbeat;

import dev.vigil.importer.Draft;
import dev.vigil.importer.Resources;
import dev.vigil.importer.Token;
import dev.vigil.importer.Unmapped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * heartbeat v1's {@code stonith_host <from-host|*> <stonith-type> <params...>} lines turned into
 * {@code fencing:} devices run by ClusterLabs' fence agents, where fence-agents has one that
 * drives the same hardware; the rest is listed with why. Parameters are positional in heartbeat
 * (each plugin's own order, {@code stonith -t TYPE -h}) and named in fence-agents.
 */
final class Stonith {
    /**
     * A heartbeat plugin that has a fence-agents equivalent: the agent and, per positional
     * parameter, its fence-agents name ({@code HOST} for the one node the device fences,
     * {@code INTERFACE} for external/ipmi's lan|lanplus).
     */
    private record Plugin(String agent, String idPrefix, List<String> params) {}

    private static final String HOST = "<host>";
    private static final String INTERFACE = "<interface>";

    /**
     * The plugins with an equivalent. Telnet is both sides' default for the APC and WTI switches;
     * their outlets were named after the nodes (heartbeat found its targets by outlet name), so the
     * plug is the node's name, the fence runner's default.
     */
    private static final Map<String, Plugin> PLUGINS = Map.of(
            "apcmaster", new Plugin("fence_apc", "apc", List.of("ip", "username", "password")),
            "apcmastersnmp", new Plugin("fence_apc_snmp", "apc-snmp", List.of("ip", "ipport", "community")),
            "wti_nps", new Plugin("fence_wti", "wti", List.of("ip", "password")),
            "external/ipmi", new Plugin("fence_ipmilan", "ipmi", List.of(HOST, "ip", "username", "password", INTERFACE)));

    /** Plugins with no place in a production cluster file, and why. */
    private static final Map<String, String> LISTED = Map.of(
            "baytech", "ClusterLabs' fence-agents have no agent for Baytech RPC switches; write a fence agent for it "
                    + "(docs/fencing.md) or use the switch's SNMP with fence_ifmib",
            "null", "a test-only plugin that fences nothing; Vigil has no stand-in that pretends to fence "
                    + "(fence_dummy is for tests)",
            "ssh", "test-only, as heartbeat said: it needs the dead node's sshd; Vigil's fence_vigil_ssh is the same "
                    + "last resort, to add by hand beside a power device (docs/fencing.md)",
            "external/ssh", "test-only, as heartbeat said: it needs the dead node's sshd; Vigil's fence_vigil_ssh is the "
                    + "same last resort, to add by hand beside a power device (docs/fencing.md)",
            "meatware", "manual fencing (an operator confirms with meatclient that the node is off): Vigil has no "
                    + "fence that waits for an operator; a node it cannot fence blocks its takeover, retried every 5 s, "
                    + "until it comes back (or configure power fencing or `watchdog:`)",
            "external/meatware", "manual fencing (an operator confirms the node is off): Vigil has no fence that waits "
                    + "for an operator; a node it cannot fence blocks its takeover, retried every 5 s, until it comes back",
            "suicide", "a node fencing itself: Vigil's equivalent is watchdog self-fencing (`watchdog:`, docs/fencing.md)");

    private final Draft draft;
    private final List<String> nodes;
    private final Resources ids = new Resources();
    private int devices;
    private final List<String> secrets = new ArrayList<>();

    Stonith(Draft draft, List<String> nodes) {
        this.draft = draft;
        this.nodes = nodes;
    }

    /** How many fence devices were made: with none, a two-node file still needs its tie-breaker. */
    int devices() {
        return devices;
    }

    /** One {@code stonith} or {@code stonith_host} line. */
    void directive(HaCf.Directive d) {
        var name = d.name();
        var args = d.args();
        if (name.text().equals("stonith")) {
            // `stonith TYPE FILE`: the parameters are in a file on the node, which this import does not read.
            unmapped(name, d, 2, "its parameters are in " + (args.size() > 1 ? args.get(1).text() : "a file")
                    + " on the node: write them as one `stonith_host * " + (args.isEmpty() ? "TYPE" : args.get(0).text())
                    + " PARAMS…` line and import again");
            return;
        }
        if (args.size() < 2) {
            unmapped(name, d, 2, "`stonith_host` takes the host it runs on (or `*`), a stonith type and its parameters");
            return;
        }
        Token from = args.get(0);
        String type = args.get(1).text();
        var params = args.subList(2, args.size());
        if (!from.text().equals("*") && !nodes.contains(from.text())) {
            unmapped(name, d, 2, "`" + from.text() + "` is not a node of ha.cf (" + String.join(", ", nodes) + ")");
            return;
        }
        var plugin = PLUGINS.get(type);
        if (plugin == null) {
            unmapped(name, d, 2, LISTED.getOrDefault(type, "no ClusterLabs fence agent known to drive what heartbeat's `"
                    + type + "` plugin did: configure `fencing:` by hand (docs/fencing.md)"));
            return;
        }
        if (params.size() < plugin.params().size() - (plugin.params().contains(INTERFACE) ? 1 : 0)) {
            unmapped(name, d, 2, "`" + type + "` takes " + String.join(", ", plugin.params()).replace("<", "").replace(">", "")
                    + "; this line has " + params.size() + " parameter(s)");
            return;
        }
        var fenceParams = new LinkedHashMap<String, Object>();
        // A device on one host fenced the others in heartbeat (a node never resets itself through
        // its own line); Vigil runs a fence from whichever node coordinates, so the host_map keeps
        // the device to the nodes heartbeat used it for.
        var targets = new ArrayList<String>(from.text().equals("*") ? nodes : nodes.stream()
                .filter(n -> !n.equals(from.text())).toList());
        String host = null;
        for (int i = 0; i < plugin.params().size() && i < params.size(); i++) {
            String key = plugin.params().get(i);
            String value = params.get(i).text();
            if (key.equals(HOST)) {
                host = value;
            } else if (key.equals(INTERFACE)) {
                if (value.equalsIgnoreCase("lanplus")) fenceParams.put("lanplus", "1");
            } else {
                fenceParams.put(key, value);
            }
        }
        if (host != null) {
            String h = host;
            if (!nodes.contains(h)) {
                unmapped(name, d, 2, "it fences `" + h + "`, which is not a node of ha.cf (" + String.join(", ", nodes) + ")");
                return;
            }
            targets.removeIf(n -> !n.equals(h));
        }
        if (targets.isEmpty()) {
            unmapped(name, d, 2, "it fences no node but the one it runs on");
            return;
        }
        boolean allNodes = targets.size() == nodes.size() && host == null;
        var hostMap = new LinkedHashMap<String, Object>();
        targets.forEach(n -> hostMap.put(n, n));
        String id = ids.id(plugin.idPrefix() + (host != null ? "-" + host : from.text().equals("*") ? "" : "-from-" + from.text()));
        draft.fence(Draft.ordered("id", id, "agent", plugin.agent(), "params", fenceParams,
                        "host_map", allNodes ? null : hostMap),
                "from " + name.source() + " `stonith_host " + from.text() + " " + type + " …`"
                        + (params.size() > plugin.params().size() ? " (its further parameters are not used)" : ""));
        if (fenceParams.containsKey("password") || fenceParams.containsKey("community")) secrets.add(id);
        devices++;
    }

    /** After the last line: one note for the passwords the file now holds. */
    void finish() {
        if (!secrets.isEmpty()) {
            draft.note("the fence device" + (secrets.size() > 1 ? "s " : " ") + String.join(", ", secrets)
                    + (secrets.size() > 1 ? " have their passwords" : " has its password")
                    + " in the cluster file, as ha.cf had: keep it readable by root only");
        }
    }

    /** Listed with the line's first {@code words} arguments only: the rest may hold a password. */
    private void unmapped(Token name, HaCf.Directive d, int words, String why) {
        var shown = new StringBuilder(name.text());
        d.args().stream().limit(words).forEach(a -> shown.append(' ').append(a.text()));
        if (d.args().size() > words) shown.append(" …");
        draft.unmapped(Unmapped.at(name, "`" + shown + "`", why
                + (d.args().size() > words ? " (its parameters, which may hold a password, are not repeated here)" : "")));
    }
}
