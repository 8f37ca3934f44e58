package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.ListNode;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code nodes:}: each node's name, address and votes; names and addresses unique, host names
 * resolved once, here, so that a typo is reported with its line instead of at the first heartbeat.
 */
final class NodesSection extends SectionReader {

    private static final List<String> NODE_KEYS = List.of("name", "address", "votes");

    private final ConfigLoader.HostResolver resolver;

    NodesSection(SectionReader shared, ConfigLoader.HostResolver resolver) {
        super(shared);
        this.resolver = resolver;
    }

    /** The {@code nodes:} section; empty unless every node was readable. */
    Optional<List<NodeConfig>> read(Entry nodesEntry) {
        Optional<ListNode> list = list(nodesEntry.value(), "nodes",
                "a list of nodes such as - {name: ha1, address: 10.0.0.48}");
        if (list.isEmpty()) {
            return Optional.empty();
        }
        if (list.get().items().isEmpty()) {
            error(nodesEntry.value().pos(), "nodes must list at least one node, e.g. - {name: ha1, address: 10.0.0.48}");
            return Optional.empty();
        }
        if (list.get().items().size() > NodeConfig.MAX_NODES) {
            error(list.get().items().get(NodeConfig.MAX_NODES).pos(), list.get().items().size() + " nodes; a cluster has at most "
                    + NodeConfig.MAX_NODES + " (a heartbeat carries its sender's view, which holds " + NodeConfig.MAX_NODES
                    + " members): split the nodes into clusters of " + NodeConfig.MAX_NODES + " or fewer");
            return Optional.empty();
        }
        int before = errors.size();
        var nodes = new ArrayList<NodeConfig>();
        Map<String, Pos> names = new HashMap<>();
        Map<InetAddress, String> addresses = new HashMap<>();
        for (Node item : list.get().items()) {
            Optional<MapNode> nm = map(item, "a node", "a map such as {name: ha1, address: 10.0.0.48, votes: 1}");
            if (nm.isEmpty()) {
                continue;
            }
            checkKeys(nm.get(), "a node", NODE_KEYS);
            Optional<Entry> nameEntry = required(nm.get(), "name", "a node", "the node's uname -n, e.g. name: ha1");
            Optional<String> name = nameEntry.flatMap(e -> name(e.value(), "node name", NAME));
            if (name.isPresent()) {
                Pos at = nameEntry.get().value().pos();
                Pos first = names.putIfAbsent(name.get(), at);
                if (first != null) {
                    error(at, "duplicate node name `" + name.get() + "` (already used at line " + first.line()
                            + "); every node needs its own name");
                }
            }
            Optional<Entry> addressEntry = required(nm.get(), "address", "a node",
                    "an IP address or host name, e.g. address: 10.0.0.48");
            Optional<InetAddress> address = addressEntry.flatMap(e -> address(e.value()));
            if (address.isPresent()) {
                String owner = addresses.putIfAbsent(address.get(), name.orElse("another node"));
                if (owner != null) {
                    error(addressEntry.get().value().pos(), "duplicate node address "
                            + address.get().getHostAddress() + " (already the address of " + owner
                            + "); every node needs its own address");
                }
            }
            Optional<Integer> votes = nm.get().entry("votes")
                    .map(e -> intIn(e.value(), "votes", 0, Integer.MAX_VALUE, "an integer >= 0"))
                    .orElse(Optional.of(1));
            if (name.isPresent() && address.isPresent() && votes.isPresent()) {
                nodes.add(new NodeConfig(name.get(), address.get(), votes.get()));
            }
        }
        // Only judge the sum when every node was readable; a broken one may carry the votes.
        boolean complete = errors.size() == before && nodes.size() == list.get().items().size();
        if (complete && nodes.stream().mapToInt(NodeConfig::votes).sum() == 0) {
            error(nodesEntry.keyPos(), "the nodes' votes add up to 0; at least one node needs a vote");
        }
        return complete ? Optional.of(nodes) : Optional.empty();
    }

    private Optional<InetAddress> address(Node v) {
        Optional<String> text = string(v, "address", "an IPv4 or IPv6 address or a host name");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String s = text.get().trim();
        Optional<InetAddress> a = ipLiteral(s);
        if (a.isEmpty()) {
            if (!isHostName(s)) {
                error(v.pos(), "`" + s + "` is not an IP address or host name; write an IPv4 address such as "
                        + "10.0.0.48, an IPv6 address such as fd00::48, or a host name such as ha1.example.com");
                return Optional.empty();
            }
            try {
                a = Optional.of(resolver.resolve(s));
            } catch (UnknownHostException e) {
                error(v.pos(), "cannot resolve host name `" + s + "`; write its IP address instead, "
                        + "or add it to /etc/hosts");
                return Optional.empty();
            }
        }
        InetAddress addr = a.get();
        if (addr.isMulticastAddress() || addr.isAnyLocalAddress()) {
            error(v.pos(), "`" + s + "` is a " + (addr.isMulticastAddress() ? "multicast" : "wildcard")
                    + " address; a node's address must be the unicast address it can be reached at");
            return Optional.empty();
        }
        return a;
    }
}
