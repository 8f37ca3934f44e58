package dev.vigil.importer.keepalived;

import dev.vigil.importer.Draft;
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
import dev.vigil.importer.keepalived.KeepalivedConf.Item;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vigil import keepalived}: keepalived configurations turned into one cluster file. Each
 * {@code vrrp_instance} (or {@code vrrp_sync_group}) becomes a group of floating IPs preferring
 * the node with the highest priority; the rest is mapped where Vigil has an equivalent and listed
 * with its line and why where it has none.
 */
public final class KeepalivedImport {
    /** The files (one per node, or one for all), the --node options, how the output names its key. */
    public record Request(List<Path> files, List<NodeOption> nodes, String keyfile, Resolver resolver,
                          SecureRandom random, Loader loader) {
        public Request(List<Path> files, List<NodeOption> nodes, String keyfile, Resolver resolver, SecureRandom random) {
            this(files, nodes, keyfile, resolver, random, Loader.bounded("keepalived configuration"));
        }
    }

    /** One node's file. */
    record NodeFile(String name, Path path, List<Item> items) {
        List<Item> all(String keyword) {
            return items.stream().filter(i -> i.key().text().equals(keyword)).toList();
        }
    }

    private final Request request;
    private final Draft draft = new Draft();
    private final List<NodeFile> files = new ArrayList<>();

    private KeepalivedImport(Request request) {
        this.request = request;
    }

    public static ImportResult run(Request request) throws ImportException {
        return new KeepalivedImport(request).build();
    }

