package dev.vigil.importer.heartbeat;

import dev.vigil.importer.Draft;
import dev.vigil.importer.Durations;
import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportProblem;
import dev.vigil.importer.ImportResult;
import dev.vigil.importer.Ip;
import dev.vigil.importer.Loader;
import dev.vigil.importer.NodeOption;
import dev.vigil.importer.Resolver;
import dev.vigil.importer.Resources;
import dev.vigil.importer.Token;
import dev.vigil.importer.Unmapped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code vigil import heartbeat}: a heartbeat v1 configuration ({@code ha.cf}, {@code haresources},
 * {@code authkeys}) turned into one cluster file. Pure: the files come as text (the files of
 * {@code stonith TYPE FILE} lines through the request's {@link Loader}), names are resolved through
 * the given {@link Resolver}, and a new key comes from the given random source.
 */
public final class HeartbeatImport {
    /** One input file: its text and the path shown in errors and comments. */
    public record Source(String text, Path path) {}

    /** What the import reads and how it finds what the files do not say. */
    public record Request(Source haCf, Source haresources, Optional<Source> authkeys, List<NodeOption> nodes,
                          String keyfile, Resolver resolver, SecureRandom random, Loader loader) {
        /** The files {@code stonith TYPE FILE} lines name read from this machine. */
        public Request(Source haCf, Source haresources, Optional<Source> authkeys, List<NodeOption> nodes,
                       String keyfile, Resolver resolver, SecureRandom random) {
            this(haCf, haresources, authkeys, nodes, keyfile, resolver, random, Loader.bounded("stonith parameters file"));
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/.*)?");
    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s)?");
    private static final Duration KEEPALIVE = Duration.ofSeconds(1);
    private static final Duration DEADTIME = Duration.ofSeconds(30);
    private static final int MIN_KEY_BYTES = 16;

    private final Request request;
    private final Draft draft = new Draft();
    private final List<ImportProblem> problems = new ArrayList<>();
    private final Map<String, Token> timers = new LinkedHashMap<>();
    private final Map<String, Duration> times = new LinkedHashMap<>();
    private final List<Token> nodes = new ArrayList<>();
    private final List<HaCf.Directive> media = new ArrayList<>();
    private final List<HaCf.Directive> stonith = new ArrayList<>();
    private int port = 694;
    private Token portToken;
    private int baud = 19200;
    private Token baudToken;

    private HeartbeatImport(Request request) {
        this.request = request;
    }

    public static ImportResult run(Request request) throws ImportException {
        return new HeartbeatImport(request).build();
    }

    private ImportResult build() throws ImportException {
        var directives = HaCf.parse(request.haCf().text(), request.haCf().path());
        var groups = Haresources.parse(request.haresources().text(), request.haresources().path());
        String from = request.haCf().path().getFileName() + ", " + request.haresources().path().getFileName()
                + request.authkeys().map(a -> ", " + a.path().getFileName()).orElse("");
        draft.header("Imported from heartbeat v1 (" + from + ") by `vigil import heartbeat`.");
        draft.header("Each line says where it came from; what could not be carried over is listed at the end.");
        draft.header("Check it with `vigil config check`; see docs/import.md.");
        draft.cluster("heartbeat", "heartbeat v1 has no cluster name: rename it before the first start if you like");
        for (var d : directives) directive(d);
        if (nodes.isEmpty()) {
            problems.add(new ImportProblem(request.haCf().path(), 1, 1,
                    "ha.cf names no node: add `node NAME` lines (each `uname -n` of a member)"));
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
        key();
        timing();
        var addresses = new Addresses(request, nodes, media).assign(draft);
        for (var n : nodes) draft.node(n.text(), addresses.get(n.text()).address(), addresses.get(n.text()).why());
        links();
        if (!draft.hasLinks()) {
            problems.add(new ImportProblem(request.haCf().path(), 1, 1, "ha.cf names no medium heartbeats could use "
                    + "(bcast, mcast, ucast, or serial between two nodes)"));
        }
        groups(groups);
        var fencing = new Stonith(draft, nodes.stream().map(Token::text).toList(), request.haCf().path(), request.loader(),
                problems);
        stonith.forEach(fencing::directive);
        fencing.finish();
        if (!draft.hasPolicy("auto_failback")) {
            draft.policy("auto_failback", true, "heartbeat's default (legacy: fails back, as without nice_failback)");
        }
        if (nodes.size() == 2 && draft.hasResources() && !draft.hasPing() && !draft.hasFencing()) {
            draft.policy("two_node_unsafe", true, "heartbeat v1 ran both halves of a split; configure fencing "
                    + "(docs/fencing.md) or ping and remove this");
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
        return new ImportResult(draft.render(), keyBytes, draft.notes(), draft.unmappedList());
    }

    // ---- ha.cf, one directive at a time (heartbeat/config.c's table) ----

    private void directive(HaCf.Directive d) {
        var name = d.name();
        var args = d.args();
        switch (name.text()) {
            case "keepalive", "deadtime", "warntime", "initdead" -> {
                if (args.size() != 1) {
                    problems.add(name.problem("`" + name.text() + "` takes one time: seconds, or ms with an `ms` suffix"));
                    return;
                }
                var m = TIME.matcher(args.get(0).text());
                if (!m.matches()) {
                    problems.add(args.get(0).problem("`" + args.get(0).text() + "` is not a time: write seconds (`2`) or "
                            + "milliseconds (`500ms`)"));
                    return;
                }
                double v = Double.parseDouble(m.group(1));
                long ms = Math.round("ms".equals(m.group(2)) ? v : v * 1000);
                if (ms <= 0 || ms > 86_400_000L) {
                    problems.add(args.get(0).problem("`" + name.text() + " " + args.get(0).text() + "`: a time from 1ms to a day"));
                    return;
                }
                timers.put(name.text(), name);
                times.put(name.text(), Duration.ofMillis(ms));
            }
            case "udpport" -> number(d, 1, 65535).ifPresent(p -> {
                port = p;
                portToken = name;
            });
            case "baud" -> number(d, 1, Integer.MAX_VALUE).ifPresent(b -> {
                if (!List.of(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600).contains(b)) {
                    problems.add(args.get(0).problem("baud " + b + " is not a standard serial rate (e.g. 19200, 38400, 115200)"));
                } else {
                    baud = b;
                    baudToken = name;
                }
            });
            case "bcast", "ucast", "serial" -> {
                if (args.isEmpty() || (name.text().equals("ucast") && args.size() != 2)) {
                    problems.add(name.problem(name.text().equals("ucast") ? "`ucast` takes an interface and a peer's "
                            + "address (e.g. `ucast eth0 10.0.0.49`)" : "`" + name.text() + "` names at least one device"));
                    return;
                }
                var badDevice = (name.text().equals("ucast") ? args.subList(0, 1) : name.text().equals("serial") ? List.<Token>of()
                        : args).stream().filter(a -> !Ip.interfaceName(a.text())).findFirst();
                if (badDevice.isPresent()) {
                    problems.add(badDevice.get().problem("`" + badDevice.get().text() + "` is not a network interface name"));
                    return;
                }
                if (name.text().equals("ucast") && !Ip.unicast(args.get(1).text())) {
                    problems.add(args.get(1).problem("`" + args.get(1).text() + "` is not a peer's (unicast) IP address"));
                    return;
                }
                media.add(d);
            }
            case "mcast" -> {
                if (args.size() < 3) {
                    problems.add(name.problem("`mcast` takes an interface, a group, a port, a ttl and loop "
                            + "(e.g. `mcast eth0 225.0.0.1 694 1 0`)"));
                    return;
                }
                if (!Ip.interfaceName(args.get(0).text())) {
                    problems.add(args.get(0).problem("`" + args.get(0).text() + "` is not a network interface name"));
                    return;
                }
                var group = args.get(1);
                boolean multicast = group.text().matches("2(2[4-9]|3\\d)(\\.\\d{1,3}){3}")
                        || group.text().toLowerCase(java.util.Locale.ROOT).matches("ff[0-9a-f]{2}:[0-9a-f:]*");
                if (!multicast) {
                    problems.add(group.problem("`" + group.text() + "` is not a multicast group (224.0.0.0 to 239.255.255.255)"));
                    return;
                }
                if (!args.get(2).text().matches("\\d{1,5}") || Integer.parseInt(args.get(2).text()) < 1
                        || Integer.parseInt(args.get(2).text()) > 65535) {
                    problems.add(args.get(2).problem("`" + args.get(2).text() + "` is not a port (1 to 65535)"));
                    return;
                }
                if (args.size() > 3 && (!args.get(3).text().matches("\\d{1,3}") || Integer.parseInt(args.get(3).text()) > 255)) {
                    problems.add(args.get(3).problem("`" + args.get(3).text() + "` is not a ttl (0 to 255)"));
                    return;
                }
                media.add(d);
            }
            case "node" -> {
                if (args.isEmpty()) problems.add(name.problem("`node` names at least one node"));
                for (var n : args) {
                    if (nodes.stream().anyMatch(x -> x.text().equals(n.text()))) {
                        problems.add(n.problem("node " + n.text() + " is named twice"));
                    } else if (!n.text().matches("[A-Za-z0-9_.-]{1,64}")) {
                        problems.add(n.problem("node name `" + n.text() + "` has characters a cluster file's name cannot "
                                + "hold (letters, digits, `_`, `.`, `-`)"));
                    } else {
                        nodes.add(n);
                    }
                }
            }
            case "auto_failback" -> {
                String v = args.isEmpty() ? "" : args.get(0).text().toLowerCase(java.util.Locale.ROOT);
                switch (v) {
                    case "on", "yes", "true", "y", "1" -> draft.policy("auto_failback", true, "from " + name.source());
                    case "off", "no", "false", "n", "0" -> draft.policy("auto_failback", false, "from " + name.source());
                    case "legacy" -> draft.policy("auto_failback", true, "from " + name.source()
                            + " (legacy: fails back, as heartbeat did without nice_failback)");
                    default -> problems.add((args.isEmpty() ? name : args.get(0)).problem(
                            "auto_failback is on, off or legacy"));
                }
            }
            case "ping" -> args.forEach(a -> draft.ping(a.text(), "from " + name.source()));
            case "ping_group" -> {
                if (args.size() < 2) {
                    problems.add(name.problem("`ping_group` takes a name and at least one address"));
                    return;
                }
                // A group is up when any of its addresses answers; Vigil's ping targets are the same:
                // reaching any one of them is enough.
                args.subList(1, args.size()).forEach(a -> draft.ping(a.text(),
                        "from " + name.source() + " (ping_group " + args.get(0).text() + ")"));
            }
            case "respawn" -> respawn(d);
            case "crm", "pacemaker" -> {
                String v = args.isEmpty() ? "" : args.get(0).text().toLowerCase(java.util.Locale.ROOT);
                if (List.of("off", "no", "false", "n", "0").contains(v)) {
                    draft.note(name.source() + ": `" + d.text() + "`: heartbeat's own resource manager runs haresources, "
                            + "as Vigil does: nothing to carry over");
                } else {
                    unmapped(name, d, "with the CRM on, heartbeat ignores haresources and Pacemaker's CIB holds the "
                            + "resources; Vigil does not read a CIB (only the membership and haresources were imported)");
                }
            }
            case "stonith", "stonith_host" -> stonith.add(d); // once every node is known
            case "watchdog" -> unmapped(name, d, "Vigil does not drive a watchdog device");
            case "logfile", "debugfile", "logfacility", "use_logd", "debug" -> unmapped(name, d,
                    "Vigil logs to stderr, which systemd sends to the journal (`journalctl -u vigil`)");
            case "apiauth" -> unmapped(name, d, "Vigil has no heartbeat API clients; operators' access is the console's "
                    + "roles (docs/console.md)");
            case "deadping" -> unmapped(name, d, "Vigil's ping targets have no separate dead time");
            case "realtime" -> unmapped(name, d, "the agent always asks for real-time priority (docs/architecture.md)");
            case "autojoin" -> unmapped(name, d, "Vigil's members are the file's `nodes:`; none join on their own");
            default -> unmapped(name, d, "not a directive Vigil has an equivalent for");
        }
    }

    private Optional<Integer> number(HaCf.Directive d, int min, int max) {
        if (d.args().size() != 1 || !d.args().get(0).text().matches("\\d{1,10}")
                || Long.parseLong(d.args().get(0).text()) < min || Long.parseLong(d.args().get(0).text()) > max) {
            problems.add((d.args().isEmpty() ? d.name() : d.args().get(0)).problem("`" + d.name().text()
                    + "` takes one number from " + min + " to " + max));
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(d.args().get(0).text()));
    }

    private void respawn(HaCf.Directive d) {
        String program = d.args().isEmpty() ? "" : d.args().get(d.args().size() - 1).text();
        if (program.endsWith("/ipfail")) {
            unmapped(d.name(), d, "Vigil has no ipfail: its `ping:` targets (imported above) break ties and gate "
                    + "fencing, but do not move resources away from a node that lost them");
        } else {
            unmapped(d.name(), d, "Vigil starts no helper programs: run it as its own systemd unit, or as a "
                    + "`systemd:` clone resource (`clone: true`)");
        }
    }

    private void unmapped(Token at, HaCf.Directive d, String why) {
        draft.unmapped(Unmapped.at(at, "`" + d.text() + "`", why));
    }

    // ---- timing: heartbeat's defaults fill in what ha.cf does not say ----

    private void timing() throws ImportException {
        Duration keepalive = times.getOrDefault("keepalive", KEEPALIVE);
        Duration deadtime = times.getOrDefault("deadtime", DEADTIME);
        if (deadtime.compareTo(keepalive.multipliedBy(2)) <= 0) {
            var at = timers.getOrDefault("deadtime", timers.get("keepalive"));
            throw new ImportException(at.problem("deadtime " + Durations.yaml(deadtime) + " must exceed twice keepalive ("
                    + Durations.yaml(keepalive) + "), as heartbeat itself requires"));
        }
        Duration warntime = times.getOrDefault("warntime", deadtime.dividedBy(2));
        String warnWhy = timers.containsKey("warntime") ? "from " + timers.get("warntime").source() : "heartbeat's default: deadtime/2";
        if (warntime.compareTo(keepalive) <= 0 || warntime.compareTo(deadtime) >= 0) {
            warntime = deadtime.dividedBy(2);
            warnWhy = "was " + Durations.yaml(times.get("warntime")) + " at " + timers.get("warntime").source()
                    + ", not between keepalive and deadtime as Vigil requires: deadtime/2";
            draft.note(timers.get("warntime").source() + ": warntime " + warnWhy);
        }
        Duration defaultInitdead = deadtime.compareTo(Duration.ofSeconds(10)) > 0 ? deadtime
                : max(Duration.ofSeconds(12), deadtime.multipliedBy(2));
        Duration initdead = times.getOrDefault("initdead", defaultInitdead);
        String initWhy = timers.containsKey("initdead") ? "from " + timers.get("initdead").source() : "heartbeat's default";
        if (initdead.compareTo(deadtime) < 0) {
            initWhy = "was " + Durations.yaml(initdead) + " at " + timers.get("initdead").source()
                    + ", less than deadtime, which Vigil refuses: deadtime";
            initdead = deadtime;
            draft.note(timers.get("initdead").source() + ": initdead " + initWhy);
        }
        draft.timing("keepalive", Durations.yaml(keepalive), why("keepalive", "heartbeat's default"));
        draft.timing("warntime", Durations.yaml(warntime), warnWhy);
        draft.timing("deadtime", Durations.yaml(deadtime), why("deadtime", "heartbeat's default"));
        draft.timing("initdead", Durations.yaml(initdead), initWhy);
    }

    private String why(String timer, String otherwise) {
        return timers.containsKey(timer) ? "from " + timers.get(timer).source() : otherwise;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    // ---- media → links ----

    private void links() {
        boolean unicast = false;
        String portFrom = portToken == null ? "" : ", port from " + portToken.source();
        String firstUcastDevice = media.stream().filter(m -> m.name().text().equals("ucast"))
                .map(m -> m.args().get(0).text()).findFirst().orElse(null);
        var linkNames = new Resources();
        var seen = new java.util.HashMap<String, Token>();
        for (var m : media) {
            var name = m.name();
            switch (name.text()) {
                case "bcast" -> m.args().forEach(dev -> {
                    if (repeated(seen, "bcast " + dev.text(), dev, m)) return;
                    draft.link(Draft.ordered("type", "udp", "mode", "broadcast", "name", linkNames.id("bcast-" + dev.text()),
                            "port", port, "interface", dev.text()), "from " + name.source() + portFrom);
                });
                case "mcast" -> {
                    var a = m.args();
                    if (repeated(seen, "mcast " + a.get(0).text() + " " + a.get(1).text() + " " + a.get(2).text(), name, m)) {
                        continue;
                    }
                    Integer ttl = a.size() > 3 ? Integer.valueOf(a.get(3).text()) : null;
                    Integer mport = Integer.valueOf(a.get(2).text());
                    draft.link(Draft.ordered("type", "udp", "mode", "multicast", "name", linkNames.id("mcast-" + a.get(0).text()),
                            "group", a.get(1).text(), "port", mport, "interface", a.get(0).text(), "ttl", ttl),
                            "from " + name.source() + (a.size() > 4 ? " (loop " + a.get(4).text() + ": Vigil needs no loopback)" : ""));
                }
                case "ucast" -> {
                    if (!m.args().get(0).text().equals(firstUcastDevice)) {
                        unmapped(name, m, "a Vigil node has one address, on " + firstUcastDevice + " here; for heartbeats on a "
                                + "second network add a broadcast or multicast link on " + m.args().get(0).text());
                    } else if (!unicast) {
                        unicast = true;
                        draft.link(Draft.ordered("type", "udp", "mode", "unicast", "port", port),
                                "from " + name.source() + portFrom + ": to every node's address");
                    }
                }
                case "serial" -> {
                    for (var dev : m.args()) {
                        if (repeated(seen, "serial " + dev.text(), dev, m)) continue;
                        if (nodes.size() != 2) {
                            draft.unmapped(Unmapped.at(dev, "`serial " + dev.text() + "`", "a serial cable joins two nodes; "
                                    + "ha.cf names " + nodes.size()));
                            continue;
                        }
                        draft.link(Draft.ordered("type", "serial", "name", linkNames.id("serial-" + Path.of(dev.text()).getFileName()),
                                "between", List.of(nodes.get(0).text(), nodes.get(1).text()), "device", dev.text(),
                                "baud", baud), "from " + name.source() + (baudToken == null ? "" : ", baud from " + baudToken.source()));
                    }
                }
                default -> throw new IllegalStateException(name.text());
            }
        }
    }

    /** A medium named again (a line repeated, a device twice) is one link: the repeat is listed. */
    private boolean repeated(Map<String, Token> seen, String medium, Token at, HaCf.Directive d) {
        var first = seen.putIfAbsent(medium, at);
        if (first == null) return false;
        draft.unmapped(Unmapped.at(at, "`" + medium + "`", "the same medium as " + first.source() + ": one link"));
        return true;
    }

    // ---- haresources → resources and groups ----

    private void groups(List<Haresources.Line> lines) {
        var ids = new Resources();
        var nodeNames = nodes.stream().map(Token::text).toList();
        for (var line : lines) {
            if (!nodeNames.contains(line.node().text())) {
                problems.add(line.node().problem("`" + line.node().text() + "` is not a node of "
                        + request.haCf().path().getFileName() + " (" + String.join(", ", nodeNames) + ")"));
                continue;
            }
            var members = new ArrayList<String>();
            for (var r : line.resources()) {
                resource(r, ids).ifPresent(members::add);
            }
            // Named after its service: the first script that is not an address, a filesystem or a mail notice.
            String service = line.resources().stream().map(r -> r.text().split("::", -1)[0])
                    .filter(s -> !IPV4.matcher(s).matches() && !List.of("IPaddr", "IPaddr2", "Filesystem", "MailTo").contains(s))
                    .findFirst().orElse("");
            String group = ids.id(service.isEmpty() ? "group" : service + "-group");
            draft.group(Draft.ordered("id", group, "members", members, "prefer", line.node().text()),
                    "from " + line.node().source());
        }
    }

    private Optional<String> resource(Token r, Resources ids) {
        String[] parts = r.text().split("::", -1);
        String script = parts[0];
        var args = List.of(parts).subList(1, parts.length);
        String from = "from " + r.source();
        if (IPV4.matcher(script).matches()) {
            args = List.of(script);
            script = "IPaddr";
        }
        switch (script) {
            case "IPaddr", "IPaddr2" -> {
                if (args.isEmpty()) {
                    problems.add(r.problem(script + " needs its address: `" + script + "::10.0.0.46/24/eth0`"));
                    return Optional.empty();
                }
                String[] ip = args.get(0).split("/", -1);
                String id = ids.id("ip-" + ip[0]);
                draft.resource(Draft.ordered("id", id, "agent", "ocf:vigil:IPaddr", "params",
                        Resources.ipParams(ip[0], part(ip, 1), part(ip, 2), part(ip, 3))), from + " `" + r.text() + "`");
                return Optional.of(id);
            }
            case "Filesystem" -> {
                if (args.size() < 2) {
                    problems.add(r.problem("Filesystem needs a device and a directory: `Filesystem::/dev/sdb1::/ha::ext3`"));
                    return Optional.empty();
                }
                String id = ids.id("fs" + args.get(1).replace('/', '-'));
                draft.resource(Draft.ordered("id", id, "agent", "ocf:vigil:Filesystem", "params", Draft.ordered(
                        "device", args.get(0), "directory", args.get(1), "fstype", args.size() > 2 ? args.get(2) : null,
                        "options", args.size() > 3 ? args.get(3) : null)), from + " `" + r.text() + "`");
                return Optional.of(id);
            }
            default -> {
                try {
                    dev.vigil.model.ResourceAgentRef.parse("heartbeat:" + r.text()); // the cluster file's own rule
                } catch (IllegalArgumentException e) {
                    problems.add(r.problem("`" + r.text() + "` is not a resource: a script name, then `::`-separated "
                            + "arguments (e.g. `apache` or `MailTo::root`)"));
                    return Optional.empty();
                }
                String id = ids.id(script);
                draft.resource(Draft.ordered("id", id, "agent", "heartbeat:" + r.text()),
                        from + ": a heartbeat-style script, looked up in /etc/ha.d/resource.d then /etc/init.d");
                return Optional.of(id);
            }
        }
    }

    private static String part(String[] p, int i) {
        return i < p.length ? p[i] : null;
    }

    // ---- authkeys → the key file ----

    private byte[] keyBytes;

    private void key() throws ImportException {
        var where = request.keyfile();
        if (request.authkeys().isEmpty()) {
            keyBytes = ImportResult.newKey(request.random());
            draft.keyfile(where, "a new key (no authkeys given): copy it to every node, mode 0600");
            draft.note("no authkeys given: a new key was made in " + where);
            return;
        }
        var a = request.authkeys().get();
        var key = Authkeys.parse(a.text(), a.path());
        var method = key.method();
        if (method.text().equals("crc")) {
            keyBytes = ImportResult.newKey(request.random());
            draft.keyfile(where, "a NEW key: " + method.source() + " uses crc, which is no key at all");
            draft.note(method.source() + ": `crc` authenticates nothing (anyone on the network could speak for a node): "
                    + "a new random key was made in " + where + "; copy it to every node");
        } else if (key.secret().orElseThrow().text().getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
            keyBytes = ImportResult.newKey(request.random());
            draft.keyfile(where, "a NEW key: the " + method.text() + " secret at " + method.source() + " is shorter than "
                    + MIN_KEY_BYTES + " bytes");
            draft.note(method.source() + ": the " + method.text() + " secret is shorter than Vigil's minimum of "
                    + MIN_KEY_BYTES + " bytes: a new random key was made in " + where + "; copy it to every node");
        } else {
            keyBytes = (key.secret().get().text() + "\n").getBytes(StandardCharsets.UTF_8);
            draft.keyfile(where, "the " + method.text() + " secret of " + method.source()
                    + " (Vigil signs with HMAC-SHA256 whatever the method was)");
        }
    }
}
