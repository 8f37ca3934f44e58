package dev.vigil.cli;

import dev.vigil.config.AtomicFile;
import dev.vigil.config.BoundedFile;
import dev.vigil.config.ConfigLoader;
import dev.vigil.importer.ImportException;
import dev.vigil.importer.ImportResult;
import dev.vigil.importer.NodeOption;
import dev.vigil.importer.Resolver;
import dev.vigil.importer.heartbeat.HeartbeatImport;
import dev.vigil.importer.keepalived.KeepalivedImport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil import}: a heartbeat v1 or keepalived configuration turned into a cluster file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Turn a heartbeat v1 or keepalived configuration into a cluster file (docs/import.md).",
        subcommands = {ImportCommand.Heartbeat.class, ImportCommand.Keepalived.class})
final class ImportCommand {
    static final String WRITTEN = "0:written (what was not carried over is listed)";
    static final String REFUSED = "1:errors in the files, each at file:line:column, or an output that exists without "
            + "--force; nothing written";
    static final String USAGE = "2:bad usage";

    /** The options both verbs share: the nodes, the output and whether it may be replaced. */
    static final class Output {
        @Option(names = "--node", paramLabel = "NAME=ADDRESS",
                description = "heartbeat: a node's address where ucast gives none; keepalived: each member (one file: this "
                        + "file's node first; several files: one per file, in their order)")
        List<String> nodes = new ArrayList<>();

        @Option(names = {"-o", "--output"}, paramLabel = "cluster.yaml",
                description = "where to write the cluster file (default: stdout); the key file `authkey` goes beside it")
        Path output;

        @Option(names = "--force", description = "replace the output and its key file when they exist")
        boolean force;

        @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
        picocli.CommandLine.Model.CommandSpec spec;

        /** The key file: `authkey` beside the output, or in the current directory when the output is stdout. */
        Path keyPath() {
            return output == null ? Path.of("authkey").toAbsolutePath() : output.toAbsolutePath().resolveSibling("authkey");
        }

        /** How the cluster file names the key: relative beside it (it moves with it), absolute otherwise. */
        String keyRef() {
            return output == null ? keyPath().toString() : "authkey";
        }

        List<NodeOption> nodeOptions() {
            var parsed = nodes.stream().map(n -> NodeOption.parse(n).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--node " + n + ": expected NAME=ADDRESS, e.g. --node ha1=10.0.0.48"))).toList();
            var names = new java.util.HashSet<String>();
            for (var o : parsed) {
                if (!o.name().matches("[A-Za-z0-9_.-]{1,64}") || !dev.vigil.importer.Ip.addressOrHost(o.address())) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--node " + o.name() + "="
                            + o.address() + ": a node name (letters, digits, `_`, `.`, `-`) and an IP address or host name");
                }
                if (!names.add(o.name())) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--node " + o.name()
                            + " is given twice");
                }
            }
            return parsed;
        }

        int run(Importer importer) {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            var nodeOptions = nodeOptions();
            if (output != null && output.toAbsolutePath().equals(keyPath())) {
                err.println("vigil: the output cannot be named authkey: that is the key file's name beside it");
                return 2;
            }
            if (!force) {
                for (var f : output == null ? List.of(keyPath()) : List.of(output, keyPath())) {
                    if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        err.println("vigil: " + f + " exists; --force replaces it (nothing written)");
                        return 1;
                    }
                }
            }
            ImportResult result;
            try {
                result = importer.run(nodeOptions, keyRef());
            } catch (ImportException e) {
                e.problems().forEach(p -> err.println(p));
                err.println("vigil: " + e.problems().size() + " error(s); nothing written");
                return 1;
            } catch (IllegalArgumentException | IOException e) {
                err.println("vigil: " + e.getMessage() + "; nothing written");
                return e instanceof IllegalArgumentException ? 2 : 1;
            }
            result.notes().forEach(n -> err.println("note: " + n));
            result.unmapped().forEach(u -> err.println("not carried over: " + u));
            // The same check `vigil config check` makes, but for the key file, which is written next.
            Path checkedAs = output == null ? Path.of("cluster.yaml").toAbsolutePath() : output.toAbsolutePath();
            var errors = ConfigLoader.checkAwayFromNodes(result.yaml(), checkedAs);
            if (!errors.isEmpty()) {
                errors.forEach(e -> err.println(e));
                err.println("vigil: the imported file would not pass `vigil config check` (a fault of the importer: "
                        + "please report it with the input); nothing written");
                return 1;
            }
            try {
                AtomicFile.write(keyPath(), result.key());
                if (output == null) {
                    out.print(result.yaml());
                } else {
                    AtomicFile.write(output, result.yaml().getBytes(StandardCharsets.UTF_8));
                    out.println("wrote " + output + " and its key " + keyPath() + " (mode 0600; copy both to every node); "
                            + result.unmapped().size() + " directive(s) not carried over, listed at its end");
                }
            } catch (IOException e) {
                err.println("vigil: " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    /** One import, given the --node options and how the file names its key. */
    @FunctionalInterface
    interface Importer {
        ImportResult run(List<NodeOption> nodes, String keyRef) throws ImportException, IOException;
    }

    static HeartbeatImport.Source read(Path file) throws IOException {
        try {
            return new HeartbeatImport.Source(BoundedFile.readText(file, BoundedFile.CLUSTER_FILE_LIMIT, "heartbeat file"), file);
        } catch (BoundedFile.Refused e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "heartbeat", mixinStandardHelpOptions = true,
            description = {"Turn heartbeat v1's ha.cf, haresources and authkeys into a cluster file: every ha.cf directive "
                    + "mapped or listed with its line and why, haresources lines as groups, authkeys as the key file "
                    + "(crc or a short secret: a new key, said so)."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {WRITTEN, REFUSED, USAGE})
    static final class Heartbeat implements Callable<Integer> {
        @Option(names = "--ha-cf", required = true, paramLabel = "F", description = "heartbeat's ha.cf")
        Path haCf;

        @Option(names = "--haresources", required = true, paramLabel = "F", description = "heartbeat's haresources")
        Path haresources;

        @Option(names = "--authkeys", paramLabel = "F", description = "heartbeat's authkeys (without it: a new key)")
        Path authkeys;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            return output.run((nodes, keyRef) -> HeartbeatImport.run(new HeartbeatImport.Request(read(haCf),
                    read(haresources), authkeys == null ? Optional.empty() : Optional.of(read(authkeys)), nodes, keyRef,
                    Resolver.SYSTEM, new SecureRandom())));
        }
    }

    @Command(name = "keepalived", mixinStandardHelpOptions = true,
            description = {"Turn keepalived configurations into a cluster file: one file per node (priorities say who "
                    + "is preferred), or one file with the members named by --node. VRRP's PASS/AH secrets are too weak "
                    + "to keep: a new key file is made beside the output."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {WRITTEN, REFUSED, USAGE})
    static final class Keepalived implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "keepalived.conf: one per node, or one for all")
        List<Path> files;

        @Mixin
        Output output;

        @Override
        public Integer call() {
            return output.run((nodes, keyRef) -> KeepalivedImport.run(new KeepalivedImport.Request(files, nodes, keyRef,
                    Resolver.SYSTEM, new SecureRandom())));
        }
    }
}
