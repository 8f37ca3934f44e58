package dev.vigil.cli;

import dev.vigil.config.BoundedFile;
import dev.vigil.control.KeyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil key rotate [--new F]}: a new cluster key on every member, with no gap (docs/security.md). */
@Command(name = "key", mixinStandardHelpOptions = true, description = "Manage the cluster key.",
        subcommands = KeyCommand.Rotate.class)
final class KeyCommand {
    /** Keys shorter than this are refused, as the cluster file's loader refuses them. */
    static final int MIN_KEY_BYTES = 16;

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Replace the cluster key on every member without a gap: every member first accepts both "
                    + "keys, then sends with the new one (its key file replaced atomically, 0600), then refuses the old one.",
                    "Nodes that are down miss it; the answer names them and says what to do when they are back."},
            exitCodeListHeading = AdminVerb.EXIT_HEADING,
            exitCodeList = {"0:every node of the cluster file runs the new key",
                    "1:the members run the new key, but some nodes missed it (named), or the rotation was abandoned "
                            + "(nothing changed) or is half done; the message says which",
                    AdminVerb.EXIT_2, AdminVerb.EXIT_3})
    static final class Rotate implements Callable<Integer> {
        @Option(names = "--new", paramLabel = "FILE",
                description = "the new key's file (mode 0600 or 0400, at least 16 bytes); default: 32 random bytes, base64")
        Path newKey;

        @Option(names = "--json", description = "print the answer as JSON")
        boolean json;

        @Mixin
        NodeOptions target;

        @Override
        public Integer call() throws Exception {
            if (target.overConsole()) {
                target.err().println("vigil: key rotate runs on a node (or with --connect), not inside the console");
                return 2;
            }
            byte[] key;
            try {
                key = newKey == null ? fresh() : read(newKey);
            } catch (IOException e) {
                target.err().println("vigil: " + e.getMessage());
                return 2;
            }
            var client = target.clientOrExplain();
            if (client == null) return 2;
            KeyReport report;
            try {
                report = client.key("rotate", Base64.getEncoder().encodeToString(key));
            } catch (IOException e) {
                target.err().println("vigil: " + e.getMessage());
                return e.getMessage() != null && e.getMessage().contains("refused") ? 1 : 3;
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            if (json) {
                target.out().println(dev.vigil.control.ControlProtocol.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(report));
            } else {
                target.out().println(report.message());
            }
            return report.missed().isEmpty() ? 0 : 1;
        }
    }

    /** As the docs' `head -c 32 /dev/urandom | base64`: the key is the base64 text itself. */
    static byte[] fresh() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encode(raw);
    }

    /** The key as the cluster file's loader reads it: the file's bytes, trailing white space dropped. */
    static byte[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("--new " + file + ": no such file");
        try {
            var perms = Files.getPosixFilePermissions(file);
            if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))
                    && !perms.equals(Set.of(PosixFilePermission.OWNER_READ))) {
                throw new IOException("--new " + file + " may be read by others; chmod 600 " + file + " first");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        byte[] bytes = BoundedFile.readBytes(file, BoundedFile.KEY_FILE_LIMIT, "key file");
        int end = bytes.length;
        while (end > 0 && Character.isWhitespace(bytes[end - 1])) end--;
        if (end < MIN_KEY_BYTES) {
            throw new IOException("--new " + file + " holds " + end + " bytes; a key needs at least " + MIN_KEY_BYTES
                    + ": head -c 32 /dev/urandom | base64 > " + file);
        }
        return Arrays.copyOf(bytes, end);
    }
}
