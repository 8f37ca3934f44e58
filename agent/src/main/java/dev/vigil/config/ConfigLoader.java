package dev.vigil.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads and validates the cluster file. Every problem is reported at once, each at the
 * line:column of the key or value at fault, because an operator fixing a file over a slow
 * console should not have to run {@code vigil config check} once per typo.
 *
 * <p>This class holds the entry points only. {@link ClusterFileReader} reads one document,
 * handing each part of the file to its section reader ({@link KeyFileSection},
 * {@link TimingSection}, {@link NodesSection}, {@link LinksSection}, {@link ResourcesSection},
 * {@link GroupsSection}, {@link ConstraintsSection}, {@link PolicySection},
 * {@link FencingSection}, {@link PingSection}); all of them extend {@link SectionReader}, the
 * shared reader of YAML shapes that records each problem at its position.
 */
public final class ConfigLoader {

    /** Resolves node host names; tests pass a fake so that no DNS query leaves the machine. */
    @FunctionalInterface
    interface HostResolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    static final HostResolver SYSTEM_RESOLVER = InetAddress::getByName;

    private ConfigLoader() {}

    public static ClusterConfig load(Path file) throws ConfigException {
        return orThrow(readAndBind(file, SYSTEM_RESOLVER));
    }

    /**
     * @param file where the text came from: shown in errors, and the directory a relative
     *             {@code keyfile} is resolved against
     */
    public static ClusterConfig load(String yaml, Path file) throws ConfigException {
        return load(yaml, file, SYSTEM_RESOLVER);
    }

    static ClusterConfig load(String yaml, Path file, HostResolver resolver) throws ConfigException {
        return orThrow(bind(yaml, file, resolver));
    }

    /**
     * Reads a document holding only the policy half of a cluster file (the keys resources, groups,
     * constraints, policy, fencing and ping), as the scheduler's scenario files embed it. The
     * two-node rule is not checked: it depends on votes, which only a whole cluster file has.
     *
     * @param file      shown in errors
     * @param nodeNames the cluster's nodes, which prefer, location constraints and host_map must name
     */
    public static ResourcesConfig loadResources(String yaml, Path file, List<String> nodeNames)
            throws ConfigException {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(yaml);
        } catch (LocatedYaml.SyntaxError e) {
            throw new ConfigException(List.of(new ConfigError(file, e.pos.line(), e.pos.column(), e.getMessage())));
        }
        var reader = new ClusterFileReader(file, SYSTEM_RESOLVER, yaml);
        doc.problems().forEach(p -> reader.error(p.pos(), p.message()));
        ResourcesConfig config = reader.resourcesRoot(doc.root(), new LinkedHashSet<>(nodeNames));
        List<ConfigError> errors = located(file, reader.errors);
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    /** For {@code vigil config check}: every error, in file order; empty when the file is valid. */
    public static List<ConfigError> check(Path file) {
        return readAndBind(file, SYSTEM_RESOLVER).errors();
    }

    static List<ConfigError> check(String yaml, Path file, HostResolver resolver) {
        return bind(yaml, file, resolver, true).errors();
    }

    /**
     * Every error of a cluster file's text checked on a machine that is not one of its nodes (a
     * playbook's controller, which writes the file for the nodes): everything {@link #check}
     * checks except the key file itself (its existence, mode and length), which lives on the nodes.
     *
     * @param file where the text will live: shown in errors, and the directory a relative keyfile is resolved against
     */
    public static List<ConfigError> checkAwayFromNodes(String yaml, Path file) {
        return bind(yaml, file, SYSTEM_RESOLVER, false).errors();
    }

    private record Result(Optional<ClusterConfig> config, List<ConfigError> errors) {}

    private static ClusterConfig orThrow(Result r) throws ConfigException {
        if (!r.errors().isEmpty()) {
            throw new ConfigException(r.errors());
        }
        return r.config().orElseThrow(() -> new IllegalStateException("no errors but no configuration"));
    }

    private static Result readAndBind(Path file, HostResolver resolver) {
        String text;
        try {
            text = BoundedFile.readText(file, BoundedFile.CLUSTER_FILE_LIMIT, "cluster file");
        } catch (BoundedFile.Refused e) {
            return new Result(Optional.empty(), List.of(new ConfigError(file, 1, 1, e.getMessage())));
        } catch (IOException e) {
            return new Result(Optional.empty(),
                    List.of(new ConfigError(file, 1, 1, "cannot read the cluster file: " + SectionReader.describe(e))));
        }
        return bind(text, file, resolver, true);
    }

    private static Result bind(String yaml, Path file, HostResolver resolver) {
        return bind(yaml, file, resolver, true);
    }

    private static Result bind(String yaml, Path file, HostResolver resolver, boolean keyFileHere) {
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(yaml);
        } catch (LocatedYaml.SyntaxError e) {
            return new Result(Optional.empty(),
                    List.of(new ConfigError(file, e.pos.line(), e.pos.column(), e.getMessage())));
        }
        var reader = new ClusterFileReader(file, resolver, yaml, keyFileHere);
        doc.problems().forEach(p -> reader.error(p.pos(), p.message()));
        ClusterConfig config = reader.root(doc.root());
        List<ConfigError> errors = located(file, reader.errors);
        return new Result(errors.isEmpty() ? Optional.ofNullable(config) : Optional.empty(), errors);
    }

    private static List<ConfigError> located(Path file, List<LocatedYaml.Problem> problems) {
        return problems.stream()
                .sorted(Comparator.comparing(LocatedYaml.Problem::pos))
                .map(p -> new ConfigError(file, p.pos().line(), p.pos().column(), p.message()))
                .toList();
    }

    /** Parses an IP address without ever asking DNS; see {@link SectionReader#ipLiteral}. */
    static Optional<InetAddress> ipLiteral(String s) {
        return SectionReader.ipLiteral(s);
    }
}
