package dev.vigil.importer.heartbeat;

import dev.vigil.importer.Draft;
import dev.vigil.importer.ImportProblem;
import dev.vigil.importer.Loader;
import dev.vigil.importer.Resources;
import dev.vigil.importer.Token;
import dev.vigil.importer.Unmapped;
import dev.vigil.importer.Words;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * heartbeat v1's {@code stonith_host <from-host|*> <stonith-type> <params...>} lines, and
 * {@code stonith <stonith-type> <file>} lines with their parameters read from the file, turned into
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

    /**
     * One device as heartbeat configured it, wherever its parameters were written: {@code at}
     * (where what cannot be mapped is listed: the ha.cf line, or the line of the file that holds
     * its parameters), how it is shown there, whether parameters were left out of that, the host
     * it ran on ({@code *}: any), its plugin, its positional parameters, and what the fence
     * device's comment cites.
     */
    private record Device(Token at, String shown, boolean hidden, String from, String type, List<Token> params, String cite) {}

    private final Draft draft;
    private final List<String> nodes;
    private final Path haCf;
    private final Loader loader;
    private final List<ImportProblem> problems;
    private final Resources ids = new Resources();
    private int devices;
    private final List<String> secrets = new ArrayList<>();

    /**
     * @param haCf     where ha.cf was read: a {@code stonith} line's relative file name is read beside it
     * @param loader   reads those files
     * @param problems where a file that cannot be read is reported (the import then writes nothing)
     */
    Stonith(Draft draft, List<String> nodes, Path haCf, Loader loader, List<ImportProblem> problems) {
        this.draft = draft;
        this.nodes = nodes;
        this.haCf = haCf;
        this.loader = loader;
        this.problems = problems;
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
            fromFile(d);
            return;
        }
        if (args.size() < 2) {
            draft.unmapped(Unmapped.at(name, shown(d), "`stonith_host` takes the host it runs on (or `*`), a stonith type "
                    + "and its parameters"));
            return;
        }
        String from = args.get(0).text();
        String type = args.get(1).text();
        device(new Device(name, shown(d), args.size() > 2, from, type, args.subList(2, args.size()),
                "from " + name.source() + " `stonith_host " + from + " " + type + " …`"));
    }

    /**
     * {@code stonith TYPE FILE}: one device any node may use, its parameters in FILE (relative to
     * ha.cf's directory) as heartbeat read it: lines starting with {@code #} and blank lines
     * skipped, the first other line the plugin's parameters in {@code stonith -t TYPE -n}'s order,
     * the lines after it never read (listed here). Then mapped as a {@code stonith_host *} line.
     */
    private void fromFile(HaCf.Directive d) {
        var args = d.args();
        if (args.size() != 2) {
            problems.add(d.name().problem("`stonith` takes a stonith type and the file of its parameters "
                    + "(`stonith apcmaster /etc/ha.d/stonith.apc`)"));
            return;
        }
        Token type = args.get(0);
        Token file = args.get(1);
        Path path;
        try {
            path = haCf.resolveSibling(file.text());
        } catch (InvalidPathException e) {
            problems.add(file.problem("`" + file.text() + "` is not a file name: " + e.getReason()));
            return;
        }
        String text;
        try {
            text = loader.read(path);
        } catch (IOException e) {
            problems.add(file.problem("cannot read " + path + ", the parameters of `stonith " + type.text() + "`: "
                    + Loader.why(e) + (file.text().startsWith("/") ? "" : " (a relative name is read beside ha.cf)")));
            return;
        }
        List<Token> params = null;
        var lines = Words.lines(text);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank() || lines.get(i).startsWith("#")) continue;
            var words = Words.fields(lines.get(i), path, i + 1);
            if (params == null) {
                params = words;
            } else {
                draft.unmapped(Unmapped.at(words.get(0), "a further line of `stonith " + type.text() + "` parameters",
                        "heartbeat read only the first (" + params.get(0).source() + "), so this one was never used"
                                + HIDDEN));
            }
        }
        if (params == null) {
            problems.add(file.problem(path + " holds no line of parameters for `stonith " + type.text()
                    + "`, only comments and blank lines (heartbeat refused it too)"));
            return;
        }
        device(new Device(params.get(0), "`stonith " + type.text() + " " + file.text() + "`", true, "*", type.text(), params,
                "from " + d.name().source() + " `stonith " + type.text() + " " + file.text() + "` and "
                        + params.get(0).source()));
    }

    /** One device, from an ha.cf line or a file: a fence device if fence-agents drive the same hardware, else listed. */
    private void device(Device v) {
        var params = v.params();
        if (!v.from().equals("*") && !nodes.contains(v.from())) {
            unmapped(v, "`" + v.from() + "` is not a node of ha.cf (" + String.join(", ", nodes) + ")");
            return;
        }
        var plugin = PLUGINS.get(v.type());
        if (plugin == null) {
            unmapped(v, LISTED.getOrDefault(v.type(), "no ClusterLabs fence agent known to drive what heartbeat's `"
                    + v.type() + "` plugin did: configure `fencing:` by hand (docs/fencing.md)"));
            return;
        }
        if (params.size() < plugin.params().size() - (plugin.params().contains(INTERFACE) ? 1 : 0)) {
            unmapped(v, "`" + v.type() + "` takes " + String.join(", ", plugin.params()).replace("<", "").replace(">", "")
                    + "; this line has " + params.size() + " parameter(s)");
            return;
        }
        var fenceParams = new LinkedHashMap<String, Object>();
        // A device on one host fenced the others in heartbeat (a node never resets itself through
        // its own line); Vigil runs a fence from whichever node coordinates, so the host_map keeps
        // the device to the nodes heartbeat used it for.
        var targets = new ArrayList<String>(v.from().equals("*") ? nodes : nodes.stream()
                .filter(n -> !n.equals(v.from())).toList());
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
                unmapped(v, "it fences `" + h + "`, which is not a node of ha.cf (" + String.join(", ", nodes) + ")");
                return;
            }
            targets.removeIf(n -> !n.equals(h));
        }
        if (targets.isEmpty()) {
            unmapped(v, "it fences no node but the one it runs on");
            return;
        }
        boolean allNodes = targets.size() == nodes.size() && host == null;
        var hostMap = new LinkedHashMap<String, Object>();
        targets.forEach(n -> hostMap.put(n, n));
        String id = ids.id(plugin.idPrefix() + (host != null ? "-" + host : v.from().equals("*") ? "" : "-from-" + v.from()));
        draft.fence(Draft.ordered("id", id, "agent", plugin.agent(), "params", fenceParams,
                        "host_map", allNodes ? null : hostMap),
                v.cite() + (params.size() > plugin.params().size() ? " (its further parameters are not used)" : ""));
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

    private static final String HIDDEN = " (its parameters, which may hold a password, are not repeated here)";

    /** A device listed where it was configured, its parameters left out. */
    private void unmapped(Device v, String why) {
        draft.unmapped(Unmapped.at(v.at(), v.shown(), why + (v.hidden() ? HIDDEN : "")));
    }

    /** An ha.cf line shown with its first two arguments only: the rest may hold a password. */
    private static String shown(HaCf.Directive d) {
        var shown = new StringBuilder(d.name().text());
        d.args().stream().limit(2).forEach(a -> shown.append(' ').append(a.text()));
        if (d.args().size() > 2) shown.append(" …");
        return "`" + shown + "`";
    }
}
