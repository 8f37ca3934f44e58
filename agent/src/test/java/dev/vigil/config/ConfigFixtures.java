package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** Shared by the config tests; keeps every test off the real DNS. */
final class ConfigFixtures {
    static final String KEY_TEXT = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eg==";

    /** Knows a few host names, like /etc/hosts would; everything else is unknown. */
    static final ConfigLoader.HostResolver NO_DNS = host -> {
        var known = Map.of("ha1.example.com", "10.0.0.48", "localhost", "127.0.0.1");
        String ip = known.get(host);
        if (ip == null) {
            throw new UnknownHostException(host);
        }
        return ConfigLoader.ipLiteral(ip).orElseThrow();
    };

    private ConfigFixtures() {}

    static Path writeKey(Path path) throws IOException {
        return writeKey(path, KEY_TEXT + "\n", "rw-------");
    }

    static Path writeKey(Path path, String content, String mode) throws IOException {
        Files.writeString(path, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        return path;
    }

    static InetAddress ip(String literal) {
        return ConfigLoader.ipLiteral(literal).orElseThrow();
    }

    /** The errors of a policy half read alone (line 1 is its first line); empty when it is valid. */
    static List<ConfigError> resourceErrors(String yaml, Path file, List<String> nodes) {
        try {
            ConfigLoader.loadResources(yaml, file, nodes);
            return List.of();
        } catch (ConfigException e) {
            return e.errors();
        }
    }

    /** {@code e} is at line:column and its message says each of {@code fragments}. */
    static void assertError(ConfigError e, int line, int column, String... fragments) {
        assertThat(e.message()).contains(fragments);
        assertThat(e.line()).as("line of %s", e).isEqualTo(line);
        assertThat(e.column()).as("column of %s", e).isEqualTo(column);
    }
}
