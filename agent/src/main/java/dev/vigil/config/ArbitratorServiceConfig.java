package dev.vigil.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arbitrator's own file ({@code /etc/vigil/arbitrator.yaml}, docs/arbitrator.md): where it
 * listens and, per cluster it serves, the key that cluster's nodes share with it.
 *
 * <pre>
 * listen: 0.0.0.0:7696
 * clusters:
 *   - {name: web, keyfile: /etc/vigil/arbitrator-web.key}
 *   - {name: db,  keyfile: arbitrator-db.key}          # relative to this file
 * </pre>
 *
 * @param listen   host and port to bind (not resolved)
 * @param clusters cluster name → its key, in file order
 */
public record ArbitratorServiceConfig(Path source, InetSocketAddress listen, Map<String, ClusterKey> clusters) {

    public static final Path DEFAULT_PATH = Path.of("/etc/vigil/arbitrator.yaml");
    private static final List<String> TOP_KEYS = List.of("listen", "clusters");
    private static final List<String> CLUSTER_KEYS = List.of("name", "keyfile");

    public ArbitratorServiceConfig {
        clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
    }

    /** Reads and checks the file; every mistake is in the exception, at {@code file:line:column}. */
    public static ArbitratorServiceConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = BoundedFile.readText(file, BoundedFile.CLUSTER_FILE_LIMIT, "arbitrator file");
        } catch (BoundedFile.Refused e) {
            throw new ConfigException(List.of(new ConfigError(file, 1, 1, e.getMessage())));
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file, 1, 1,
                    "cannot read the arbitrator file: " + SectionReader.describe(e))));
        }
        return load(text, file);
    }

    /** @param file shown in errors, and what relative key files are resolved against */
    public static ArbitratorServiceConfig load(String yaml, Path file) throws ConfigException {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(yaml);
        } catch (LocatedYaml.SyntaxError e) {
            throw new ConfigException(List.of(new ConfigError(file, e.pos.line(), e.pos.column(), e.getMessage())));
        }
        var r = new Reader(file);
        doc.problems().forEach(p -> r.error(p.pos(), p.message()));
        var config = r.root(doc.root());
        if (!r.errors.isEmpty()) {
            throw new ConfigException(r.errors.stream().sorted(java.util.Comparator.comparing(LocatedYaml.Problem::pos))
                    .map(p -> new ConfigError(file, p.pos().line(), p.pos().column(), p.message())).toList());
        }
        return config;
    }

    private static final class Reader extends SectionReader {
        private final Path file;
        private final KeyFileSection keys;
        private final ArbitratorSection addresses;

        Reader(Path file) {
            this.file = file;
            this.keys = new KeyFileSection(this, file, true);
            this.addresses = new ArbitratorSection(this, keys);
        }

        ArbitratorServiceConfig root(Optional<LocatedYaml.Node> root) {
            if (root.isEmpty()) {
                error(LocatedYaml.Pos.START, "the arbitrator file is empty; it needs listen: and clusters:");
                return null;
            }
            var m = map(root.get(), "the arbitrator file", "a map with the keys listen and clusters");
            if (m.isEmpty()) return null;
            checkKeys(m.get(), "the arbitrator file", TOP_KEYS);
            var listen = required(m.get(), "listen", "the arbitrator file", "the address to listen on, e.g. 0.0.0.0:7696")
                    .flatMap(e -> addresses.hostPort(e.value(), "listen"));
            var clusters = new LinkedHashMap<String, ClusterKey>();
            var seen = new LinkedHashMap<String, LocatedYaml.Pos>();
            required(m.get(), "clusters", "the arbitrator file",
                    "the clusters it serves, e.g. - {name: web, keyfile: /etc/vigil/arbitrator-web.key}")
                    .flatMap(e -> list(e.value(), "clusters", "a list of {name: CLUSTER, keyfile: FILE}"))
                    .ifPresent(l -> {
                        if (l.items().isEmpty()) error(l.pos(), "clusters is empty; an arbitrator serves at least one cluster");
                        for (var item : l.items()) cluster(item, clusters, seen);
                    });
            return errors.isEmpty() ? new ArbitratorServiceConfig(file, listen.orElse(null), clusters) : null;
        }

        private void cluster(LocatedYaml.Node item, Map<String, ClusterKey> clusters, Map<String, LocatedYaml.Pos> seen) {
            var cm = map(item, "a cluster", "a map such as {name: web, keyfile: /etc/vigil/arbitrator-web.key}");
            if (cm.isEmpty()) return;
            checkKeys(cm.get(), "a cluster", CLUSTER_KEYS);
            var name = required(cm.get(), "name", "a cluster", "the cluster's name (its cluster file's cluster:)")
                    .flatMap(e -> name(e.value(), "cluster name", NAME));
            var key = required(cm.get(), "keyfile", "a cluster", "the key file its nodes' arbitrator: keyfile also holds")
                    .flatMap(e -> keys.keyFile(e.value()));
            if (name.isEmpty()) return;
            var first = seen.putIfAbsent(name.get(), cm.get().pos());
            if (first != null) {
                error(cm.get().pos(), "cluster `" + name.get() + "` is listed twice (first at line " + first.line() + ")");
                return;
            }
            key.ifPresent(k -> clusters.put(name.get(), k.key()));
        }
    }

    /** For messages: never the keys. */
    @Override
    public String toString() {
        return "arbitrator on " + listen.getHostString() + ":" + listen.getPort() + " for " + new ArrayList<>(clusters.keySet());
    }
}
