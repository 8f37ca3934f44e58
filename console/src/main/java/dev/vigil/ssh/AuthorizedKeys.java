package dev.vigil.ssh;

import dev.vigil.access.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * The console's OpenSSH-format authorized_keys file: one key a line (ed25519, ECDSA or RSA), with
 * an optional options field that may carry {@code role=viewer|operator|admin} (viewer when absent).
 *
 * <p>A line that cannot be used refuses only that key, never the file, and becomes a
 * {@link Problem} naming file:line:column. Options the console does not implement refuse the key:
 * honouring {@code from=} or {@code command=} partly would grant more than the file says. The
 * forwarding restrictions are accepted because the console never forwards anything.
 */
public final class AuthorizedKeys {
    /** A line that was not loaded, and why. */
    public record Problem(Path file, int line, int column, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + message;
        }
    }

    private static final Set<String> HARMLESS = Set.of("no-port-forwarding", "no-agent-forwarding",
            "no-x11-forwarding", "no-user-rc", "restrict");

    private final List<AuthorizedKey> keys;
    private final List<Problem> problems;

    private AuthorizedKeys(List<AuthorizedKey> keys, List<Problem> problems) {
        this.keys = List.copyOf(keys);
        this.problems = List.copyOf(problems);
    }

    public static AuthorizedKeys empty() {
        return new AuthorizedKeys(List.of(), List.of());
    }

    public static AuthorizedKeys load(Path file) throws IOException {
        // The same bounded reader as the cluster file: a FIFO or device given here must not hang the console.
        return parse(file, dev.vigil.config.BoundedFile.readText(file, dev.vigil.config.BoundedFile.STATE_FILE_LIMIT,
                "authorized keys file").lines().toList());
    }

    /** @param file named in problems and origins only */
    public static AuthorizedKeys parse(Path file, List<String> lines) {
        var keys = new ArrayList<AuthorizedKey>();
        var problems = new ArrayList<Problem>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            int indent = line.indexOf(trimmed.charAt(0)) + 1;
            AuthorizedKeyEntry entry;
            PublicKey key;
            try {
                entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(trimmed);
                if (entry == null) {
                    continue;
                }
                key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
                problems.add(new Problem(file, lineNo, indent, "not a usable public key ("
                        + e.getMessage() + "); expected [role=viewer|operator|admin] TYPE BASE64 [COMMENT] "
                        + "with TYPE ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa"));
                continue;
            }
            if (key == null) {
                problems.add(new Problem(file, lineNo, indent, "unsupported key type " + entry.getKeyType()));
                continue;
            }
            Role role = Role.VIEWER;
            String refused = null;
            int column = indent;
            for (Map.Entry<String, String> option : entry.getLoginOptions().entrySet()) {
                String name = option.getKey().toLowerCase(Locale.ROOT);
                column = indent + Math.max(0, trimmed.toLowerCase(Locale.ROOT).indexOf(name));
                if (name.equals("role")) {
                    String value = unquote(option.getValue());
                    var r = Role.byConfigName(value);
                    if (r.isEmpty()) {
                        refused = "unknown role '" + value + "'; expected role=viewer, role=operator or role=admin";
                        break;
                    }
                    role = r.get();
                } else if (!HARMLESS.contains(name)) {
                    refused = "option '" + option.getKey() + "' is not supported by vigil console (only role=, and "
                            + "the forwarding restrictions, which always hold here)";
                    break;
                }
            }
            if (refused != null) {
                problems.add(new Problem(file, lineNo, column, refused + "; this key is refused"));
                continue;
            }
            String comment = entry.getComment() == null ? "" : entry.getComment().strip();
            keys.add(new AuthorizedKey(key, fingerprint(key), comment, role, file + ":" + lineNo));
        }
        return new AuthorizedKeys(keys, problems);
    }

    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    private static String unquote(String v) {
        if (v == null) {
            return "";
        }
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    public List<AuthorizedKey> keys() {
        return keys;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The entry for {@code key}; the first when a key is listed twice, as OpenSSH does. */
    public Optional<AuthorizedKey> find(PublicKey key) {
        return keys.stream().filter(k -> KeyUtils.compareKeys(k.key(), key)).findFirst();
    }
}
