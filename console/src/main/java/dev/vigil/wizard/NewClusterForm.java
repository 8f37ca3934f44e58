package dev.vigil.wizard;

import dev.vigil.config.ConfigError;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.Durations;
import dev.vigil.config.TimingPreset;
import dev.vigil.playbook.VarDecl;
import dev.vigil.playbook.VarType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The new-cluster wizard's questions and what they make: a {@link Form} whose fields follow its
 * own answers, the cluster file and the SSH inventory written from them, and the agent's loader's
 * verdict on that file. Pure state, no drawing.
 *
 * <p>Two field kinds the recipes' forms lack are made here from ordinary fields, so any wizard can
 * use them: a <em>group repeated by a count</em> ({@link #repeated}: {@code node_count} nodes, each
 * with a name, an address and its SSH access, {@code node1_name} ... {@code node3_ssh_port}), and a
 * <em>field per chosen node</em> (a serial device for each node the serial cable joins,
 * {@code serial_device_ha1}). The layout is worked out again after every key ({@link #relayout}),
 * keeping every answer given by its name, so a node removed and added back keeps its answers.
 *
 * <p>The two-node rule is the cluster file's own: the generated file is read by the agent's
 * loader ({@link ConfigLoader#checkAwayFromNodes}), once as it is and once as it will be when the
 * first recipe adds a resource (the loader applies the rule to files with resources), so a
 * two-node cluster without fencing, a ping target or the explicit unsafe mode is refused with the
 * loader's own reason.
 */
final class NewClusterForm {
    static final int MIN_NODES = 2;
    static final int MAX_NODES = 16;
    /** The cluster file's node and cluster names (SectionReader.NAME). */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    /** A placeholder resource: with it the loader applies the two-node rule (see the class comment). */
    static final String PROBE = "resources:\n  - {id: wizard-probe, agent: \"ocf:vigil:Dummy\"}\n";

    private Form form;

    NewClusterForm() {
        form = new Form(layout(Map.of()));
    }

    Form form() {
        return form;
    }

    /** After any key: the fields the answers call for now, every answer kept by name. */
    void relayout() {
        form = form.relaid(layout(form.answersByName()));
    }

    // ---- the layout -----------------------------------------------------------------------------

    private static VarDecl decl(String name, VarType type, String def, String description) {
        return new VarDecl(name, type, Optional.ofNullable(def), description, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static VarDecl text(String name, Pattern pattern, String def, String description) {
        return new VarDecl(name, VarType.STRING, Optional.ofNullable(def), description, List.of(), Optional.of(pattern),
                Optional.empty(), Optional.empty());
    }

    private static VarDecl choice(String name, List<String> choices, String def, String description) {
        return new VarDecl(name, VarType.CHOICE, Optional.of(def), description, choices, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A group of fields repeated {@code count} times: {@code prefix1_name}, {@code prefix1_address},
     * ..., {@code prefix2_name}, ... Each column's description says which row it is.
     */
    static List<VarDecl> repeated(String prefix, int count, List<VarDecl> columns) {
        var out = new ArrayList<VarDecl>();
        for (int i = 1; i <= count; i++) {
            for (var c : columns) {
                out.add(new VarDecl(prefix + i + "_" + c.name(), c.type(), c.defaultValue(), prefix + " " + i + ": " + c.description(),
                        c.choices(), c.pattern(), c.min(), c.max()));
            }
        }
        return out;
    }

    /** One field per node named in {@code nodes}: {@code prefix_NODE}. */
    static List<VarDecl> perNode(String prefix, List<String> nodes, VarType type, String def, String description) {
        return nodes.stream().map(n -> decl(prefix + "_" + n, type, def, description + " on " + n)).toList();
    }

    static String presetSeconds(TimingPreset p) {
        var t = p.timing();
        return p.configName() + ": beat " + Durations.format(t.keepalive()) + ", warn " + Durations.format(t.warntime())
                + ", dead after " + Durations.format(t.deadtime()) + ", first start " + Durations.format(t.initdead());
    }

    static List<Field> layout(Map<String, String> a) {
        var d = new ArrayList<VarDecl>();
        d.add(text("cluster", NAME, null, "the cluster's name (every node's agent checks it on every packet)"));
        d.add(new VarDecl("node_count", VarType.INT, Optional.of("2"), "how many nodes (the list below follows)", List.of(),
                Optional.empty(), Optional.of((long) MIN_NODES), Optional.of((long) MAX_NODES)));
        d.addAll(repeated("node", nodeCount(a), List.of(
                text("name", NAME, null, "its name (its hostname, as uname -n prints it)"),
                decl("address", VarType.IP, null, "its address on the cluster network: heartbeats and the control port"),
                text("ssh_user", USER, "root", "the SSH user this machine logs in as (root, or one with sudo)"),
                decl("ssh_port", VarType.PORT, "22", "its SSH port"))));
        var presets = java.util.Arrays.stream(TimingPreset.values()).map(TimingPreset::configName).toList();
        String seconds = String.join("; ", java.util.Arrays.stream(TimingPreset.values()).map(NewClusterForm::presetSeconds).toList());
        d.add(choice("timing", presets, "lan", "how fast a lost node is declared dead: " + seconds));
        d.add(decl("unicast", VarType.BOOL, "true", "a UDP unicast heartbeat link to every node's address"));
        if (on(a, "unicast", true)) d.add(decl("unicast_port", VarType.PORT, "694", "its UDP port"));
        d.add(decl("multicast", VarType.BOOL, "false", "a UDP multicast heartbeat link"));
        if (on(a, "multicast", false)) {
            d.add(decl("multicast_group", VarType.IP, "239.0.0.94", "its multicast group"));
            d.add(decl("multicast_port", VarType.PORT, "695", "its UDP port"));
        }
        d.add(decl("broadcast", VarType.BOOL, "false", "a UDP broadcast heartbeat link"));
        if (on(a, "broadcast", false)) d.add(decl("broadcast_port", VarType.PORT, "696", "its UDP port"));
        d.add(decl("serial", VarType.BOOL, "false", "a serial (null-modem) heartbeat link between two nodes; test it first with the serial-link wizard"));
        if (on(a, "serial", false)) {
            d.add(decl("serial_between", VarType.NODES, "", "the two nodes the cable joins"));
            d.add(choice("serial_baud", List.of("9600", "19200", "38400", "57600", "115200"), "19200", "the line's rate"));
            d.addAll(perNode("serial_device", chosen(a.getOrDefault("serial_between", "")), VarType.PATH, "/dev/ttyS0", "the cable's port"));
        }
        d.add(decl("fencing", VarType.BOOL, "false", "a fence device that powers a lost node off before its resources move"));
        if (on(a, "fencing", false)) {
            d.add(text("fence_agent", Pattern.compile("fence_[A-Za-z0-9_]{1,60}"), null, "the fence agent (fence_ipmilan, fence_virsh, ...)"));
            d.add(text("fence_params", Pattern.compile("([A-Za-z_][A-Za-z0-9_]*=[^,\\s{}\\[\\]\"']+)(,[A-Za-z_][A-Za-z0-9_]*=[^,\\s{}\\[\\]\"']+)*"),
                    null, "its parameters, name=value separated by commas (ip=10.0.0.201,username=admin)"));
        }
        d.add(text("ping_target", Pattern.compile("|[0-9A-Fa-f.:]{2,45}"), "",
                "an address every node can reach (the gateway) as a tie-breaker: a node that cannot reach it gives its resources up; empty: none"));
        if (nodeCount(a) == 2) {
            d.add(decl("two_node_unsafe", VarType.BOOL, "false", "with two nodes and neither fencing nor a ping target, accept that both"
                    + " halves of a split run the resources (the cluster file refuses two nodes with none of the three)"));
        } else {
            d.add(choice("no_quorum", List.of("stop", "freeze", "ignore"), "stop", "what a partition without a majority of the votes does with its resources"));
        }
        return d.stream().map(Field::of).toList();
    }

    private static boolean on(Map<String, String> a, String name, boolean def) {
        String v = a.getOrDefault(name, String.valueOf(def)).strip().toLowerCase();
        return v.equals("true") || v.equals("yes");
    }

    static int nodeCount(Map<String, String> a) {
        try {
            return Math.max(MIN_NODES, Math.min(MAX_NODES, Integer.parseInt(a.getOrDefault("node_count", "2").strip())));
        } catch (NumberFormatException e) {
            return MIN_NODES;
        }
    }

    private static List<String> chosen(String v) {
        var s = v.strip();
        return s.isEmpty() ? List.of() : List.of(s.split("[,\\s]+")).stream().filter(n -> NAME.matcher(n).matches()).distinct().toList();
    }

    /** The node names typed so far (for the node fields' choices), in order, without blanks. */
    List<String> nodeNames() {
        var a = form.answersByName();
        var out = new ArrayList<String>();
        for (int i = 1; i <= nodeCount(a); i++) {
            String n = a.getOrDefault("node" + i + "_name", "").strip();
            if (!n.isEmpty() && !out.contains(n)) out.add(n);
        }
        return out;
    }

    // ---- what it makes ------------------------------------------------------------------------

    /** The answers' problems across fields (each field's own are the form's): empty when none. */
    List<String> crossProblems() {
        var a = form.values();
        var out = new ArrayList<String>();
        var names = new ArrayList<String>();
        var addresses = new ArrayList<String>();
        for (int i = 1; i <= nodeCount(a); i++) {
            String n = a.get("node" + i + "_name");
            String ad = a.get("node" + i + "_address");
            if (names.contains(n)) out.add("node " + i + ": the name " + n + " is given twice");
            if (addresses.contains(ad)) out.add("node " + i + ": the address " + ad + " is given twice");
            names.add(n);
            addresses.add(ad);
        }
        if (on(a, "serial", false)) {
            var between = chosen(a.getOrDefault("serial_between", ""));
            if (between.size() != 2) out.add("serial_between: a cable joins exactly two nodes, got " + between.size());
            else if (!names.containsAll(between)) out.add("serial_between: " + between + " are not both nodes of this cluster");
        }
        if (!on(a, "unicast", true) && !on(a, "multicast", false) && !on(a, "broadcast", false) && !on(a, "serial", false)) {
            out.add("choose at least one heartbeat link (two on different networks ride out a switch failure)");
        }
        return out;
    }

    /** The cluster file the answers make, with the key at the nodes' {@code keyPath}. */
    String clusterFile(String keyPath, String header) {
        var a = form.values();
        var y = new StringBuilder("# ").append(header).append('\n');
        y.append("cluster: ").append(a.get("cluster")).append('\n');
        y.append("auth: {keyfile: ").append(keyPath).append("}\n");
        y.append("timing: {preset: ").append(a.get("timing")).append("}\n");
        y.append("nodes:\n");
        for (int i = 1; i <= nodeCount(a); i++) {
            y.append("  - {name: ").append(a.get("node" + i + "_name")).append(", address: ").append(a.get("node" + i + "_address")).append("}\n");
        }
        y.append("links:\n");
        if (on(a, "unicast", true)) y.append("  - {type: udp, mode: unicast, port: ").append(a.get("unicast_port")).append("}\n");
        if (on(a, "multicast", false)) {
            y.append("  - {type: udp, mode: multicast, group: ").append(a.get("multicast_group")).append(", port: ")
                    .append(a.get("multicast_port")).append("}\n");
        }
        if (on(a, "broadcast", false)) y.append("  - {type: udp, mode: broadcast, port: ").append(a.get("broadcast_port")).append("}\n");
        if (on(a, "serial", false)) {
            var between = chosen(a.getOrDefault("serial_between", ""));
            var devices = new ArrayList<String>();
            for (String n : between) devices.add(n + ": " + a.getOrDefault("serial_device_" + n, "/dev/ttyS0"));
            y.append("  - {type: serial, between: [").append(String.join(", ", between)).append("], device: {")
                    .append(String.join(", ", devices)).append("}, baud: ").append(a.get("serial_baud")).append("}\n");
        }
        if (on(a, "fencing", false)) {
            var params = new ArrayList<String>();
            for (String kv : a.get("fence_params").split(",")) {
                int eq = kv.indexOf('=');
                params.add(kv.substring(0, eq) + ": \"" + kv.substring(eq + 1) + "\"");
            }
            y.append("fencing:\n  - {id: fence1, agent: ").append(a.get("fence_agent")).append(", params: {")
                    .append(String.join(", ", params)).append("}}\n");
        }
        if (!a.getOrDefault("ping_target", "").isBlank()) y.append("ping: [").append(a.get("ping_target").strip()).append("]\n");
        if (nodeCount(a) == 2) {
            if (on(a, "two_node_unsafe", false)) y.append("policy: {two_node_unsafe: true}\n");
        } else {
            y.append("policy: {no_quorum: ").append(a.get("no_quorum")).append("}\n");
        }
        return y.toString();
    }

    /** How this machine reaches each node over SSH, as {@code vigil playbook --inventory} reads it. */
    String inventory() {
        var a = form.values();
        var y = new StringBuilder("# how the new-cluster wizard reaches the nodes (vigil playbook --inventory)\nhosts:\n");
        for (int i = 1; i <= nodeCount(a); i++) {
            y.append("  ").append(a.get("node" + i + "_name")).append(": {address: ").append(a.get("node" + i + "_address"))
                    .append(", ssh: {user: ").append(a.get("node" + i + "_ssh_user")).append(", port: ").append(a.get("node" + i + "_ssh_port"))
                    .append("}}\n");
        }
        return y.toString();
    }

    /**
     * The agent's loader on the file the answers make, as it is and as it will be with a resource
     * (where the two-node rule applies): its errors, {@code cluster.yaml:LINE:COLUMN: why}.
     */
    List<String> loaderProblems(Path file) {
        var out = new LinkedHashMap<String, String>();
        String text = clusterFile("/etc/vigil/authkey", "check");
        for (var e : ConfigLoader.checkAwayFromNodes(text, file)) out.put(e.message(), show(e));
        for (var e : ConfigLoader.checkAwayFromNodes(text + PROBE, file)) {
            if (!e.message().contains("wizard-probe") && !e.message().contains("Dummy")) out.putIfAbsent(e.message(), show(e));
        }
        return List.copyOf(out.values());
    }

    private static String show(ConfigError e) {
        return e.file().getFileName() + ":" + e.line() + ":" + e.column() + ": " + e.message();
    }

    /** Every problem: each field's (the form moves to the first), then across fields, then the loader's. */
    List<String> check(Path file) {
        if (!form.checkAll()) {
            return List.of(form.wrongCount() + " answer" + (form.wrongCount() == 1 ? " is" : "s are") + " not right: fix the fields marked !");
        }
        var cross = crossProblems();
        return cross.isEmpty() ? loaderProblems(file) : cross;
    }
}
