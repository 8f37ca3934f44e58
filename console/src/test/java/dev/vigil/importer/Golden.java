package dev.vigil.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** What the importers' tests share: the test resources, golden comparison and the real config check. */
public final class Golden {
    private Golden() {}

    public static Path resource(String name) {
        return Path.of("src/test/resources/import").resolve(name);
    }

    public static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** A random source that always gives the same bytes: a reproducible "new" key. */
    public static SecureRandom fixedRandom() {
        return new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
            }
        };
    }

    /** The output compared byte for byte with {@code expected}; a mismatch leaves the actual text in target/. */
    public static void assertGolden(Path expected, String actual) throws IOException {
        if (!Files.exists(expected) || !read(expected).equals(actual)) {
            Path dump = Path.of("target/import-actual").resolve(expected.getParent().getFileName() + "-" + expected.getFileName());
            Files.createDirectories(dump.getParent());
            Files.writeString(dump, actual);
            assertEquals(Files.exists(expected) ? read(expected) : "(no " + expected + ")", actual,
                    "the import's output differs from " + expected + "; the actual text is in " + dump);
        }
    }

    /**
     * Writes the result as the command does (the cluster file and its key 0600 beside it) and runs
     * the whole check `vigil config check` and the agent run, key file included: no error.
     */
    public static Path assertPassesConfigCheck(Path dir, ImportResult result) throws IOException {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, result.yaml());
        Path key = dir.resolve("authkey");
        Files.write(key, result.key());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        var errors = ConfigLoader.check(file);
        assertTrue(errors.isEmpty(), "vigil config check refuses the import:\n" + errors + "\n" + result.yaml());
        return file;
    }
}
