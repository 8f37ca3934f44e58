package dev.vigil.ssh;

import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import java.security.PublicKey;

/**
 * One key of the console's authorized_keys file.
 *
 * @param fingerprint as {@code ssh-keygen -l} shows it ({@code SHA256:...})
 * @param comment     the text after the key, often who it belongs to; empty when absent
 * @param origin      {@code file:line}, for log lines about this key
 */
public record AuthorizedKey(PublicKey key, String fingerprint, String comment, Role role, String origin) {
    /** Who logs in with this key as {@code user}. */
    public Operator operator(String user) {
        return new Operator(user, fingerprint, comment, role);
    }
}
