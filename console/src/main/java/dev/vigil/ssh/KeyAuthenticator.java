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
    /** Keys refused unread because their failures are being paid for, with the wait left, for the log line. */
    static final AttributeKey<List<String>> THROTTLED_KEYS = new AttributeKey<>();

    private final AuthorizedKeysFile keys;
    private final FailureThrottle throttle;

    KeyAuthenticator(AuthorizedKeysFile keys, FailureThrottle throttle) {
        this.keys = Objects.requireNonNull(keys);
        this.throttle = Objects.requireNonNull(throttle);
    }

    @Override
    public boolean authenticate(String user, PublicKey key, ServerSession session) {
        if (!printable(user)) {
            return false;
        }
        session.setAttribute(USER, user);
        String fingerprint = AuthorizedKeys.fingerprint(key);
        var wait = throttle.waitFor(new FailureThrottle.KeyId(fingerprint));
        if (!wait.isZero()) {
            // This key's own failures are paid for here; other keys from the same address are not affected.
            var throttled = session.computeAttributeIfAbsent(THROTTLED_KEYS, k -> new ArrayList<>());
            String entry = fingerprint + " (" + Math.max(1, wait.toSeconds()) + " s left)";
            if (!throttled.contains(entry)) throttled.add(entry);
            return false;
        }
        var found = keys.current().find(key);
        if (found.isEmpty()) {
            var refused = session.computeAttributeIfAbsent(REFUSED_KEYS, k -> new ArrayList<>());
            // MINA asks about each key twice at most; one failure per key and session.
            if (!refused.contains(fingerprint)) refused.add(fingerprint);
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
