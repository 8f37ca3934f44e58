package dev.vigil.importer.keepalived;

import dev.vigil.importer.Token;
import dev.vigil.importer.keepalived.KeepalivedConf.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A keepalived virtual_server as the {@code ipvsadm} commands that set up the same virtual
 * service and real servers (ipvsadm(8)): what an LVS director needs carried over by hand.
 */
final class Ipvsadm {
    private Ipvsadm() {}

    static Optional<List<String>> rules(Item vs) {
        var a = vs.args().stream().map(Token::text).toList();
        String service;
        if (a.size() == 2 && a.get(0).equals("fwmark")) {
            service = "-f " + a.get(1);
        } else if (a.size() == 2) {
            String proto = vs.arg("protocol").orElse("TCP").equalsIgnoreCase("UDP") ? "-u " : "-t ";
            service = proto + hostPort(a.get(0), a.get(1));
        } else {
            return Optional.empty(); // a virtual_server group: its addresses are in the virtual_server_group
        }
        var out = new ArrayList<String>();
        String sched = vs.arg("lb_algo").or(() -> vs.arg("lvs_sched")).orElse("wlc");
        String persist = vs.arg("persistence_timeout").map(p -> " -p " + p).orElse("");
        out.add("ipvsadm -A " + service + " -s " + sched + persist);
        String kind = switch (vs.arg("lb_kind").or(() -> vs.arg("lvs_method")).orElse("NAT").toUpperCase(java.util.Locale.ROOT)) {
            case "DR" -> "-g";
            case "TUN" -> "-i";
            default -> "-m";
        };
        for (var rs : vs.children()) {
            if (!rs.key().text().equals("real_server") || rs.args().size() < 1) continue;
            String port = rs.args().size() > 1 ? rs.args().get(1).text() : null;
            out.add("ipvsadm -a " + service + " -r " + (port == null ? rs.args().get(0).text() : hostPort(rs.args().get(0).text(), port))
                    + " " + kind + " -w " + rs.arg("weight").orElse("1"));
        }
        return Optional.of(out);
    }

    private static String hostPort(String host, String port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
