package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code ping:}: the addresses whose reachability breaks a quorum tie (see the two-node rule). */
final class PingSection extends SectionReader {

    PingSection(SectionReader shared) {
        super(shared);
    }

    /** The {@code ping:} section: unique addresses or host names, not resolved here. */
    List<String> read(Entry entry) {
        Optional<ListNode> list = list(entry.value(), "ping",
                "a list of addresses to ping such as [10.0.0.1] (IPv4, IPv6 or host names)");
        if (list.isEmpty()) {
            return List.of();
        }
        var targets = new ArrayList<String>();
        Map<String, Pos> seen = new HashMap<>();
        for (Node item : list.get().items()) {
            Optional<String> s = string(item, "a ping target", "an IP address or host name such as 10.0.0.1");
            if (s.isEmpty()) {
                continue;
            }
            String t = s.get().trim();
            if (ipLiteral(t).isEmpty() && !isHostName(t)) {
                error(item.pos(), "ping target `" + t + "` is not an IP address or host name; write an IPv4 "
                        + "address such as 10.0.0.1, an IPv6 address such as fd00::1, or a host name such as "
                        + "gw.example.com");
                continue;
            }
            Pos first = seen.putIfAbsent(t, item.pos());
            if (first != null) {
                error(item.pos(), "duplicate ping target `" + t + "` (already listed at line " + first.line()
                        + ")");
                continue;
            }
            targets.add(t);
        }
        return targets;
    }
}
