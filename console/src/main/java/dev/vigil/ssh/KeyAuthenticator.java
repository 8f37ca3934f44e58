package dev.vigil.ssh;

import dev.vigil.access.Operator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication against the authorized_keys file. The key that logs in decides who
 * the session is: its {@link Operator} is attached to the session for the commands to read.
 * MINA asks once without a signature and again with one; the last key asked about is the one
 * whose signature is checked, so the attribute always names the key that got in.
 */
final class KeyAuthenticator implements PublickeyAuthenticator {
    static final AttributeKey<Operator> OPERATOR = new AttributeKey<>();
    /** Fingerprints of keys offered and refused, for the log line when the session ends without logging in. */
    static final AttributeKey<List<String>> REFUSED_KEYS = new AttributeKey<>();
    /** The user name asked for, for the same log line. */
    static final AttributeKey<String> USER = new AttributeKey<>();

    private final AuthorizedKeysFile keys;

    KeyAuthenticator(AuthorizedKeysFile keys) {
        this.keys = Objects.requireNonNull(keys);
    }

    @Override
    public boolean authenticate(String user, PublicKey key, ServerSession session) {
        if (!printable(user)) {
            return false;
        }
        session.setAttribute(USER, user);
        var found = keys.current().find(key);
        if (found.isEmpty()) {
            session.computeAttributeIfAbsent(REFUSED_KEYS, k -> new ArrayList<>()).add(AuthorizedKeys.fingerprint(key));
            return false;
        }
        session.setAttribute(OPERATOR, found.get().operator(user));
        return true;
    }

    /** The user name lands in the audit log and on the screen: no control characters, no novels. */
    static boolean printable(String user) {
        return user != null && !user.isEmpty() && user.length() <= 64
                && user.codePoints().allMatch(c -> c > 0x20 && c != 0x7f && !Character.isISOControl(c));
    }
}