    private ImportResult build() throws ImportException {
        var nodes = request.nodes();
        var paths = request.files();
        if (paths.size() == 1 && nodes.isEmpty()) {
            throw new IllegalArgumentException("one keepalived file holds no node's name: name the members with "
                    + "--node NAME=ADDRESS, this file's node first");
        }
        if (paths.size() > 1 && !nodes.isEmpty() && nodes.size() != paths.size()) {
            throw new IllegalArgumentException("with " + paths.size() + " files, give one --node per file, in the "
                    + "files' order, or none (each file's router_id names its node)");
        }
        draft.header("Imported from keepalived (" + String.join(", ", paths.stream().map(p -> p.getFileName().toString())
                .toList()) + ") by `vigil import keepalived`.");
        draft.header("Each line says where it came from; what could not be carried over is listed at the end.");
        draft.header("Check it with `vigil config check`; see docs/import.md.");
        draft.cluster("keepalived", "keepalived has no cluster name: rename it before the first start if you like");
        read(paths, nodes);
        var addresses = new NodeAddresses(request, files).assign();
        var problems = new ArrayList<ImportProblem>();
        for (var f : files) {
            var a = addresses.get(f.name());
            if (a == null) {
                problems.add(new ImportProblem(f.path(), 1, 1, "node " + f.name() + " has no address: no unicast_src_ip "
                        + "or peer's unicast_peer gives it, its name does not resolve, and no --node " + f.name()
                        + "=ADDRESS was given"));
            } else {
                draft.node(f.name(), a.address(), a.why());
            }
        }
        // With one file for several members, the others are nodes of the --node list only.
        if (paths.size() == 1) {
            for (var o : nodes.subList(1, nodes.size())) draft.node(o.name(), o.address(), "from --node " + o.name());
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
        boolean mailed = MailAlert.map(draft, files);
        new VrrpMapping(draft, files, nodeNames(), paths.size() == 1, mailed).map();
        new OtherSections(draft, mailed).map(files.get(0).items(), files.size() == 1 ? List.of() : files.subList(1, files.size()));
        byte[] key = ImportResult.newKey(request.random());
        draft.keyfile(request.keyfile(), "a NEW key: keepalived's PASS/AH secrets are too weak to keep; copy it to "
                + "every node, mode 0600");
        draft.note("a new random key was made in " + request.keyfile() + " (VRRP's PASS is a cleartext password, AH an "
                + "unkeyed checksum); copy it to every node");
        if (nodeNames().size() == 2 && draft.hasResources() && !draft.hasPing()) {
            draft.policy("two_node_unsafe", true, "keepalived has no quorum: both halves of a split hold the addresses, "
                    + "as here; configure fencing (docs/fencing.md) or ping and remove this");
        }
        return new ImportResult(draft.render(), key, draft.notes(), draft.unmappedList());
    }

    private List<String> nodeNames() {
        var names = new ArrayList<>(files.stream().map(NodeFile::name).toList());
        if (request.files().size() == 1) request.nodes().stream().skip(1).forEach(o -> names.add(o.name()));
        return names;
    }

    private void read(List<Path> paths, List<NodeOption> nodes) throws ImportException {
        var problems = new ArrayList<ImportProblem>();
        var seen = new LinkedHashMap<String, Path>();
        for (int i = 0; i < paths.size(); i++) {
            var path = paths.get(i);
            Optional<String> name = nodes.isEmpty() ? Optional.empty() : Optional.of(nodes.get(i).name());
            KeepalivedConf.Parsed parsed;
            try {
                parsed = KeepalivedConf.parse(path, request.loader(), name);
            } catch (ImportException e) {
                problems.addAll(e.problems());
                continue;
            }
            var routerId = parsed.items().stream().filter(it -> it.key().text().equals("global_defs"))
                    .flatMap(g -> g.arg("router_id").stream()).findFirst();
            if (name.isEmpty() && routerId.isEmpty()) {
                problems.add(new ImportProblem(path, 1, 1, "no global_defs { router_id … } names this file's node: give "
                        + "--node NAME=ADDRESS once per file, in the files' order"));
                continue;
            }
            String node = name.orElseGet(routerId::orElseThrow);
            if (!node.matches("[A-Za-z0-9_.-]{1,64}")) {
                problems.add(new ImportProblem(path, 1, 1, "`" + node + "` cannot be a node's name (letters, digits, "
                        + "`_`, `.`, `-`): give --node NAME=ADDRESS once per file"));
                continue;
            }
            if (seen.containsKey(node)) {
                problems.add(new ImportProblem(path, 1, 1, "this file's node " + node + " is also " + seen.get(node)
                        + "'s: give --node NAME=ADDRESS once per file"));
                continue;
            }
            seen.put(node, path);
            parsed.skipped().forEach(t -> draft.note(t.source() + ": `" + t.text() + "` line left out (the configuration "
                    + "id is " + name.map(n -> "`" + n + "`").orElse("not known without --node") + ")"));
            files.add(new NodeFile(node, path, parsed.items()));
        }
        if (!problems.isEmpty()) throw new ImportException(problems);
    }

    /** A node's address and where it came from. */
    record Found(String address, String why) {}

    /** Each file's node address: --node, unicast_src_ip, the peer file's single unicast_peer, then name resolution. */
    record NodeAddresses(Request request, List<NodeFile> files) {
        Map<String, Found> assign() {
            var out = new LinkedHashMap<String, Found>();
            for (int i = 0; i < files.size(); i++) {
                var f = files.get(i);
                if (!request.nodes().isEmpty()) {
                    var o = request.nodes().get(i);
                    out.put(f.name(), new Found(o.address(), "from --node " + o.name()));
                    continue;
                }
                var src = instances(f).flatMap(v -> v.child("unicast_src_ip").stream()).findFirst();
                if (src.isPresent() && !src.get().args().isEmpty() && Ip.unicast(src.get().args().get(0).text())) {
                    out.put(f.name(), new Found(src.get().args().get(0).text(), "from " + src.get().key().source()));
                    continue;
                }
                if (files.size() == 2) {
                    var peer = files.get(1 - i);
                    var peers = instances(peer).flatMap(v -> v.child("unicast_peer").stream())
                            .flatMap(p -> p.children().stream()).map(Item::key).filter(t -> Ip.unicast(t.text())).toList();
                    if (peers.stream().map(Token::text).distinct().count() == 1) {
                        out.put(f.name(), new Found(peers.get(0).text(), "from " + peers.get(0).source() + " (the peer's unicast_peer)"));
                        continue;
                    }
                }
                request.resolver().resolve(f.name()).ifPresent(a -> out.put(f.name(), new Found(a, "resolved from its name")));
            }
            return out;
        }

        private static java.util.stream.Stream<Item> instances(NodeFile f) {
            return f.all("vrrp_instance").stream();
        }
    }
}
