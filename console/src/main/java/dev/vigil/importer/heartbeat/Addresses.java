package dev.vigil.importer.heartbeat;

import dev.vigil.importer.Draft;
import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportProblem;
import dev.vigil.importer.NodeOption;
import dev.vigil.importer.Token;
import dev.vigil.importer.Unmapped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each node's address: a {@code ucast} line's peer address when it can be told whose it is, then
 * {@code --node NAME=ADDRESS}, then name resolution. A {@code ucast} line names an address but not
 * its node (each node's ha.cf lists its peers), so an address is matched to the node whose
 * {@code --node} or resolved name gives it, or to the one node left without one.
 */
final class Addresses {
    /** A node's address and where it came from, for the output's comment. */
    record Found(String address, String why) {}

    private final HeartbeatImport.Request request;
    private final List<Token> nodes;
    private final List<HaCf.Directive> media;

    Addresses(HeartbeatImport.Request request, List<Token> nodes, List<HaCf.Directive> media) {
        this.request = request;
        this.nodes = nodes;
        this.media = media;
    }

    Map<String, Found> assign(Draft draft) throws ImportException {
        var names = nodes.stream().map(Token::text).toList();
        Map<String, String> given = new LinkedHashMap<>();
        for (NodeOption o : request.nodes()) {
            if (!names.contains(o.name())) {
                throw new IllegalArgumentException("--node " + o.name() + "=" + o.address() + ": " + o.name()
                        + " is not a node of " + request.haCf().path() + " (" + String.join(", ", names) + ")");
            }
            given.put(o.name(), o.address());
        }
        Map<String, Optional<String>> resolved = new LinkedHashMap<>();
        names.forEach(n -> resolved.put(n, given.containsKey(n) ? Optional.empty() : request.resolver().resolve(n)));

        // The ucast lines of the first device: the network the nodes' addresses are on.
        var ucast = new ArrayList<Token>();
        String device = null;
        for (var m : media) {
            if (!m.name().text().equals("ucast")) continue;
            if (device == null) device = m.args().get(0).text();
            if (m.args().get(0).text().equals(device) && ucast.stream().noneMatch(t -> t.text().equals(m.args().get(1).text()))) {
                ucast.add(m.args().get(1));
            }
        }
        Map<String, Found> found = new LinkedHashMap<>();
        for (var n : names) {
            var hint = Optional.ofNullable(given.get(n)).or(() -> resolved.get(n));
            var match = ucast.stream().filter(t -> hint.isPresent() && t.text().equals(hint.get())).findFirst();
            match.ifPresent(t -> {
                found.put(n, new Found(t.text(), "from " + t.source() + " (ucast)"));
                ucast.remove(t);
            });
        }
        // A node whose --node address is not a ucast peer is this file's own node (heartbeat skips its own address).
        var left = names.stream().filter(n -> !found.containsKey(n) && !given.containsKey(n)).toList();
        if (left.size() == 1 && ucast.size() == 1) {
            var t = ucast.remove(0);
            found.put(left.get(0), new Found(t.text(), "from " + t.source() + " (ucast: the one node left)"));
        }
        ucast.forEach(t -> draft.unmapped(Unmapped.at(t, "`ucast " + t.text() + "`", "the address matches no node (give "
                + "--node NAME=" + t.text() + " to say whose it is)")));
        var problems = new ArrayList<ImportProblem>();
        for (var n : nodes) {
            if (found.containsKey(n.text())) continue;
            if (given.containsKey(n.text())) {
                found.put(n.text(), new Found(given.get(n.text()), "from --node " + n.text() + "=" + given.get(n.text())));
            } else if (resolved.get(n.text()).isPresent()) {
                found.put(n.text(), new Found(resolved.get(n.text()).get(), "resolved from its name"));
            } else {
                problems.add(n.problem("node " + n.text() + " has no address: no ucast line gives it, its name does not "
                        + "resolve (except to loopback), and no --node " + n.text() + "=ADDRESS was given"));
            }
        }
        var owner = new LinkedHashMap<String, String>();
        for (var n : nodes) {
            var f = found.get(n.text());
            if (f == null) continue;
            var other = owner.putIfAbsent(f.address(), n.text());
            if (other != null) {
                problems.add(n.problem("node " + n.text() + " would have " + other + "'s address " + f.address() + " ("
                        + f.why() + "): give each node its own with --node NAME=ADDRESS"));
            }
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
        return found;
    }
}
