package dev.vigil.importer.keepalived;

import dev.vigil.importer.Draft;
import dev.vigil.importer.Resources;
import dev.vigil.importer.Token;
import dev.vigil.importer.Unmapped;
import dev.vigil.importer.keepalived.KeepalivedConf.Item;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A keepalived {@code virtual_server IP PORT} turned into the lvs-director recipe's resource,
 * {@code ocf:vigil:lvs} (the virtual service and its real servers as ipvsadm rules, health-checked
 * at each monitor), put in the group of the floating IP it serves. What the resource cannot say
 * (a sorry server, quorum, retries, other check kinds) is listed with its line.
 */
final class VirtualServers {
    /** The schedulers ipvsadm knows (the lvs agent refuses others). */
    private static final List<String> SCHEDULERS = List.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed",
            "nq", "fo", "ovf", "mh");
    /** keepalived's delay_loop default: a check every 60 s. */
    private static final String DEFAULT_DELAY_LOOP = "60";

    /** A real server's health check as the lvs agent's parameters (one check for all its real servers). */
    private record Check(String kind, String path, String port, String timeout) {
        String words() {
            return kind + (path == null ? "" : " " + path) + (port == null ? "" : " port " + port)
                    + (timeout == null ? "" : " timeout " + timeout + "s");
        }
    }

    private final Draft draft;
    private final Resources ids = new Resources();
    private final Map<String, Token> services = new HashMap<>();

    VirtualServers(Draft draft) {
        this.draft = draft;
    }

    /** True when the virtual_server became a resource; false when the caller lists it whole. */
    boolean map(Item vs) {
        var a = vs.args();
        if (a.size() != 2 || !a.get(0).text().matches("\\d{1,3}(\\.\\d{1,3}){3}") || !a.get(1).text().matches("\\d{1,5}")
                || Integer.parseInt(a.get(1).text()) < 1 || Integer.parseInt(a.get(1).text()) > 65535) {
            return false; // fwmark, a virtual_server_group, IPv6, or damaged: the lvs agent takes an IPv4 address and port
        }
        String protocol = vs.arg("protocol").orElse("TCP").toLowerCase(Locale.ROOT);
        if (!List.of("tcp", "udp").contains(protocol)) return false;
        String vip = a.get(0).text();
        String port = a.get(1).text();
        var first = services.putIfAbsent(protocol + " " + vip + ":" + port, vs.key());
        if (first != null) {
            draft.note(vs.key().source() + ": `" + vs.text() + "` again (first at " + first.source() + ", which was imported)");
            return true;
        }
        var params = new LinkedHashMap<String, Object>();
        params.put("vip", vip);
        params.put("port", port);
        params.put("protocol", protocol);
        String scheduler = vs.arg("lb_algo").or(() -> vs.arg("lvs_sched")).orElse("wlc");
        if (SCHEDULERS.contains(scheduler)) {
            params.put("scheduler", scheduler);
        } else {
            listed(vs.child("lb_algo").or(() -> vs.child("lvs_sched")).orElseThrow(), vs, "not an IPVS scheduler the lvs "
                    + "resource knows (" + String.join(", ", SCHEDULERS) + "): wlc, ipvsadm's default, is used");
        }
        vs.child("persistence_timeout").ifPresent(p -> {
            // keepalived: a persistence_timeout without a value is 6 minutes.
            String t = p.args().isEmpty() ? "360" : p.args().get(0).text();
            if (t.matches("\\d{1,7}")) params.put("persistent", t);
            else listed(p, vs, "not a number of seconds");
        });
        String kind = vs.arg("lb_kind").or(() -> vs.arg("lvs_method")).orElse("NAT").toUpperCase(Locale.ROOT);
        params.put("forwarding", switch (kind) {
            case "DR" -> "dr";
            case "TUN" -> "tun";
            default -> "nat";
        });
        var reals = new ArrayList<String>();
        var checks = new ArrayList<Check>();
        boolean inhibit = false;
        boolean allInhibit = true;
        for (var child : vs.children()) {
            switch (child.key().text()) {
                case "protocol", "lb_algo", "lvs_sched", "persistence_timeout", "lb_kind", "lvs_method", "delay_loop" -> {
                    // read above and below
                }
                case "real_server" -> {
                    var rs = child.args();
                    String weight = child.arg("weight").orElse("1");
                    if (rs.size() != 2 || !rs.get(0).text().matches("\\d{1,3}(\\.\\d{1,3}){3}")
                            || !rs.get(1).text().matches("\\d{1,5}") || !weight.matches("\\d{1,5}")
                            || Integer.parseInt(weight) > 65535) {
                        listed(child, vs, "the lvs resource takes real servers as IPv4 ADDRESS:PORT:WEIGHT (weight 0 to 65535)");
                        continue;
                    }
                    reals.add(rs.get(0).text() + ":" + rs.get(1).text() + ":" + weight);
                    boolean quiet = child.child("inhibit_on_failure").isPresent();
                    inhibit |= quiet;
                    allInhibit &= quiet;
                    checks.add(check(child, vs));
                }
                default -> listed(child, vs, why(child.key().text()));
            }
        }
        if (reals.isEmpty()) {
            draft.unmapped(Unmapped.at(vs.key(), "`" + vs.text() + " {…}`", "no real server the lvs resource can take"));
            return true;
        }
        params.put("real_servers", String.join(" ", reals));
        var check = checks.get(0);
        for (int i = 1; i < checks.size(); i++) {
            if (!checks.get(i).equals(check)) {
                draft.note(vs.key().source() + ": the real servers of `" + vs.text() + "` are checked differently; the lvs "
                        + "resource checks all of them alike, as the first: " + check.words() + " (another: "
                        + checks.get(i).words() + ")");
                break;
            }
        }
        params.put("check", check.kind());
        if (check.path() != null) params.put("check_path", check.path());
        if (check.port() != null) params.put("check_port", check.port());
        if (check.timeout() != null) params.put("check_timeout", check.timeout());
        // keepalived removes a failing real server unless inhibit_on_failure (then weight 0): the
        // resource has one setting for all of them.
        params.put("quiescent", allInhibit ? "true" : "false");
        if (inhibit && !allInhibit) {
            draft.note(vs.key().source() + ": only some real servers of `" + vs.text() + "` have inhibit_on_failure; "
                    + "the lvs resource removes every failing one (quiescent: false)");
        }
        String delay = vs.arg("delay_loop").filter(d -> d.matches("\\d{1,5}") && !d.equals("0")).orElse(DEFAULT_DELAY_LOOP);
        String id = ids.id("lvs-" + vip + "-" + port + (protocol.equals("udp") ? "-udp" : ""));
        var resource = Draft.ordered("id", id, "agent", "ocf:vigil:lvs", "params", params,
                "monitor", Draft.ordered("interval", delay + "s", "timeout", "60s"));
        var group = draft.groupOfResource("ocf:vigil:IPaddr", "ip", vip);
        draft.resource(resource, "from " + vs.key().source() + " `" + vs.text() + "`, checked every " + delay + "s ("
                + (vs.child("delay_loop").isPresent() ? "delay_loop" : "keepalived's default delay_loop") + ")"
                + group.map(g -> ", in " + g + " with its address").orElse(": no vrrp_instance holds " + vip
                + ", so it runs on any one node"));
        group.ifPresent(g -> draft.addMember(g, id));
        return true;
    }

    private Check check(Item rs, Item vs) {
        Check found = new Check("none", null, null, null);
        boolean one = false;
        for (var c : rs.children()) {
            String k = c.key().text();
            switch (k) {
                case "weight", "inhibit_on_failure" -> {
                }
                case "TCP_CHECK", "HTTP_GET", "SSL_GET" -> {
                    if (one) {
                        listed(c, vs, "the lvs resource runs one check per real server");
                        continue;
                    }
                    one = true;
                    String port = c.arg("connect_port").filter(p -> p.matches("\\d{1,5}")).orElse(null);
                    String timeout = c.arg("connect_timeout").filter(t -> t.matches("\\d{1,4}(\\.\\d+)?"))
                            .map(t -> String.valueOf(Math.max(1, (int) Math.ceil(Double.parseDouble(t))))).orElse(null);
                    String path = null;
                    for (var sub : c.children()) {
                        switch (sub.key().text()) {
                            case "connect_port", "connect_timeout" -> {
                            }
                            case "url" -> {
                                if (k.equals("SSL_GET")) continue; // the whole check is listed below
                                if (path == null && k.equals("HTTP_GET")) {
                                    path = sub.arg("path").filter(p -> p.startsWith("/")).orElse(null);
                                    sub.children().stream().filter(u -> !u.key().text().equals("path")).forEach(u -> listed(u, vs,
                                            "the lvs resource's http check takes any 2xx or 3xx answer; it compares no "
                                                    + "digest and no other status"));
                                } else {
                                    listed(sub, vs, "the lvs resource's http check fetches one path");
                                }
                            }
                            default -> listed(sub, vs, "the lvs resource checks each real server once per monitor, "
                                    + "without retries or a warmup: a failing one is corrected at the next monitor");
                        }
                    }
                    found = new Check(k.equals("HTTP_GET") ? "http" : "tcp", path, port, timeout);
                    if (k.equals("SSL_GET")) listed(c, vs, "the lvs resource does not speak TLS: checked by a TCP connect");
                }
                default -> listed(c, vs, k.endsWith("_CHECK")
                        ? "the lvs resource checks by tcp or http only: this real server is checked by neither"
                        : "not a setting the lvs resource has");
            }
        }
        return found;
    }

    private static String why(String key) {
        return switch (key) {
            case "sorry_server", "sorry_server_inhibit", "sorry_server_lvs_method" -> "the lvs resource has no sorry "
                    + "server: with every real server failing, the service has none";
            case "quorum", "quorum_up", "quorum_down", "hysteresis" -> "the lvs resource keeps the service whatever "
                    + "number of real servers answer";
            case "alpha" -> "nothing to carry: the lvs resource checks each real server before adding it when it starts";
            case "omega" -> "the lvs resource runs no quorum_down command when it stops";
            case "virtualhost" -> "the lvs resource's http check sends no Host header of choice";
            case "persistence_granularity", "ops", "one_packet_scheduling", "ha_suspend" -> "not a parameter of the lvs "
                    + "resource";
            default -> "not a setting the lvs resource has";
        };
    }

    private void listed(Item i, Item vs, String why) {
        draft.unmapped(Unmapped.at(i.key(), "`" + i.text() + (i.block().isPresent() ? " {…}" : "") + "` in `" + vs.text()
                + "`", why));
    }
}
