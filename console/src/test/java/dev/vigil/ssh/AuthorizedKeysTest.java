package dev.vigil.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.access.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysTest {
    static final KeyPair ED = generate("ssh-ed25519", 256);
    static final KeyPair EC = generate("ecdsa-sha2-nistp256", 256);
    static final KeyPair RSA = generate("ssh-rsa", 2048);
    private static final Path FILE = Path.of("/etc/vigil/console_authorized_keys");

    static KeyPair generate(String type, int bits) {
        try {
            return KeyUtils.generateKeyPair(type, bits);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String line(KeyPair k) {
        return PublicKeyEntry.toString(k.getPublic());
    }

    @Test
    void readsAllThreeKeyTypesWithTheirRolesAndComments() {
        var keys = AuthorizedKeys.parse(FILE, List.of(
                "# the on-call rota",
                "",
                "role=admin " + line(ED) + " alice@laptop",
                "role=\"operator\",no-port-forwarding " + line(EC) + " bob on call",
                "   " + line(RSA)));

        assertThat(keys.problems()).isEmpty();
        assertThat(keys.keys()).extracting(AuthorizedKey::role).containsExactly(Role.ADMIN, Role.OPERATOR, Role.VIEWER);
        assertThat(keys.keys()).extracting(AuthorizedKey::comment).containsExactly("alice@laptop", "bob on call", "");
        assertThat(keys.keys()).extracting(AuthorizedKey::origin)
                .containsExactly(FILE + ":3", FILE + ":4", FILE + ":5");
        assertThat(keys.find(EC.getPublic())).get().extracting(AuthorizedKey::role).isEqualTo(Role.OPERATOR);
        assertThat(keys.find(RSA.getPublic()).orElseThrow().operator("carol").role()).isEqualTo(Role.VIEWER);
        assertThat(keys.find(generate("ssh-ed25519", 256).getPublic())).isEmpty();
    }

    @Test
    void fingerprintsAreTheOnesSshKeygenShows() {
        var keys = AuthorizedKeys.parse(FILE, List.of(line(ED) + " x"));
        String fp = keys.keys().get(0).fingerprint();
        assertThat(fp).startsWith("SHA256:").doesNotEndWith("="); // OpenSSH prints unpadded base64
        assertThat(fp).isEqualTo(AuthorizedKeys.fingerprint(ED.getPublic()));
        assertThat(keys.keys().get(0).operator("alice"))
                .isEqualTo(new dev.vigil.access.Operator("alice", fp, "x", Role.VIEWER));
    }

    @Test
    void anUnknownRoleRefusesThatKeyOnlyAndNamesTheLineAndColumn() {
        var keys = AuthorizedKeys.parse(FILE, List.of(
                "role=admin " + line(ED) + " alice",
                "no-agent-forwarding,role=root " + line(EC) + " mallory"));

        assertThat(keys.keys()).extracting(AuthorizedKey::comment).containsExactly("alice");
        assertThat(keys.problems()).hasSize(1);
        assertThat(keys.problems().get(0).toString())
                .startsWith(FILE + ":2:21: unknown role 'root'; expected role=viewer, role=operator or role=admin")
                .endsWith("this key is refused");
    }

    @Test
    void optionsTheConsoleCannotHonourRefuseTheKeyRatherThanBeIgnored() {
        var keys = AuthorizedKeys.parse(FILE, List.of(
                "from=\"10.0.0.0/8\",role=operator " + line(ED) + " restricted",
                "command=\"/bin/true\" " + line(EC)));
        assertThat(keys.keys()).isEmpty();
        assertThat(keys.problems()).extracting(AuthorizedKeys.Problem::line).containsExactly(1, 2);
        assertThat(keys.problems().get(0).message()).contains("'from'", "not supported");
    }

    @Test
    void garbageIsAProblemWithItsPositionNotAnException() {
        var keys = AuthorizedKeys.parse(FILE, List.of("  ssh-ed25519 not-base64!! who", line(RSA)));
        assertThat(keys.keys()).hasSize(1);
        assertThat(keys.problems()).hasSize(1);
        assertThat(keys.problems().get(0).toString()).startsWith(FILE + ":1:3: not a usable public key");
    }

    @Test
    void theFileIsReReadWhenItChangesAndIgnoredWhenOthersMayWriteIt(@TempDir Path dir) throws Exception {
        var file = dir.resolve("keys");
        var watched = new AuthorizedKeysFile(file);
        assertThat(watched.current().keys()).isEmpty(); // missing: nobody gets in

        Files.writeString(file, "role=operator " + line(ED) + " alice\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(watched.current().keys()).hasSize(1);

        Files.writeString(file, "role=operator " + line(ED) + " alice\nrole=admin " + line(EC) + " bob\n");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(watched.current().keys()).extracting(AuthorizedKey::comment).containsExactly("alice", "bob");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(watched.current().keys()).isEmpty();
    }
}
