package dev.vigil.access;

/**
 * Who is at the console: the SSH user name they logged in with, their key's fingerprint
 * (SHA256:...) and comment, and the role their key carries. This is what the audit log names.
 */
public record Operator(String user, String keyFingerprint, String keyComment, Role role) {
    public boolean may(Role needed) {
        return role.allows(needed);
    }
}
